// The standalone plugin archive (scripts/release/plugin-archive.ts), as the CLI installs it: one
// executable at the root of the .tar.gz, unpacked into an empty folder and started with no `node`
// on PATH, answering the engine's first calls over gRPC with package.json's version and
// schema.json. The archive is the release's (scripts/release.ts), which the suite builds once per
// content and shares with the install tests (harness/release-artifacts.ts).
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseArtifacts } from "../../harness/release-artifacts.js";
import { pluginArchiveName } from "../../scripts/release/plugin-archive.js";

const root = resolve(__dirname, "../..");
const EXECUTABLE = "pulumi-resource-huaweicloud-kms";
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(file, args, { encoding: "utf8", env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

/** Resolves with the port the process prints as its first line. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\n/.exec(out);
      if (line?.[1]) resolvePort(Number(line[1]));
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      reject(new Error(`the plugin exited (${String(code ?? signal)}) before printing its port; stdout: ${out}`));
    });
  });
}

function unary<Res>(call: (callback: (err: grpc.ServiceError | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolveCall, reject) => {
    call((err, res) => {
      if (err) reject(err);
      else resolveCall(res);
    });
  });
}

describe("the standalone plugin archive", () => {
  const tmp = mkdtempSync(join(tmpdir(), "kms-standalone-"));
  const unpacked = join(tmp, "plugin");
  const work = join(tmp, "cwd");
  const home = join(tmp, "home");
  const scratch = join(tmp, "tmp");
  // A PATH that holds no `node`: an empty folder (on this machine /usr/bin has Node 20).
  const emptyBin = join(tmp, "bin");
  const env = { PATH: emptyBin, HOME: home, TMPDIR: scratch };
  let archive: string;
  let child: ChildProcess | undefined;
  let stderr = "";
  let client: ResourceProviderClient;

  beforeAll(async () => {
    for (const dir of [unpacked, work, home, scratch, emptyBin]) mkdirSync(dir);
    archive = (await releaseArtifacts()).pluginArchive;
    const untar = run("tar", ["-xzf", archive, "-C", unpacked]);
    expect(untar.status, untar.stderr).toBe(0);
    child = spawn(join(unpacked, EXECUTABLE), [], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await portOf(child);
    client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 300_000);

  afterAll(() => {
    client.close();
    child?.kill();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("is named as the CLI asks for it and holds only the executable, mode 0755", () => {
    expect(basename(archive)).toBe(pluginArchiveName(manifest.version, "linux", "amd64"));
    const listing = run("tar", ["-tvzf", archive]);
    expect(listing.status, listing.stderr).toBe(0);
    const entries = listing.stdout.trim().split("\n");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(new RegExp(`^-rwxr-xr-x \\S+ .* ${EXECUTABLE}$`));
    expect(filesUnder(unpacked)).toEqual([EXECUTABLE]);
    expect(statSync(join(unpacked, EXECUTABLE)).mode & 0o777).toBe(0o755);
  });

  it("runs where no `node` is on PATH", () => {
    expect(run("/bin/sh", ["-c", "command -v node"], env).status).not.toBe(0);
    expect(child?.exitCode).toBeNull();
  });

  it("answers GetPluginInfo with package.json's version", async () => {
    const info = await unary<{ getVersion(): string }>((cb) => client.getPluginInfo(new Empty(), cb));
    expect(info.getVersion()).toBe(manifest.version);
  });

  it("answers GetSchema with schema.json", async () => {
    const res = await unary<{ getSchema(): string }>((cb) => client.getSchema(new GetSchemaRequest(), cb));
    expect(res.getSchema()).toBe(readFileSync(join(root, "schema.json"), "utf8"));
  });

  it("writes nothing on stderr (no experimental warning) and leaves no file behind", () => {
    expect(stderr).toBe("");
    expect(filesUnder(work)).toEqual([]);
    expect(filesUnder(home)).toEqual([]);
    expect(filesUnder(scratch)).toEqual([]);
    expect(filesUnder(unpacked)).toEqual([EXECUTABLE]);
  });
});
