// The release artifacts (scripts/release.ts) for the tests that install the package as users do,
// plus the two ways a user gets the plugin from them: `pulumi plugin install --file`, and the CLI
// downloading it from the release page (a loopback server standing in for it).
//
// The release is built once per content, not once per test run: in the cache's release/<hash>/
// (PULUMI_KMS_CACHE moves it), where <hash> covers every input of the release: the sources and
// files of the repository that git sees (tests and benchmarks left out), the built
// dist/ and package-lock.json (the dependencies and the Node.js binary the plugin is made of).
// A change to any of them builds a new release (about 35 s on 2 cores); otherwise the suite
// reuses it (a hash of about 1 MB, milliseconds). Test files running in parallel wait on a lock
// file for the one release they all need instead of each building it.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join, relative, resolve } from "node:path";
import { readPackageManifest } from "../provider/engine/package-manifest.js";
import { pluginArchiveName, pulumiPlatform } from "../scripts/release/plugin-archive.js";
import { kmsCacheDir } from "./cache-dir.js";
import { tryLock } from "./file-lock.js";
import { runCommand, type CommandResult } from "./run-command.js";

const root = resolve(__dirname, "..");
/** Folders whose files go into no artifact: editing a test does not make a new release (examples/ ships in the npm package). */
const NOT_RELEASED = /^(test|bench|harness)\//;
const COMPLETE = ".complete";
/** Releases kept in the cache (each about 43 MB); older ones are removed when one is built. */
const KEEP = 3;

/** What `npm run release` writes, as absolute paths. */
export interface ReleaseArtifacts {
  /** The folder holding them all. */
  dir: string;
  /** package.json's version, the one every artifact carries. */
  version: string;
  npmTarball: string;
  wheel: string;
  sdist: string;
  /** pulumi-resource-huaweicloud-kms-v<version>-<os>-<arch>.tar.gz */
  pluginArchive: string;
  schema: string;
}

function progress(message: string): void {
  process.stderr.write(`[release-artifacts] ${message}\n`);
}

/** Every file of the repository that goes into a release, with its content, hashed. */
function inputsHash(): string {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout.split("\0").filter((f) => f !== "" && !NOT_RELEASED.test(f));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))]));
  // dist/ is ignored by git, and it is what the npm package and the plugin are made of.
  if (!existsSync(join(root, "dist", "sdk", "index.js"))) throw new Error("build the package first: npm run build");
  const hash = createHash("sha256");
  for (const file of [...files, ...walk(join(root, "dist"))].sort()) {
    // A file git lists may be deleted in the working tree.
    if (!existsSync(join(root, file))) continue;
    hash.update(`${file}\0`).update(readFileSync(join(root, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The artifacts in `dir`, by the names the release gives them. */
function artifactsIn(dir: string): ReleaseArtifacts {
  const manifest = readPackageManifest(root);
  const { version } = manifest;
  const names = readdirSync(dir);
  const one = (pattern: RegExp, what: string): string => {
    const found = names.filter((n) => pattern.test(n));
    if (found.length !== 1 || found[0] === undefined) throw new Error(`${dir}: expected one ${what}, found ${found.length === 0 ? "none" : found.join(", ")}`);
    return join(dir, found[0]);
  };
  const { os, arch } = pulumiPlatform();
  const exact = (name: string): string => one(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), name);
  return {
    dir,
    version,
    npmTarball: exact(`${manifest.name}-${version}.tgz`),
    wheel: one(/^pulumi_huaweicloud_kms-.*\.whl$/, "wheel"),
    sdist: one(/^pulumi_huaweicloud_kms-.*\.tar\.gz$/, "sdist"),
    pluginArchive: exact(pluginArchiveName(version, os, arch)),
    schema: exact("schema.json"),
  };
}

/** Runs scripts/release.ts into `outDir` with this process's Node (22), its progress passed on. */
async function runRelease(outDir: string): Promise<void> {
  const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const output: string[] = [];
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, [tsx, join(root, "scripts", "release.ts"), "--out", outDir], {
      cwd: root,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pass = (b: Buffer): void => {
      output.push(b.toString());
      process.stderr.write(b);
    };
    child.stdout.on("data", pass);
    child.stderr.on("data", pass);
    child.once("error", fail);
    child.once("close", done);
  });
  if (code !== 0) throw new Error(`scripts/release.ts failed (${String(code)}):\n${output.join("").split("\n").slice(-30).join("\n")}`);
}

/** Removes all but the newest KEEP releases, and work folders of builds that died. */
function prune(base: string, keep: string): void {
  const entries = readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => dir !== keep && statSync(dir).isDirectory());
  const done = entries.filter((dir) => existsSync(join(dir, COMPLETE))).sort((a, b) => statSync(join(b, COMPLETE)).mtimeMs - statSync(join(a, COMPLETE)).mtimeMs);
  for (const dir of done.slice(KEEP - 1)) rmSync(dir, { recursive: true, force: true });
  for (const dir of entries.filter((d) => basename(d).startsWith("tmp-") && Date.now() - statSync(d).mtimeMs > 60 * 60 * 1000)) {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function buildOrReuse(): Promise<ReleaseArtifacts> {
  const hash = inputsHash();
  const base = kmsCacheDir("release");
  const dir = join(base, hash);
  const stamp = join(dir, COMPLETE);
  const lock = join(base, `${hash}.lock`);
  mkdirSync(base, { recursive: true });
  let waitingSince: number | undefined;
  let reported = 0;
  const brokenLock = (holder: number): void => {
    progress(`breaking the lock of process ${String(holder)}, which is gone`);
  };
  for (;;) {
    if (existsSync(stamp)) {
      const now = new Date();
      utimesSync(stamp, now, now);
      progress(`reusing the release of these sources in ${dir} (${readFileSync(stamp, "utf8").trim()})`);
      return artifactsIn(dir);
    }
    if (tryLock(lock, brokenLock)) {
      try {
        // Another process may have finished it between the check and the lock.
        if (existsSync(stamp)) continue;
        const started = Date.now();
        progress(`building the release of these sources (${hash}) into ${dir}`);
        const work = mkdtempSync(join(base, "tmp-"));
        await runRelease(work);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        writeFileSync(join(work, COMPLETE), `built in ${seconds} s on ${new Date().toISOString()}\n`);
        rmSync(dir, { recursive: true, force: true });
        renameSync(work, dir);
        progress(`release built in ${seconds} s`);
        prune(base, dir);
        return artifactsIn(dir);
      } finally {
        rmSync(lock, { force: true });
      }
    }
    waitingSince ??= Date.now();
    if (Date.now() - reported >= 15_000) {
      reported = Date.now();
      progress(`waiting for the release another test file is building (${lock})`);
    }
    if (Date.now() - waitingSince > 15 * 60_000) throw new Error(`waited 15 minutes for ${lock}; remove it if no release is being built`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

let release: Promise<ReleaseArtifacts> | undefined;

/** The release of the current sources: from the cache, or built once (see the top of this file). */
export function releaseArtifacts(): Promise<ReleaseArtifacts> {
  release ??= buildOrReuse();
  return release;
}

/**
 * `pulumi plugin install resource huaweicloud-kms <version> --file <archive>`, as a user types it,
 * into the PULUMI_HOME of `sandboxEnv` (a sandbox's envVars: its PATH finds `pulumi`).
 */
export async function installPluginArchive(sandboxEnv: Record<string, string>, archive: string, version: string): Promise<CommandResult> {
  const args = ["plugin", "install", "resource", "huaweicloud-kms", version, "--file", archive, "--non-interactive", "--color", "never"];
  const result = await runCommand("pulumi", args, { env: sandboxEnv });
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${String(result.code)}):\n${result.stdout}${result.stderr}`);
  return result;
}

/** A loopback HTTP server standing in for the release page the package's pluginDownloadURL names. */
export interface PluginDownloadServer {
  /** The release page's stand-in, `${VERSION}` left for the CLI to fill in. */
  readonly url: string;
  /** The value of PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES that sends the CLI's downloads here. */
  readonly overrides: string;
  /** The path of every request, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` (a release) as the release page would: GET <page>/<file name>.
 *
 * The CLI (sdk/go/common/workspace/plugins.go, 3.277) matches each override's regular expression
 * against the plugin's download URL as given, `${VERSION}` not yet filled in; the override URL
 * replaces it, gets `${VERSION}` (and ${NAME}, ${OS}, ${ARCH}) filled in, and the archive's name
 * appended: <override>/pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz.
 */
export async function startPluginDownloadServer(dir: string): Promise<PluginDownloadServer> {
  const { pluginDownloadURL } = readPackageManifest(root).publishing;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://loopback").pathname);
    requests.push(path);
    const file = join(dir, basename(path));
    if (req.method !== "GET" || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": statSync(file).size });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  // The same path as the release page's (…/releases/download/v${VERSION}), on loopback.
  const page = new URL(pluginDownloadURL.replace("${VERSION}", "VERSION_"));
  const url = `http://127.0.0.1:${String(port)}${page.pathname.replace("VERSION_", "${VERSION}")}`;
  const prefix = pluginDownloadURL.split("${VERSION}")[0] ?? pluginDownloadURL;
  const pattern = `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
  // The variable's syntax: regexp=URL pairs, separated by commas.
  if (/[,=]/.test(pattern + url)) throw new Error(`the download URL ${pluginDownloadURL} cannot be written as an override (it holds "," or "=")`);
  return {
    url,
    overrides: `${pattern}=${url}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.close(() => {
          done();
        });
        server.closeAllConnections();
      }),
  };
}
