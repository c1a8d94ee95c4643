// Figure 6: the plugin provider as users get it from the release, the standalone executable of
// `pulumi-resource-huaweicloud-kms-v<version>-linux-amd64.tar.gz` (scripts/release/plugin-archive.ts),
// beside the dynamic provider, measured in the same run: KMS calls per operation, `up` of N
// rotations against the dynamic provider and the no-op floor, state bytes per resource, the
// process's start-up (spawn to printed port) beside the Node-script plugin's, and the archive's
// size.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPackageManifest } from "../provider/engine/package-manifest.js";
import { INSTALLED_ROOT_ENV, installedPackageDir } from "../harness/installed-package.js";
import { buildPluginArchive } from "../scripts/release/plugin-archive.js";
import { measureApiCalls, type ApiCallsResult } from "./api-calls.js";
import {
  assertSucceeded,
  floorProgram,
  keyIds,
  median,
  progress,
  rotationProgram,
  round,
  startBed,
  timed,
  type BenchContext,
  type Vehicle,
} from "./common.js";
import { vmHwmBytes } from "./memory.js";
import { measureStateSize } from "./state-size.js";

export interface UpTimes {
  n: number;
  /** Emulated KMS latency per call. */
  latencyMs: number;
  repetitions: number;
  /** Median wall time of `up` creating N resources, milliseconds. */
  floorMs: number;
  dynamicMs: number;
  /** The standalone plugin's. */
  pluginMs: number;
}

export interface StartUp {
  samples: number[];
  medianMs: number;
  /** A bare `node -e ""` on the same machine, the part no provider can avoid. */
  bareNodeMs: number;
}

export interface PluginArchiveSize {
  name: string;
  /** The .tar.gz as downloaded. */
  bytes: number;
  /** The executable it holds (Node.js itself is most of it). */
  executableBytes: number;
  /** Building it from dist/: bundle, blob, injection, gzip. */
  buildSeconds: number;
}

/** The plugin processes seen during the plugin's `up` runs (from /proc: the executable they run). */
export interface PluginProcesses {
  processes: number;
  /** Highest VmHWM of one of them, bytes. */
  peakRssBytes: number;
}

export interface PluginFigure {
  /** What ran as the plugin: the standalone executable from the release archive. */
  vehicle: "standalone";
  apiCalls: ApiCallsResult;
  /** At 0 ms and at 50 ms KMS latency. */
  up: UpTimes[];
  stateBytesPerResource: { plugin: number; pluginProvider: number };
  /** The standalone executable's. */
  startUp: StartUp;
  /** The Node-script plugin's (`node dist/…/plugin/main.js`, what the npm package runs), measured interleaved with it. */
  scriptStartUp: { samples: number[]; medianMs: number };
  archive: PluginArchiveSize;
  pluginProcesses: PluginProcesses;
}

const PLUGIN_TYPE = "huaweicloud-kms:index:KeyRotation";
const EXECUTABLE = "pulumi-resource-huaweicloud-kms";
const START_UP_RUNS = 7;

/** Milliseconds from spawning `command` until it prints its first line (then it is killed). */
function timeToFirstLine(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", () => {
      resolve(performance.now() - start);
      child.kill();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== null && code !== 0) reject(new Error(`${command} exited ${code} before printing`));
    });
  });
}

/**
 * Polls /proc for processes whose executable is `executable`: proof that the CLI ran the
 * standalone plugin (a Node-script plugin's processes run `node`), and their peak RSS.
 */
export class ExecutableSampler {
  private readonly peaks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly executable: string) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.sample();
    }, 250);
    this.timer.unref();
  }

  stop(): PluginProcesses {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return { processes: this.peaks.size, peakRssBytes: Math.max(0, ...this.peaks.values()) };
  }

  private sample(): void {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let exe: string;
      try {
        exe = readlinkSync(`/proc/${name}/exe`);
      } catch {
        continue; // ended meanwhile, or not ours to read
      }
      if (exe !== this.executable) continue;
      const pid = Number(name);
      const bytes = vmHwmBytes(pid);
      this.peaks.set(pid, Math.max(bytes ?? 0, this.peaks.get(pid) ?? 0));
    }
  }
}

/**
 * Builds the release archive from the installed copy of dist/ this run measures, and unpacks it.
 * The archive and the unpacked executable live in `dir`.
 */
async function standalonePlugin(ctx: BenchContext, dir: string): Promise<{ executable: string; archive: PluginArchiveSize }> {
  const root = installedPackageDir();
  const outDir = join(dir, "release");
  const { result, ms } = await timed(() =>
    buildPluginArchive({
      root,
      outDir,
      version: readPackageManifest(root).version,
      progress: (line) => {
        progress(ctx, line);
      },
    }),
  );
  const unpacked = join(dir, "plugin");
  mkdirSync(unpacked);
  const untar = spawnSync("tar", ["-xzf", result.archive, "-C", unpacked], { encoding: "utf8" });
  if (untar.status !== 0) throw new Error(`tar -xzf ${result.archive}: ${untar.stderr}`);
  return {
    executable: join(unpacked, EXECUTABLE),
    archive: {
      name: result.archive.slice(outDir.length + 1),
      bytes: result.bytes,
      executableBytes: result.executableBytes,
      buildSeconds: round(ms / 1000, 1),
    },
  };
}

/**
 * Runs `fn` with the standalone executable in the plugin folder every plugin stack of this run
 * names (`plugins.providers` in Pulumi.yaml: the installed copy's folder), where the Node-script
 * plugin is otherwise; the script waits beside it under another name and is put back afterwards.
 * That folder is this run's own copy (bench/run.ts makes it at start), never a test run's.
 */
async function withStandaloneInPluginFolder<T>(standalone: string, fn: (paths: { plugin: string; script: string }) => Promise<T>): Promise<T> {
  if (process.env[INSTALLED_ROOT_ENV] !== undefined) {
    throw new Error(`${INSTALLED_ROOT_ENV} is set: figure 6 would change a test run's plugin folder; run the bench on its own`);
  }
  const folder = installedPackageDir();
  const plugin = join(folder, EXECUTABLE);
  const script = join(folder, `${EXECUTABLE}.node-script`);
  renameSync(plugin, script);
  try {
    copyFileSync(standalone, plugin);
    chmodSync(plugin, 0o755);
    return await fn({ plugin, script });
  } finally {
    rmSync(plugin, { force: true });
    renameSync(script, plugin);
  }
}

async function measureStartUp(ctx: BenchContext, standalone: string, script: string): Promise<{ startUp: StartUp; scriptStartUp: PluginFigure["scriptStartUp"] }> {
  const samples: number[] = [];
  const scriptSamples: number[] = [];
  const bare: number[] = [];
  // Interleaved, so that load from other work on the machine falls on all three alike.
  for (let i = 0; i < START_UP_RUNS; i++) {
    progress(ctx, `plugin: start-up ${i + 1}/${START_UP_RUNS} (standalone, Node script, bare node)`);
    samples.push(round(await timeToFirstLine(standalone, ["127.0.0.1:9"]), 0));
    scriptSamples.push(round(await timeToFirstLine(script, ["127.0.0.1:9"]), 0));
    bare.push(await timeToFirstLine("node", ["-e", "console.log(1)"]));
  }
  return {
    startUp: { samples, medianMs: median(samples), bareNodeMs: round(median(bare), 0) },
    scriptStartUp: { samples: scriptSamples, medianMs: median(scriptSamples) },
  };
}

async function upTime(
  ctx: BenchContext,
  what: "floor" | Vehicle,
  n: number,
  latencyMs: number,
): Promise<{ ms: number; state?: { bytes: number; provider: number } }> {
  const keys = keyIds(5, n);
  const bed = await startBed(ctx, { seed: { keys: keys.map((keyId) => ({ keyId })) } }, {}, what === "floor" ? "dynamic" : what);
  try {
    if (latencyMs > 0) await bed.bed.admin.addFault({ kind: "latency", ms: latencyMs });
    const program = what === "floor" ? floorProgram(keys) : rotationProgram(() => keys.map((keyId) => ({ keyId })), what);
    const stack = await bed.stack(`up-${what}`, program);
    const { result, ms } = await timed(() => stack.up());
    assertSucceeded(`up (${what})`, result);
    let state: { bytes: number; provider: number } | undefined;
    if (what === "plugin") {
      const size = await measureStateSize(stack, PLUGIN_TYPE);
      state = { bytes: size.bytesPerResource, provider: size.providerBytes };
    }
    await stack.destroy();
    return state ? { ms, state } : { ms };
  } finally {
    await bed.dispose();
  }
}

// The release archive, built once per run from the installed copy of dist/: figure 6 and the
// engine-overhead figure both run the standalone plugin, and building it takes 10 to 20 s.
let built: { dir: string; result: Promise<{ executable: string; archive: PluginArchiveSize }> } | undefined;

function standaloneOnce(ctx: BenchContext): Promise<{ executable: string; archive: PluginArchiveSize }> {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), "kms-bench-standalone-"));
    built = { dir, result: standalonePlugin(ctx, dir) };
  }
  return built.result;
}

/** Removes the archive built for this run (run.ts calls it at the end). */
export function disposeStandalonePlugin(): void {
  if (built) rmSync(built.dir, { recursive: true, force: true });
  built = undefined;
}

/**
 * Runs `fn` while the plugin stacks of this run (`bed.stack(name, program, "plugin")`) run the
 * standalone executable of the release archive, as users get it; `fn` receives its path (what a
 * plugin process's /proc/<pid>/exe points to) and the Node-script plugin's, put aside meanwhile.
 */
export async function withStandalonePlugin<T>(
  ctx: BenchContext,
  fn: (paths: { plugin: string; script: string; archive: PluginArchiveSize }) => Promise<T>,
): Promise<T> {
  const { executable, archive } = await standaloneOnce(ctx);
  return withStandaloneInPluginFolder(executable, (paths) => fn({ ...paths, archive }));
}

export async function measurePluginVehicle(ctx: BenchContext, apiKeys: number, n: number, repetitions: number): Promise<PluginFigure> {
  return withStandalonePlugin(ctx, async ({ plugin, script, archive }) => {
    if (!existsSync(script)) throw new Error(`no Node-script plugin at ${script}`);
    const sampler = new ExecutableSampler(plugin);
    const apiCalls = await measureApiCalls(ctx, apiKeys, "plugin");
    let stateBytes = { plugin: 0, pluginProvider: 0 };
    const up: UpTimes[] = [];
    // On through all three kinds of run, so its polling costs them alike.
    sampler.start();
    for (const latencyMs of [0, 50]) {
      const times: Record<"floor" | Vehicle, number[]> = { floor: [], dynamic: [], plugin: [] };
      for (let r = 0; r < repetitions; r++) {
        // Interleaved, so that load from other work on the machine falls on all three alike.
        for (const what of ["floor", "dynamic", "plugin"] as const) {
          progress(ctx, `plugin: up of ${n} at ${latencyMs} ms (${what === "plugin" ? "standalone plugin" : what}) ${r + 1}/${repetitions}`);
          const { ms, state } = await upTime(ctx, what, n, latencyMs);
          times[what].push(ms);
          if (state) stateBytes = { plugin: state.bytes, pluginProvider: state.provider };
        }
      }
      up.push({
        n,
        latencyMs,
        repetitions,
        floorMs: round(median(times.floor), 0),
        dynamicMs: round(median(times.dynamic), 0),
        pluginMs: round(median(times.plugin), 0),
      });
    }
    const pluginProcesses = sampler.stop();
    if (pluginProcesses.processes === 0) throw new Error(`the CLI never ran ${plugin}: the plugin figures would not be the standalone plugin's`);
    return {
      vehicle: "standalone" as const,
      apiCalls,
      up,
      stateBytesPerResource: stateBytes,
      ...(await measureStartUp(ctx, plugin, script)),
      archive,
      pluginProcesses,
    };
  });
}
