// The plugin provider as one executable that needs no Node.js, npm or node_modules where it runs,
// packed as the archive the Pulumi CLI downloads from the package's pluginDownloadURL. A Node.js
// single executable application: the esbuild bundle of the plugin's entry (plugin-bundle.ts) and
// its package.json and schema.json (read by main.ts through node:sea) injected into a copy of the
// `node` devDependency's binary (plugin-node-binary.ts).
//
//   tsx scripts/release/plugin-archive.ts [--out release]     (after npm run build)
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { readPackageManifest } from "../../provider/engine/package-manifest.js";
import { bundlePlugin, PLUGIN_ENTRY } from "./plugin-bundle.js";
import { seaNodeBinary } from "./plugin-node-binary.js";

/** Node's marker for "this binary carries an application" (fixed by Node.js, see its SEA docs). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** How long the built executable may take to print its port in the build's own check. */
const SMOKE_TIMEOUT_MS = 20_000;

export interface PluginArchiveOptions {
  /** The package root: package.json, schema.json, dist/ (built) and node_modules/. */
  root: string;
  /** Where the archive goes; a work folder `.plugin-build` is made beside it. */
  outDir: string;
  /** package.json's version: the archive is named after it and the plugin reports it. */
  version: string;
  progress: (line: string) => void;
}

export interface PluginArchive {
  /** The .tar.gz, in outDir. */
  archive: string;
  /** The executable the archive holds, left in the work folder (outDir/.plugin-build/). */
  executable: string;
  /** Size of the archive. */
  bytes: number;
  /** Size of the executable. */
  executableBytes: number;
}

/** The Pulumi plugin name, as the schema declares it (`huaweicloud-kms`). */
export function pluginName(root: string): string {
  const schema = JSON.parse(readFileSync(join(root, "schema.json"), "utf8")) as { name?: unknown };
  if (typeof schema.name !== "string" || schema.name === "") throw new Error(`${join(root, "schema.json")} has no name`);
  return schema.name;
}

/** The executable the CLI runs: `pulumi-resource-<name>`. */
export function pluginExecutableName(name: string): string {
  return `pulumi-resource-${name}`;
}

/**
 * The archive name the Pulumi CLI asks the download URL for (`os`/`arch` as Go names them:
 * linux/amd64, darwin/arm64, …): pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz.
 */
export function pluginArchiveName(version: string, os: string, arch: string, name = "huaweicloud-kms"): string {
  return `${pluginExecutableName(name)}-v${version}-${os}-${arch}.tar.gz`;
}

/** This machine's platform in the CLI's (Go's) names: the `node` devDependency is this platform's binary. */
export function pulumiPlatform(): { os: string; arch: string } {
  const arch: Partial<Record<string, string>> = { x64: "amd64", arm64: "arm64" };
  const goArch = arch[process.arch];
  if (process.platform !== "linux" || goArch === undefined) {
    throw new Error(`the standalone plugin is built on Linux x64 or arm64, not ${process.platform}/${process.arch}`);
  }
  return { os: "linux", arch: goArch };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Runs `fn`, reporting how long it took after `what`. */
async function step<T>(progress: (line: string) => void, what: string, fn: () => T | Promise<T>, size?: (r: T) => string): Promise<T> {
  const start = performance.now();
  const result = await fn();
  const extra = size === undefined ? "" : `: ${size(result)}`;
  progress(`plugin archive: ${what}${extra} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
  return result;
}

function run(file: string, args: readonly string[], cwd: string): void {
  const r = spawnSync(file, args, { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    const output = `${r.stdout}${r.stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new Error(`${file} ${args.join(" ")} failed (${String(r.status ?? r.signal ?? r.error)}):\n${output}`);
  }
}

/**
 * Starts the executable with an empty environment (no PATH, so no `node` to fall back on) and
 * resolves with the milliseconds until it printed its port; stops it then.
 */
export function timeToPort(executable: string, env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; port: number }> {
  return new Promise((resolvePort, reject) => {
    const start = performance.now();
    const child = spawn(executable, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${executable} printed no port in ${SMOKE_TIMEOUT_MS} ms; stderr: ${stderr.trim()}`));
    }, SMOKE_TIMEOUT_MS);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (!line?.[1]) return;
      const ms = performance.now() - start;
      clearTimeout(timer);
      child.kill();
      resolvePort({ ms, port: Number(line[1]) });
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("exit", (code, signal) => {
      if (/^\d+\n/.test(stdout)) return;
      clearTimeout(timer);
      reject(new Error(`${executable} exited (${String(code ?? signal)}) before printing a port; stderr: ${stderr.trim()}`));
    });
  });
}

export async function buildPluginArchive(options: PluginArchiveOptions): Promise<PluginArchive> {
  const { root, outDir, version, progress } = options;
  const manifest = readPackageManifest(root);
  // The plugin reports package.json's version (GetPluginInfo); an archive named otherwise would be
  // a plugin the CLI installs under one version and hears another from.
  if (manifest.version !== version) throw new Error(`version ${version} is not package.json's ${manifest.version}`);
  const name = pluginName(root);
  const { os, arch } = pulumiPlatform();
  const work = join(outDir, ".plugin-build");
  const stage = join(work, "stage");
  const executable = join(stage, pluginExecutableName(name));
  const archive = join(outDir, pluginArchiveName(version, os, arch, name));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  rmSync(archive, { force: true });

  const node = seaNodeBinary(root);
  progress(`plugin archive: Node.js ${node.version} from ${node.path}`);
  const bundleFile = join(work, "plugin.js");
  const bundle = await step(progress, `bundle of ${PLUGIN_ENTRY}`, () => bundlePlugin(root, bundleFile), (b) => mb(b.bytes));
  // A warning is a require the bundler could not follow: inside the executable it would throw.
  if (bundle.warnings.length > 0) throw new Error(`the plugin bundle has warnings:\n${bundle.warnings.join("\n")}`);

  const blob = join(work, "sea-prep.blob");
  const seaConfig = {
    main: bundleFile,
    output: blob,
    // The experimental warning would reach the engine's log on every start.
    disableExperimentalSEAWarning: true,
    // V8's compiled code for the bundle, made here: start-up does not compile 4 MB of JavaScript.
    useCodeCache: true,
    assets: { "package.json": join(root, "package.json"), "schema.json": join(root, "schema.json") },
  };
  writeFileSync(join(work, "sea-config.json"), `${JSON.stringify(seaConfig, null, 2)}\n`);
  // The blob (and its code cache) must come from the very Node.js it is injected into.
  await step(
    progress,
    "single executable blob",
    () => {
      run(node.path, ["--experimental-sea-config", "sea-config.json"], work);
    },
    () => mb(statSync(blob).size),
  );

  copyFileSync(node.path, executable);
  chmodSync(executable, 0o755);
  const postject = createRequire(join(root, "package.json")).resolve("postject/dist/cli.js");
  await step(
    progress,
    `blob injected into a copy of node (${mb(statSync(node.path).size)})`,
    () => {
      run(process.execPath, [postject, executable, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], work);
    },
    () => mb(statSync(executable).size),
  );

  // The build's own check: it runs with nothing from this machine's PATH and prints a port.
  const started = await timeToPort(executable);
  progress(`plugin archive: the executable started with an empty environment and printed port ${started.port} after ${started.ms.toFixed(0)} ms`);

  mkdirSync(outDir, { recursive: true });
  // Numeric owner 0 and mode 0755: the builder's user names mean nothing where it is unpacked.
  await step(
    progress,
    archive,
    () => {
      const member = pluginExecutableName(name);
      run("tar", ["--create", "--gzip", "--file", archive, "--directory", stage, "--owner=0", "--group=0", "--numeric-owner", "--mode=0755", member], work);
    },
    () => mb(statSync(archive).size),
  );
  return { archive, executable, bytes: statSync(archive).size, executableBytes: statSync(executable).size };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const root = resolve(__dirname, "..", "..");
  const outDir = resolve(outIndex >= 0 ? (args[outIndex + 1] ?? "release") : "release");
  const start = performance.now();
  buildPluginArchive({ root, outDir, version: readPackageManifest(root).version, progress: (line) => process.stderr.write(`${line}\n`) }).then(
    (r) => {
      process.stderr.write(`plugin archive: done in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      process.stdout.write(`${r.archive}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`plugin archive failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
