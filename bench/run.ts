// The benchmark harness: `npm run bench` (full, per the issue) or `npm run bench:quick`.
// Prints progress on stderr, the tables on stdout, and writes bench/results/<date>[-quick].json
// (and .md with the same tables). Exits 0 even when a target is missed (this is a report), and
// non-zero only when the harness itself failed, e.g. a resource did not converge.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join, resolve } from "node:path";
import { installedPackageRoot } from "../harness/installed-package.js";
import { ensurePulumiCli } from "../harness/pulumi-cli.js";
import { measureApiCalls } from "./api-calls.js";
import { BIG_STACK_N, measureBigStacks } from "./big-stacks.js";
import { progress, round, type BenchContext } from "./common.js";
import { describeVariant, measureCell, warmUp, type Cell, type CellPlan } from "./engine-overhead.js";
import type { RssPeak } from "./memory.js";
import { judge, renderTables, type BenchReport, type MachineInfo, type MemoryRow } from "./report.js";
import { disposeStandalonePlugin, measurePluginVehicle, withStandalonePlugin } from "./plugin-vehicle.js";
import { measureThrottled } from "./throttled.js";
import { measureDiscovery } from "./discovery.js";
import { measureAccountDiscovery } from "./account-discovery.js";

interface Settings {
  mode: "quick" | "full";
  /** Keys per group in figure 1. */
  apiKeys: number;
  /** N → repetitions of each engine-overhead cell. */
  engineNs: readonly { n: number; repetitions: number }[];
  latenciesMs: readonly number[];
  /** The N the no-op floor's up-ratio target and figure 3 are judged at (N = 100). */
  targetN: number;
  /** The Ns where both vehicles are judged against the latency floor (N = 100 and 500). */
  latencyTargetNs: readonly number[];
  /** Run the diagnostic cells (checkpoints skipped, wider parallelism); full mode only, for time. */
  diagnostics: boolean;
  /** N of figure 6's `up` runs. */
  pluginN: number;
  throttledKeys: number;
  throttledRate: number;
  /** Population sizes of figure 7 and repetitions per cell. */
  discoveryKeys: readonly number[];
  discoveryRepetitions: number;
  /** Keys in each of figure 8's 20 projects, and repetitions per cell. */
  accountKeysPerProject: number;
  accountRepetitions: number;
}

const FULL: Settings = {
  mode: "full",
  apiKeys: 20,
  engineNs: [
    { n: 10, repetitions: 3 },
    // The targets are judged at N = 100 and 500: more repetitions where the verdicts are made.
    { n: 100, repetitions: 5 },
    { n: 500, repetitions: 3 },
  ],
  latenciesMs: [0, 50],
  targetN: 100,
  latencyTargetNs: [100, 500],
  diagnostics: true,
  pluginN: 100,
  throttledKeys: 500,
  throttledRate: 20,
  discoveryKeys: [2000, 10000],
  discoveryRepetitions: 3,
  accountKeysPerProject: 500,
  accountRepetitions: 2,
};

const QUICK: Settings = {
  mode: "quick",
  apiKeys: 5,
  // The judged N only, without diagnostics: engine and throttled in about 4 minutes on 2 cores.
  engineNs: [{ n: 100, repetitions: 2 }],
  latenciesMs: [0, 50],
  targetN: 100,
  latencyTargetNs: [100],
  diagnostics: false,
  pluginN: 50,
  throttledKeys: 100,
  throttledRate: 20,
  discoveryKeys: [2000, 10000],
  discoveryRepetitions: 1,
  // Under a minute on its own (--quick --only account): 20 projects of 200 keys.
  accountKeysPerProject: 200,
  accountRepetitions: 1,
};

/** Engine parallelism and client concurrency of the latency diagnostic. */
const DIAGNOSTIC_PARALLEL = 32;

/**
 * The cells of figure 2, in the order they run: per N, each latency (with latency, the latency
 * floor and the plugin run beside the no-op floor and the dynamic provider), then the diagnostics.
 */
function enginePlans(settings: Settings, pluginExecutable: string): CellPlan[] {
  const plans: CellPlan[] = [];
  for (const { n, repetitions } of settings.engineNs) {
    for (const latencyMs of settings.latenciesMs) {
      const plan: CellPlan = { n, latencyMs, variant: { kind: "default" }, repetitions };
      if (latencyMs > 0) plan.pluginExecutable = pluginExecutable;
      if (n === settings.targetN && latencyMs === 0) plan.measureState = true;
      plans.push(plan);
    }
    if (!settings.diagnostics) continue;
    if (n === settings.targetN) {
      // Is the KMS wait at the CLI's default parallelism what separates the vehicles from the
      // no-op floor? The latency cell again with more in flight (both floors and the dynamic
      // provider), right after it so that all see the same load from other work on the machine.
      plans.push({
        n,
        latencyMs: Math.max(...settings.latenciesMs),
        variant: { kind: "parallel", parallel: DIAGNOSTIC_PARALLEL },
        repetitions: Math.min(repetitions, 3),
      });
    }
    // Does state size explain the gap? The same N with the per-step state writes off.
    plans.push({ n, latencyMs: 0, variant: { kind: "checkpoints-skipped" }, repetitions: Math.min(repetitions, 2) });
  }
  return plans;
}

/**
 * How long figure 2 will take, for progress lines: a model of one `up` or `destroy` (seconds:
 * the CLI's start, then per resource; fitted on an idle 2-core machine, CLI 3.277) scaled, once
 * cells have run, by how much slower or faster this run has been than the model.
 */
class DurationEstimate {
  private readonly modelled: number[];
  private measured = 0;
  private modelledDone = 0;

  constructor(plans: readonly CellPlan[]) {
    this.modelled = plans.map((p) => {
      const programs = 2 + (p.latencyMs > 0 ? 1 : 0) + (p.pluginExecutable === undefined ? 0 : 1);
      // The file backend rewrites the whole state after every step: quadratic in N.
      const perRun = 1 + 0.015 * p.n + 0.00002 * p.n * p.n + (p.latencyMs > 0 ? 0.004 * p.n : 0);
      // Two updates (up, destroy) per program and repetition, plus the emulator and the stacks.
      return 3 + programs * 2 * p.repetitions * perRun;
    });
  }

  private get pace(): number {
    return this.modelledDone === 0 ? 1 : this.measured / this.modelledDone;
  }

  cellSeconds(index: number): number {
    return (this.modelled[index] ?? 0) * this.pace;
  }

  /** Seconds left, cell `index` included. */
  remainingSeconds(index: number): number {
    return this.modelled.slice(index).reduce((a, b) => a + b, 0) * this.pace;
  }

  record(index: number, seconds: number): void {
    this.measured += seconds;
    this.modelledDone += this.modelled[index] ?? 0;
  }
}

const FIGURES = ["api", "engine", "throttled", "plugin", "discovery", "account", "big"] as const;
type Figure = (typeof FIGURES)[number];

function parseArgs(argv: readonly string[]): { settings: Settings; only: ReadonlySet<Figure> } {
  let settings = FULL;
  let only: Set<Figure> = new Set(FIGURES);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") settings = QUICK;
    else if (arg === "--only") {
      // Re-running one figure (e.g. engine overhead after a noisy run) without the others.
      const list = (argv[++i] ?? "").split(",").filter((s) => s !== "");
      const bad = list.filter((s) => !(FIGURES as readonly string[]).includes(s));
      if (list.length === 0 || bad.length > 0) throw new Error(`--only takes a comma-separated list of ${FIGURES.join(", ")}`);
      only = new Set(list as Figure[]);
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        "usage: tsx bench/run.ts [--quick] [--only api,engine,throttled,plugin,discovery,account]\n" +
          "  --quick  engine overhead at N = 100 only, 5 keys per group for API calls, 100 throttled keys, 20 projects × 200 keys (a few minutes)\n" +
          "  default  N = 10, 100 and 500 with diagnostics, 20 keys per group, 500 throttled keys, 20 projects × 500 keys (the issue's figures)\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg ?? ""} (try --help)`);
  }
  return { settings, only };
}

function commandOutput(file: string, args: readonly string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

function machineInfo(binDir: string): MachineInfo {
  const pulumi = join(binDir, "pulumi");
  const help = commandOutput(pulumi, ["up", "--help"]);
  const parallel = /--parallel\b.*\(default (\d+)\)/.exec(help)?.[1];
  const sdkManifest = readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8");
  const sdk = (JSON.parse(sdkManifest) as { version: string }).version;
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    os: `${type()} ${release()}`,
    node: process.version,
    pulumiCli: commandOutput(pulumi, ["version"]),
    pulumiSdk: sdk,
    engineParallel: parallel === undefined ? "CLI default" : `CLI default (${parallel})`,
    engineParallelism: parallel === undefined ? null : Number(parallel),
    gitCommit: commandOutput("git", ["rev-parse", "HEAD"]),
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  };
}

function maxPeak(peaks: readonly RssPeak[]): RssPeak {
  return {
    peakBytes: Math.max(0, ...peaks.map((p) => p.peakBytes)),
    cpuMs: Math.max(0, ...peaks.map((p) => p.cpuMs)),
    processes: peaks.reduce((sum, p) => sum + p.processes, 0),
    supported: peaks.every((p) => p.supported),
  };
}

function memoryRows(cells: readonly Cell[]): MemoryRow[] {
  return cells.map((c) => ({
    n: c.n,
    latencyMs: c.latencyMs,
    keyRotation: maxPeak(c.repetitions.flatMap((r) => [r.keyRotationUp.rss, r.keyRotationDestroy.rss])),
    floor: maxPeak(c.repetitions.flatMap((r) => [r.floorUp.rss, r.floorDestroy.rss])),
  }));
}

/**
 * `--render <file.json>`: judges a saved run again with today's verdicts and rewrites its tables
 * (the .json's verdicts and notes and the .md beside it); nothing is measured.
 */
function renderSaved(file: string): number {
  const report = JSON.parse(readFileSync(file, "utf8")) as BenchReport;
  report.targets = [];
  report.notes = [];
  judge(report);
  report.tables = renderTables(report);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, ".md"), `${report.tables}\n`);
  process.stdout.write(`${report.tables}\n`);
  return 0;
}

async function main(): Promise<number> {
  if (process.argv[2] === "--render") return renderSaved(process.argv[3] ?? "");
  const { settings, only } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const startedAt = new Date();
  process.stderr.write(`bench (${settings.mode}): figures ${[...only].join(", ")}\n`);
  const binDir = ensurePulumiCli();
  const ctx: BenchContext = { binDir, elapsed: () => performance.now() - t0 };
  // Snapshot the build `npm run bench` just made, before anything else on the machine rebuilds it:
  // every program and dynamic-provider process of this run loads this copy (see common.ts).
  const installed = installedPackageRoot();
  // The standalone plugin's archive (figures 2 and 6) lives in a temporary folder until the end.
  process.once("exit", disposeStandalonePlugin);
  progress(ctx, `provider: installed copy of dist/ at ${installed}`);

  const report: BenchReport = {
    mode: settings.mode,
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    figureSeconds: {},
    machine: machineInfo(binDir),
    targets: [],
    notes: [],
    errors: [],
  };

  const figure = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const start = performance.now();
    try {
      await fn();
    } catch (e) {
      // Keep going: the other figures are still worth reporting, and the exit code says it failed.
      const message = e instanceof Error ? e.message : String(e);
      report.errors.push(`${name}: ${message.split("\n").slice(0, 5).join(" ")}`);
      progress(ctx, `${name} FAILED: ${message}`);
    }
    report.figureSeconds[name] = round((performance.now() - start) / 1000, 1);
  };

  if (only.has("api")) {
    await figure("api calls", async () => {
      report.apiCalls = await measureApiCalls(ctx, settings.apiKeys);
    });
  }

  if (only.has("plugin")) {
    await figure("plugin", async () => {
      report.plugin = await measurePluginVehicle(ctx, settings.apiKeys, settings.pluginN, settings.mode === "full" ? 3 : 2);
    });
  }

  if (only.has("engine")) {
    await figure("engine overhead", () =>
      // The plugin KeyRotation runs beside the dynamic one in every cell with KMS latency, as
      // users get it: the standalone executable of the release archive.
      withStandalonePlugin(ctx, async ({ plugin }) => {
        await warmUp(ctx, plugin);
        const plans = enginePlans(settings, plugin);
        const estimate = new DurationEstimate(plans);
        progress(ctx, `engine: ${plans.length} cells, about ${estimate.remainingSeconds(0).toFixed(0)} s at an idle 2-core machine's pace`);
        const cells: Cell[] = [];
        const diagnostics: Cell[] = [];
        for (const [i, plan] of plans.entries()) {
          progress(
            ctx,
            `engine: cell ${i + 1}/${plans.length} (N=${plan.n}, ${plan.latencyMs} ms, ${describeVariant(plan.variant)}, ${plan.repetitions} repetitions): ` +
              `about ${estimate.cellSeconds(i).toFixed(0)} s, ${estimate.remainingSeconds(i).toFixed(0)} s left in this figure`,
          );
          const start = performance.now();
          const { cell, state } = await measureCell(ctx, plan);
          estimate.record(i, (performance.now() - start) / 1000);
          (plan.variant.kind === "default" ? cells : diagnostics).push(cell);
          if (state) report.stateSize = state;
        }
        report.engineOverhead = { targetN: settings.targetN, latencyTargetNs: settings.latencyTargetNs, cells, diagnostics };
        report.memory = memoryRows(cells);
      }),
    );
  }

  if (only.has("throttled")) {
    await figure("throttled", async () => {
      const needed = 3 * settings.throttledKeys;
      progress(
        ctx,
        `throttled: ${settings.throttledKeys} keys, ${needed} requests at ${settings.throttledRate}/s: ` +
          `at least ${(needed / settings.throttledRate).toFixed(0)} s for up and destroy`,
      );
      const result = await measureThrottled(ctx, settings.throttledKeys, settings.throttledRate);
      report.throttled = result;
      // A resource that does not converge under throttling is a failure, not a slow figure.
      for (const p of result.phases) {
        if (p.failedResources > 0 || p.unconverged > 0) {
          throw new Error(`throttled ${p.phase}: ${p.failedResources} failed resources, ${p.unconverged} keys unconverged`);
        }
      }
    });
  }

  if (only.has("discovery")) {
    await figure("discovery", async () => {
      report.discovery = await measureDiscovery(ctx, settings.discoveryKeys, settings.latenciesMs, settings.discoveryRepetitions);
    });
  }

  if (only.has("account")) {
    await figure("account discovery", async () => {
      report.accountDiscovery = await measureAccountDiscovery(ctx, settings.accountKeysPerProject, settings.latenciesMs, settings.accountRepetitions);
    });
  }

  if (only.has("big")) {
    await figure("big stacks", async () => {
      // CLI defaults rewrite the whole state after each step of up and destroy: at N = 2,000 that
      // is most of an hour on 2 cores. Quick mode judges preview and refresh at CLI defaults and
      // times up and destroy with the per-step writes skipped.
      report.bigStacks = await measureBigStacks(
        ctx,
        BIG_STACK_N,
        ["dynamic", "plugin"],
        settings.mode === "quick" ? ["writes-skipped"] : ["default", "checkpoints-skipped"],
      );
    });
  }

  report.durationSeconds = round((performance.now() - t0) / 1000, 1);
  report.machine.loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  judge(report);
  const tables = renderTables(report);
  report.tables = tables;
  process.stdout.write(`\n${tables}\n`);

  const dir = resolve(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const suffix = [settings.mode === "quick" ? "quick" : "", only.size < FIGURES.length ? [...only].join("-") : ""]
    .filter((s) => s !== "")
    .map((s) => `-${s}`)
    .join("");
  const base = join(dir, `${startedAt.toISOString().slice(0, 10)}${suffix}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${tables}\n`);
  process.stderr.write(`\nwrote ${base}.json and .md in ${report.durationSeconds.toFixed(0)} s\n`);
  return report.errors.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
