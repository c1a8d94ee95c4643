// A Go Pulumi program (e.g. examples/go-rotation) made ready for the real CLI in a test sandbox: a
// copy in a fresh folder outside the repository, beside a copy of sdk/go that its go.mod's
// `replace` points at, as a user holding the SDK's files would lay it out.
//
// The sandbox (harness/pulumi-env.ts) sends HTTP(S) to a closed port, so the Go language host,
// which compiles the program on every run, cannot reach the Go module proxy. The modules are
// downloaded here first, with the normal environment (once per go.mod/go.sum: a stamp in
// ~/.cache/pulumi-huaweicloud-kms/go-modules, PULUMI_KMS_CACHE moves it), and the program is
// compiled once offline with `go list -export`, which puts the program and its dependencies into
// Go's compile cache as the language host's `go build` compiles them, without linking a binary
// the language host would link again anyway (where the CLI was built here, 33 of its 552
// packages are left to compile: about 25 s of CPU the first time, a second or two after; `go vet`
// did that and also analyzed every dependency, twice the CPU). The CLI then runs with
// `useGoProgram`: GOPROXY=off and the same GOMODCACHE and
// GOCACHE, so each `pulumi` command compiles from the caches and never downloads.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";
import { kmsCacheDir } from "./cache-dir.js";
import { ensurePulumiCli } from "./pulumi-cli.js";
import { commandOnPath } from "./pulumi-env.js";

const root = resolve(__dirname, "..");
const sdkDir = join(root, "sdk/go");
// A stack's settings file is the user's, not the program's.
const STACK_FILE = /^Pulumi\.[^/]+\.yaml$/;

export interface GoProgram {
  /** The program's folder (Pulumi.yaml, main.go, go.mod): the Pulumi project to run. */
  readonly dir: string;
  /** Environment for the CLI (and so for the Go language host and `go`): offline, shared caches. */
  readonly env: Record<string, string>;
  /** Removes the copies. */
  dispose(): void;
}

function progress(message: string): void {
  console.log(`[go-program] ${message}`);
}

function go(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync("go", args, { cwd, encoding: "utf8", env: { ...env, GOWORK: "off" }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const output = `${r.stdout}${r.stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`go ${args.join(" ")} (in ${cwd}) failed (${String(r.status ?? r.signal ?? r.error)}):\n${output}`);
  }
  return r.stdout;
}

interface GoModJson {
  Module: { Path: string };
  Replace?: { Old: { Path: string }; New: { Path: string } }[] | null;
}

function goModJson(dir: string): GoModJson {
  return JSON.parse(go(["mod", "edit", "-json"], dir)) as GoModJson;
}

/**
 * The flags scripts/pulumi-cli.sh builds the CLI with. Go's compile cache keys packages on their
 * module version and build flags: built with these, a program on sdk/go (which requires the CLI's
 * sdk/v3 release) reuses the packages the CLI build compiled instead of compiling them again
 * (about half of a cold compile).
 */
export const CLI_BUILD_ENV = { GOFLAGS: "-trimpath -tags=osusergo,grpcnotrace", CGO_ENABLED: "0" } as const;

interface GoEnv {
  GOROOT: string;
  GOMODCACHE: string;
  GOCACHE: string;
}

/**
 * The Go environment of every `pulumi` command that runs the program: modules only from the
 * module cache (GOPROXY=off; -mod=mod lets go.mod be completed from it), Go's own caches shared
 * with the normal environment, the CLI build's flags, and this Go toolchain (no toolchain download).
 */
function goProgramEnv(): Record<string, string> & GoEnv {
  const env = JSON.parse(go(["env", "-json", "GOROOT", "GOMODCACHE", "GOCACHE"], root)) as GoEnv;
  // GOSUMDB=off: go.sum lines for the CLI's versions (alignWithCli) come from the module cache,
  // whose contents were checked against the checksum database when they were downloaded.
  return { ...CLI_BUILD_ENV, GOFLAGS: `-mod=mod ${CLI_BUILD_ENV.GOFLAGS}`, GOPROXY: "off", GOSUMDB: "off", GOWORK: "off", GOTOOLCHAIN: "local", ...env };
}

/**
 * Gives `envVars` (the object a workspace is given) the program's Go environment, and puts the Go
 * toolchain's bin folder, which the language host runs `go` from, right after the CLI's on PATH: a
 * sandbox without Node.js has only the CLI's and the system's folders there.
 */
export function useGoProgram(envVars: Record<string, string>, program: GoProgram): void {
  Object.assign(envVars, program.env);
  const goBin = join(program.env.GOROOT ?? "", "bin");
  if (commandOnPath("node", goBin) !== undefined) throw new Error(`${goBin} holds node: it cannot go on a PATH without Node.js`);
  const [cliBin = "", ...rest] = (envVars.PATH ?? "").split(delimiter);
  envVars.PATH = [cliBin, goBin, ...rest].filter((d) => d !== "").join(delimiter);
}

/** Copies the Go program in `exampleDir` and sdk/go into a new temp folder and readies its modules. */
export function prepareGoProgram(exampleDir: string): GoProgram {
  const work = mkdtempSync(join(tmpdir(), "kms-go-program-"));
  try {
    const dir = join(work, basename(exampleDir));
    const sdkCopy = join(work, "sdk-go");
    cpSync(exampleDir, dir, { recursive: true, filter: (src) => !STACK_FILE.test(basename(src)) });
    cpSync(sdkDir, sdkCopy, { recursive: true });

    // The program's `replace` of the SDK module now names the copy.
    const sdkModule = goModJson(sdkDir).Module.Path;
    const replaced = (goModJson(dir).Replace ?? []).some((r) => r.Old.Path === sdkModule);
    if (!replaced) throw new Error(`${join(exampleDir, "go.mod")} has no replace of ${sdkModule}`);
    go(["mod", "edit", `-replace=${sdkModule}=../sdk-go`], dir);
    alignWithCli(dir);

    const env = goProgramEnv();
    downloadModules(dir, sdkCopy);
    const t = Date.now();
    progress(`compiling ${basename(exampleDir)} and its dependencies offline (go list -export; about 25 s of CPU the first time, then Go's compile cache)`);
    go(["list", "-export", "-deps", "-f", "{{.ImportPath}}", "."], dir, { ...process.env, ...env });
    progress(`  done in ${String(Date.now() - t)} ms`);
    return {
      dir,
      env,
      dispose: () => {
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Requires, in the copy's go.mod, each module of its graph at the version the Pulumi CLI binary was
 * built from (its build info), so that Go's minimal version selection takes the newer of the two.
 * The CLI build compiled 536 of the program's 549 packages with the same flags: at the CLI's
 * versions they come from Go's compile cache instead of being compiled again (about a minute on 2
 * cores). A user's program resolves its own versions; this only picks compatible newer releases.
 */
function alignWithCli(dir: string): void {
  const built = new Map<string, string>();
  const pulumi = join(ensurePulumiCli(), "pulumi");
  for (const line of go(["version", "-m", pulumi], dir).split("\n")) {
    const dep = /^\s+dep\s+(\S+)\s+(v\S+)/.exec(line);
    if (dep?.[1] !== undefined && dep[2] !== undefined) built.set(dep[1], dep[2]);
  }
  const graph = go(["list", "-m", "-f", "{{.Path}} {{.Version}}", "all"], dir, { ...process.env, GOFLAGS: "-mod=mod" });
  const requires: string[] = [];
  for (const line of graph.split("\n")) {
    const [path = "", version = ""] = line.split(" ");
    const cli = built.get(path);
    if (cli !== undefined && version !== "" && cli !== version) requires.push(`-require=${path}@${cli}`);
  }
  if (requires.length === 0) return;
  go(["mod", "edit", ...requires], dir);
  // Newer releases may import packages of modules the graph did not hold: tidy completes go.mod
  // and go.sum (from the module cache where the CLI build left them, else from the proxy).
  go(["mod", "tidy"], dir, { ...process.env, GOFLAGS: "-mod=mod" });
  progress(`${String(requires.length)} modules required at the CLI build's versions`);
}

/** `go mod download` of everything the program's module graph names, once per go.mod/go.sum pair. */
function downloadModules(dir: string, sdkCopy: string): void {
  const hash = createHash("sha256").update(go(["env", "GOVERSION", "GOMODCACHE", "GOPROXY"], dir));
  for (const file of [join(dir, "go.mod"), join(dir, "go.sum"), join(sdkCopy, "go.mod"), join(sdkCopy, "go.sum")]) {
    hash.update(`${basename(file)}\n`).update(existsSync(file) ? readFileSync(file) : "");
  }
  const stamp = kmsCacheDir("go-modules", hash.digest("hex").slice(0, 16));
  if (existsSync(stamp)) {
    progress(`modules already downloaded (${stamp})`);
    return;
  }
  const t = Date.now();
  progress("go mod download (from the Go module proxy the first time)");
  go(["mod", "download"], dir);
  // The language host lists the whole module graph (go list -m all) to find plugins: every
  // go.mod in it must be in the module cache too.
  go(["list", "-m", "all"], dir, { ...process.env, GOFLAGS: "-mod=mod" });
  progress(`  downloaded in ${String(Date.now() - t)} ms`);
  mkdirSync(kmsCacheDir("go-modules"), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
