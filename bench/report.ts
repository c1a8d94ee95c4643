// Turns the measurements into the tables (Markdown, readable in a terminal and pasteable into the
// README), the PASS/MISS verdict per target, and the closing notes that explain each miss from
// the figures of the same run.
import type { PluginFigure } from "./plugin-vehicle.js";
import { atMinimum, type DiscoveryFigure } from "./discovery.js";
import { accountAtMinimum, type AccountDiscoveryFigure } from "./account-discovery.js";
import { bigStacksTargets, renderBigStacks, type BigStacksResult } from "./big-stacks.js";
import type { ApiCallsResult } from "./api-calls.js";
import { MIN_ROUND_TRIPS, median, round } from "./common.js";
import { describeVariant, type Cell, type Repetition, type RunSample, type VehicleVsLatencyFloor } from "./engine-overhead.js";
import type { RssPeak } from "./memory.js";
import type { StateSize } from "./state-size.js";
import type { ThrottledResult } from "./throttled.js";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  pulumiCli: string;
  pulumiSdk: string;
  /** The CLI's default for `--parallel` (the bench does not override it outside diagnostics). */
  engineParallel: string;
  /** The same as a number, when the CLI's help states it. */
  engineParallelism: number | null;
  gitCommit: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface MemoryRow {
  n: number;
  latencyMs: number;
  keyRotation: RssPeak;
  floor: RssPeak;
}

export interface TargetVerdict {
  figure: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface BenchReport {
  mode: "quick" | "full";
  startedAt: string;
  durationSeconds: number;
  figureSeconds: Record<string, number>;
  machine: MachineInfo;
  apiCalls?: ApiCallsResult;
  engineOverhead?: {
    /** Where figure 3 is measured (and, in results before latencyTargetNs, the 0 ms target judged). */
    targetN: number;
    /** Where the 0 ms target and both vehicles against the latency floor are judged (absent in results before the latency floor). */
    latencyTargetNs?: readonly number[];
    cells: Cell[];
    diagnostics: Cell[];
  };
  // Room for figure "big" (stacks of 2,000 rotations, bench/big-stacks.ts) when it is wired in.
  stateSize?: { keyRotation: StateSize; floor: StateSize };
  throttled?: ThrottledResult;
  memory?: MemoryRow[];
  plugin?: PluginFigure;
  discovery?: DiscoveryFigure;
  accountDiscovery?: AccountDiscoveryFigure;
  bigStacks?: BigStacksResult;
  targets: TargetVerdict[];
  notes: string[];
  errors: string[];
  tables?: string;
}

export const STATE_TARGET_BYTES = 2048;
/**
 * `up` against the no-op floor, KMS at 0 ms. With KMS latency the no-op floor is no target: it
 * waits for nothing, so a ratio to it measures the API's latency (see LATENCY_FLOOR_TARGET).
 */
export const UP_RATIO_TARGET: Readonly<Record<number, number>> = { 0: 1.1 };

/** Where the 0 ms target is judged: N = 100 and 500 (results before them: their targetN only). */
function noopTargetNs(overhead: NonNullable<BenchReport["engineOverhead"]>): readonly number[] {
  return overhead.latencyTargetNs ?? [overhead.targetN];
}
/** `up` and `destroy` of either vehicle against the latency floor (common.ts), KMS at 50 ms a call. */
export const LATENCY_FLOOR_TARGET = 1.1;
/** The throttled `up` against the rate bound (the requests it needs / the admitted rate). */
export const THROTTLED_RATIO_TARGET = 1.1;
/** The plugin provider's process (the standalone executable), from spawn to the printed port. */
export const PLUGIN_START_TARGET_MS = 300;
/** The standalone plugin's `up` at 0 ms against the no-op floor. */
export const PLUGIN_UP_FLOOR_TARGET = 1.0;

function pluginTables(p: PluginFigure, dynamicState: number | undefined): string {
  const api = p.apiCalls.rows.map((r) => [r.operation, `${r.reads}`, `${r.mutating}`, `${r.minMutating}`, verdict(r.pass)]);
  const upLine = (up: PluginFigure["up"][number]): string =>
    `\`up\` of ${up.n} rotations at ${up.latencyMs} ms, median of ${up.repetitions} interleaved runs: floor ${seconds(up.floorMs)} s, ` +
    `dynamic ${seconds(up.dynamicMs)} s (${round(up.dynamicMs / up.floorMs, 2)}×), plugin ${seconds(up.pluginMs)} s ` +
    `(${round(up.pluginMs / up.floorMs, 2)}× the floor, ${round(up.pluginMs / up.dynamicMs, 2)}× the dynamic provider).`;
  return [
    `The plugin is the standalone executable of ${p.archive.name}: ${mib(p.archive.bytes)} MiB, the executable ${mib(p.archive.executableBytes)} MiB ` +
      `(built in ${p.archive.buildSeconds} s); the CLI ran it ${p.pluginProcesses.processes} times, peak RSS ${mib(p.pluginProcesses.peakRssBytes)} MiB.`,
    "",
    `KMS calls per resource through the plugin (${p.apiCalls.keysPerGroup} keys per group; the dynamic provider's are figure 1):`,
    "",
    table(["operation", "reads", "mutating", "min mutating", "result"], api),
    "",
    ...p.up.map(upLine),
    "",
    `State per resource: plugin ${p.stateBytesPerResource.plugin} B (no serialized provider)` +
      `${dynamicState === undefined ? "" : `, dynamic ${dynamicState} B`}.`,
    "",
    `Plugin start-up, spawn to printed port: standalone median ${p.startUp.medianMs} ms (${p.startUp.samples.join(", ")} ms), ` +
      `Node-script plugin median ${p.scriptStartUp.medianMs} ms (${p.scriptStartUp.samples.join(", ")} ms); a bare \`node\` start takes ${p.startUp.bareNodeMs} ms.`,
  ].join("\n");
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

const verdict = (pass: boolean): string => (pass ? "PASS" : "MISS");
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const num = (x: number): string => String(round(x, 2));
const ratioText = (r: number | null): string => (r === null ? "∞" : `${round(r, 2)}×`);

function discoveryTable(figure: DiscoveryFigure): string {
  return table(
    ["keys", "claimed", "latency", "reps", "list-keys (min)", "status reads (min)", "list-kms-by-tags (min)", "other calls", "command s", "floor s", "ratio", "peak RSS MiB", "exit", "keys reported"],
    figure.rows.map((r) => [
      String(r.keys),
      String(r.claimed),
      `${r.latencyMs} ms`,
      String(r.repetitions),
      `${r.made.listKeys} (${r.minimum.pages})`,
      `${r.made.statusReads} (${r.minimum.statusReads})`,
      `${r.made.ownerListings} (${r.minimum.ownerListings})`,
      String(r.made.other),
      seconds(r.commandMs),
      seconds(r.floorMs),
      `${round(r.commandMs / r.floorMs, 2)}×`,
      mib(r.peakRssBytes),
      String(r.exitCode),
      String(r.reported),
    ]),
  );
}

function accountDiscoveryTable(figure: AccountDiscoveryFigure): string {
  return table(
    ["projects × keys", "latency", "max in flight", "reps", "IAM (min)", "list-keys (min)", "status reads (min)", "list-kms-by-tags (min)", "other", "account s", "one project s", "account / (projects × one)", "peak RSS MiB", "exit", "projects scanned", "keys reported"],
    figure.rows.map((r) => [
      `${r.projects} × ${r.keysPerProject}`,
      `${r.latencyMs} ms`,
      r.maxConcurrency === null ? "10 (default)" : String(r.maxConcurrency),
      String(r.repetitions),
      `${r.made.iam} (${r.minimum.iam})`,
      `${r.made.listKeys} (${r.minimum.pages})`,
      `${r.made.statusReads} (${r.minimum.statusReads})`,
      `${r.made.ownerListings} (${r.minimum.ownerListings})`,
      String(r.made.other),
      seconds(r.accountMs),
      seconds(r.oneProjectMs),
      `${round(r.accountMs / (r.projects * r.oneProjectMs), 2)}×`,
      mib(r.peakRssBytes),
      String(r.exitCode),
      String(r.scanned),
      String(r.reported),
    ]),
  );
}

function apiCallsTable(result: ApiCallsResult): string {
  const rows = result.rows.map((r) => [
    r.operation,
    String(r.resources),
    num(r.reads),
    num(r.mutating),
    num(r.total),
    `${r.minMutating} / ${r.minTotal}`,
    ratioText(r.mutatingRatio),
    ratioText(r.totalRatio),
    r.target,
    verdict(r.pass),
  ]);
  return table(
    ["operation", "resources", "reads/res", "mutating/res", "total/res", "min mut / total", "mut ratio", "total ratio", "target", "result"],
    rows,
  );
}

/** The median over a cell's repetitions of one run's time against another's, or undefined if either is missing. */
function repetitionRatio(cell: Cell, top: (r: Repetition) => RunSample | undefined, bottom: (r: Repetition) => RunSample | undefined): number | undefined {
  const ratios: number[] = [];
  for (const r of cell.repetitions) {
    const t = top(r);
    const b = bottom(r);
    if (t === undefined || b === undefined) return undefined;
    ratios.push(t.ms / b.ms);
  }
  return ratios.length === 0 ? undefined : round(median(ratios), 3);
}

function latencyTargetApplies(cell: Cell, latencyTargetNs: readonly number[]): boolean {
  return cell.variant.kind === "default" && cell.latencyFloor !== undefined && latencyTargetNs.includes(cell.n);
}

/**
 * One row per cell and vehicle, against both floors: the no-op floor (the engine alone) and, with
 * KMS latency, the latency floor (the engine plus the KMS round trips no provider can avoid).
 */
function engineTable(cells: readonly Cell[], noopNs: readonly number[], latencyTargetNs: readonly number[]): string {
  const rows: string[][] = [];
  const x = (r: number | undefined): string => (r === undefined ? "—" : `${round(r, 2)}×`);
  for (const c of cells) {
    const lf = c.latencyFloor;
    const judged = latencyTargetApplies(c, latencyTargetNs);
    const vehicles: { name: string; up: number; destroy: number; vsLatency?: VehicleVsLatencyFloor; upVsNoop: number | undefined; destroyVsNoop: number | undefined }[] = [
      {
        name: "dynamic",
        up: c.keyRotationUpMs,
        destroy: c.keyRotationDestroyMs,
        ...(lf ? { vsLatency: lf.dynamic } : {}),
        upVsNoop: c.upRatio,
        destroyVsNoop: c.destroyRatio,
      },
    ];
    if (lf?.plugin) {
      vehicles.push({
        name: "plugin",
        up: lf.plugin.upMs,
        destroy: lf.plugin.destroyMs,
        vsLatency: lf.plugin,
        upVsNoop: repetitionRatio(c, (r) => r.pluginUp, (r) => r.floorUp),
        destroyVsNoop: repetitionRatio(c, (r) => r.pluginDestroy, (r) => r.floorDestroy),
      });
    }
    for (const v of vehicles) {
      let target = "—";
      let result = "—";
      if (judged && v.vsLatency) {
        target = `up, destroy ≤ ${LATENCY_FLOOR_TARGET}× latency floor`;
        result = verdict(v.vsLatency.upRatio <= LATENCY_FLOOR_TARGET && v.vsLatency.destroyRatio <= LATENCY_FLOOR_TARGET);
      } else if (v.name === "dynamic" && c.variant.kind === "default" && noopNs.includes(c.n) && UP_RATIO_TARGET[c.latencyMs] !== undefined) {
        const t = UP_RATIO_TARGET[c.latencyMs] ?? 0;
        target = `up ≤ ${t}× no-op floor`;
        result = verdict(c.upRatio <= t);
      }
      rows.push([
        String(c.n),
        `${c.latencyMs} ms`,
        c.variant.kind === "default" ? "default" : `${describeVariant(c.variant)} (diagnostic)`,
        v.name,
        String(c.repetitions.length),
        seconds(v.up),
        seconds(c.floorUpMs),
        x(v.upVsNoop),
        lf ? seconds(lf.upMs) : "—",
        x(v.vsLatency?.upRatio),
        seconds(v.destroy),
        seconds(c.floorDestroyMs),
        x(v.destroyVsNoop),
        lf ? seconds(lf.destroyMs) : "—",
        x(v.vsLatency?.destroyRatio),
        target,
        result,
      ]);
    }
  }
  return table(
    [
      "N",
      "latency",
      "variant",
      "vehicle",
      "reps",
      "up s",
      "no-op floor up s",
      "÷ no-op",
      "latency floor up s",
      "÷ latency floor",
      "destroy s",
      "no-op floor destroy s",
      "÷ no-op",
      "latency floor destroy s",
      "÷ latency floor",
      "target",
      "result",
    ],
    rows,
  );
}

function cpuTable(cells: readonly Cell[]): string {
  const s = (ms: number | null): string => (ms === null ? "n/a" : seconds(ms));
  const rows = cells.map((c) => {
    const { keyRotation: k, floor: f } = c.upCpu;
    const extraCpu = k.cli === null || f.cli === null ? null : k.cli + k.harness - (f.cli + f.harness);
    return [
      String(c.n),
      `${c.latencyMs} ms`,
      describeVariant(c.variant),
      `${s(k.cli)} / ${s(f.cli)}`,
      `${s(k.provider)} / ${s(f.provider)}`,
      `${s(k.harness)} / ${s(f.harness)}`,
      s(extraCpu),
      seconds(c.keyRotationUpMs - c.floorUpMs),
    ];
  });
  return table(
    ["N", "latency", "variant", "CLI tree CPU s", "provider CPU s", "emulator + program CPU s", "extra CPU s", "extra wall s"],
    rows,
  );
}

function stateTable(state: { keyRotation: StateSize; floor: StateSize }): string {
  const row = (name: string, s: StateSize, target: boolean): string[] => [
    name,
    String(s.resources),
    String(s.bytesPerResource),
    `${s.providerBytes} × ${s.providerCopies}`,
    String(s.bytesWithoutProvider),
    String(s.inputsBytes),
    String(s.outputsBytes),
    String(s.deploymentBytesPerResource),
    target ? `≤ ${STATE_TARGET_BYTES} B` : "—",
    target ? verdict(s.bytesPerResource <= STATE_TARGET_BYTES) : "—",
  ];
  return table(
    ["resource", "N", "bytes/res", "__provider B × copies", "without __provider", "inputs B", "outputs B", "deployment B/res", "target", "result"],
    [row("KeyRotation", state.keyRotation, true), row("floor (no-op)", state.floor, false)],
  );
}

function throttledTable(result: ThrottledResult): string {
  const rows = result.phases.map((p) => {
    const target = p.phase === "up";
    const pass = p.failedResources === 0 && p.unconverged === 0 && p.ratio <= THROTTLED_RATIO_TARGET;
    return [
      p.phase,
      String(result.keys),
      `${result.ratePerSecond}/s`,
      String(p.requestsNeeded),
      seconds(p.boundMs),
      seconds(p.ms),
      `${round(p.ratio, 2)}×`,
      p.floorMs === undefined ? "—" : seconds(p.floorMs),
      String(p.calls.total),
      String(p.calls.throttled),
      p.timeline === undefined ? "—" : seconds(p.timeline.beforeFirstMs),
      p.timeline === undefined ? "—" : `${seconds(p.timeline.requestSpanMs)} (${round(p.timeline.requestSpanMs / p.boundMs, 2)}×)`,
      p.timeline === undefined ? "—" : seconds(p.timeline.afterLastMs),
      String(p.failedResources),
      target ? `0 failed, ≤ ${THROTTLED_RATIO_TARGET}×` : "— (info)",
      target ? verdict(pass) : p.failedResources === 0 ? "converged" : "FAILED",
    ];
  });
  return table(
    ["phase", "keys", "rate", "requests needed", "bound s", "wall s", "ratio", "no-op floor s", "requests sent", "429s", "before 1st request s", "1st to last request s (÷ bound)", "after last s", "failed", "target", "result"],
    rows,
  );
}

function memoryTable(rows: readonly MemoryRow[]): string {
  return table(
    ["N", "latency", "KeyRotation provider peak RSS MiB", "floor provider peak RSS MiB", "difference MiB"],
    rows.map((r) => [
      String(r.n),
      `${r.latencyMs} ms`,
      r.keyRotation.supported ? mib(r.keyRotation.peakBytes) : "n/a",
      r.floor.supported ? mib(r.floor.peakBytes) : "n/a",
      r.keyRotation.supported ? mib(r.keyRotation.peakBytes - r.floor.peakBytes) : "n/a",
    ]),
  );
}

/** Fills `targets` and `notes` from the measurements. */
export function judge(report: BenchReport): void {
  const { targets, notes } = report;
  if (report.plugin) {
    const p = report.plugin;
    for (const row of p.apiCalls.rows) {
      targets.push({ figure: "6 plugin calls", target: `${row.operation}: ${row.target}`, measured: `${row.reads} read + ${row.mutating} mutating per resource`, pass: row.pass });
    }
    for (const up of p.up) {
      if (up.latencyMs === 0) {
        targets.push({
          figure: "6 plugin up",
          target: `up of N=${up.n} at 0 ms ≤ ${PLUGIN_UP_FLOOR_TARGET}× the floor`,
          measured: `${round(up.pluginMs / up.floorMs, 2)}× (${seconds(up.pluginMs)} s vs ${seconds(up.floorMs)} s)`,
          pass: up.pluginMs <= PLUGIN_UP_FLOOR_TARGET * up.floorMs,
        });
      }
      targets.push({
        figure: "6 plugin up",
        target: `up of N=${up.n} at ${up.latencyMs} ms no slower than the dynamic provider`,
        measured: `${round(up.pluginMs / up.dynamicMs, 2)}× (${seconds(up.pluginMs)} s vs ${seconds(up.dynamicMs)} s)`,
        pass: up.pluginMs <= up.dynamicMs,
      });
      // With KMS latency the plugin is judged in figure 2, against the latency floor.
    }
    targets.push({
      figure: "6 plugin state",
      target: "no __provider in the state",
      measured: `${p.stateBytesPerResource.plugin} B per resource, provider ${p.stateBytesPerResource.pluginProvider} B`,
      pass: p.stateBytesPerResource.pluginProvider === 0,
    });
    targets.push({
      figure: "6 plugin start-up",
      target: `standalone plugin: spawn to port ≤ ${PLUGIN_START_TARGET_MS} ms`,
      measured: `${p.startUp.medianMs} ms (Node-script plugin ${p.scriptStartUp.medianMs} ms, bare node ${p.startUp.bareNodeMs} ms)`,
      pass: p.startUp.medianMs <= PLUGIN_START_TARGET_MS,
    });
  }
  if (report.apiCalls) {
    for (const row of report.apiCalls.rows) {
      targets.push({
        figure: "1 API calls",
        target: `${row.operation}: ${row.target}`,
        measured: `${num(row.reads)} read + ${num(row.mutating)} mutating per resource (min ${row.minMutating} mutating)`,
        pass: row.pass,
      });
      if (!row.pass) {
        notes.push(
          `API calls, ${row.operation}: ${JSON.stringify(row.calls.byOperation)} for ${row.resources} resources ` +
            `against a minimum of ${row.minMutating} mutating / ${row.minTotal} total each.`,
        );
      }
    }
  }

  judgeEngineOverhead(report);

  if (report.stateSize) {
    const s = report.stateSize.keyRotation;
    const pass = s.bytesPerResource <= STATE_TARGET_BYTES;
    targets.push({
      figure: "3 state size",
      target: `≤ ${STATE_TARGET_BYTES} B of state per resource`,
      measured: `${s.bytesPerResource} B (__provider ${s.providerBytes} B × ${s.providerCopies})`,
      pass,
    });
    if (!pass) {
      const providerShare = s.bytesPerResource - s.bytesWithoutProvider;
      notes.push(
        `State size: ${s.bytesPerResource} B per KeyRotation, of which ${providerShare} B ` +
          `(${Math.round((providerShare / s.bytesPerResource) * 100)}%) is the serialized provider, stored ${s.providerCopies} times ` +
          `(inputs and outputs, as every dynamic resource does). Without it the entry is ${s.bytesWithoutProvider} B; ` +
          `the no-op floor resource, whose provider is three one-line functions, already takes ${report.stateSize.floor.bytesPerResource} B.`,
      );
    }
  }

  if (report.throttled) {
    const up = report.throttled.phases.find((p) => p.phase === "up");
    if (up) {
      const pass = up.failedResources === 0 && up.unconverged === 0 && up.ratio <= THROTTLED_RATIO_TARGET;
      targets.push({
        figure: "4 throttled",
        target: `${report.throttled.keys} keys at ${report.throttled.ratePerSecond} req/s: 0 failed, ≤ ${THROTTLED_RATIO_TARGET}× the bound`,
        measured: `${up.failedResources} failed, ${round(up.ratio, 2)}× (${seconds(up.ms)} s vs ${seconds(up.boundMs)} s), ${up.calls.throttled} × 429`,
        pass,
      });
      if (!pass) {
        notes.push(
          `Throttled: up took ${seconds(up.ms)} s for a bound of ${seconds(up.boundMs)} s, ${up.failedResources} failed resources, ` +
            `${up.calls.throttled} answers 429 out of ${up.calls.total} requests.` +
            (up.timeline === undefined
              ? ""
              : ` ${seconds(up.timeline.beforeFirstMs)} s passed before the first KMS request (CLI, program and provider start-up), ` +
                `${seconds(up.timeline.requestSpanMs)} s from the first to the last (${round(up.timeline.requestSpanMs / up.boundMs, 2)}× the bound), ` +
                `${seconds(up.timeline.afterLastMs)} s after the last.`) +
            (up.floorMs === undefined ? "" : ` The same up of as many no-op floor resources took ${seconds(up.floorMs)} s just before.`) +
            (up.error === undefined ? "" : ` Error: ${up.error.split("\n")[0] ?? ""}`),
        );
      }
    }
  }
  if (report.discovery) {
    for (const row of report.discovery.rows) {
      report.targets.push({
        figure: "7 discovery calls",
        target: `${row.keys} keys at ${row.latencyMs} ms: pages + one status read per rotating key + one owners' listing per 1,000 claimed keys`,
        measured:
          `${row.made.listKeys} + ${row.made.statusReads} + ${row.made.ownerListings} (+${row.made.other} other) ` +
          `vs ${row.minimum.pages} + ${row.minimum.statusReads} + ${row.minimum.ownerListings}`,
        pass: atMinimum(row),
      });
      report.targets.push({
        figure: "7 discovery report",
        target: `${row.keys} keys: every key reported, exit 1 (the population breaks the policy)`,
        measured: `${row.reported} keys, exit ${String(row.exitCode)}`,
        pass: row.reported === row.keys && row.exitCode === 1,
      });
    }
  }
  judgeAccountDiscovery(report);
  if (report.bigStacks) targets.push(...bigStacksTargets(report.bigStacks));
}

/** Figure 2's targets: the dynamic provider against the no-op floor at 0 ms, both vehicles against the latency floor. */
function judgeEngineOverhead(report: BenchReport): void {
  const overhead = report.engineOverhead;
  if (!overhead) return;
  const { targets, notes } = report;
  const { cells, diagnostics } = overhead;
  const noopNs = noopTargetNs(overhead);
  const latencyTargetNs = overhead.latencyTargetNs ?? [];
  for (const cell of cells) {
    const target = noopNs.includes(cell.n) ? UP_RATIO_TARGET[cell.latencyMs] : undefined;
    if (target === undefined) continue;
    const pass = cell.upRatio <= target;
    targets.push({
      figure: "2 engine overhead",
      target: `up of N=${cell.n} at ${cell.latencyMs} ms ≤ ${target}× the no-op floor`,
      measured: `${round(cell.upRatio, 3)}× (${seconds(cell.keyRotationUpMs)} s vs ${seconds(cell.floorUpMs)} s)`,
      pass,
    });
    if (pass) continue;
    const extraMs = cell.keyRotationUpMs - cell.floorUpMs;
    const calls = cell.repetitions[0]?.kmsRequestsUp ?? 0;
    let note =
      `Engine overhead, N=${cell.n} at ${cell.latencyMs} ms: up is ${round(cell.upRatio, 2)}× the no-op floor ` +
      `(${seconds(extraMs)} s more, median). The floor makes no API call; KeyRotation makes the minimum, ${calls} KMS ` +
      "requests (read + enable per key).";
    const { keyRotation: k, floor: f } = cell.upCpu;
    note +=
      ` CPU of the up, KeyRotation vs floor: dynamic-provider process ${seconds(k.provider)} vs ${seconds(f.provider)} s, ` +
      `emulator + program (this process) ${seconds(k.harness)} vs ${seconds(f.harness)} s` +
      (k.cli === null || f.cli === null ? "." : `, whole CLI tree ${seconds(k.cli)} vs ${seconds(f.cli)} s.`);
    // Each diagnostic is only blamed when it actually closes the gap.
    const skipped = diagnostics.find((d) => d.n === cell.n && d.latencyMs === cell.latencyMs && d.variant.kind === "checkpoints-skipped");
    if (skipped) {
      note +=
        ` With checkpoints skipped (PULUMI_SKIP_CHECKPOINTS=true, both programs) the ratio is ${round(skipped.upRatio, 2)}×` +
        (skipped.upRatio <= target
          ? ": the file backend's per-step state writes account for the gap."
          : ", so the per-step state writes are not what costs the difference.");
    }
    notes.push(note);
  }

  for (const cell of cells) {
    const lf = cell.latencyFloor;
    if (!lf || !latencyTargetApplies(cell, latencyTargetNs)) continue;
    const first = cell.repetitions[0];
    const vehicles: [string, VehicleVsLatencyFloor | undefined, { up?: number; destroy?: number }][] = [
      ["dynamic", lf.dynamic, { up: first?.kmsRequestsUp, destroy: first?.kmsRequestsDestroy }],
      ["plugin", lf.plugin, { up: first?.pluginKmsRequestsUp, destroy: first?.pluginKmsRequestsDestroy }],
    ];
    for (const [name, v, requests] of vehicles) {
      const where = `${name}, N=${cell.n} at ${cell.latencyMs} ms`;
      if (!v) {
        targets.push({ figure: "2 latency floor", target: `${where}: up and destroy ≤ ${LATENCY_FLOOR_TARGET}× the latency floor`, measured: "not measured", pass: false });
        continue;
      }
      for (const [what, ms, floorMs, ratio] of [
        ["up", v.upMs, lf.upMs, v.upRatio],
        ["destroy", v.destroyMs, lf.destroyMs, v.destroyRatio],
      ] as const) {
        const pass = ratio <= LATENCY_FLOOR_TARGET;
        targets.push({
          figure: "2 latency floor",
          target: `${where}: ${what} ≤ ${LATENCY_FLOOR_TARGET}× the latency floor`,
          measured: `${round(ratio, 3)}× (${seconds(ms)} s vs ${seconds(floorMs)} s)`,
          pass,
        });
        if (pass) continue;
        let note =
          `Latency floor, ${where}: ${what} is ${round(ratio, 2)}× the latency floor (${seconds(ms - floorMs)} s more, median). ` +
          `The latency floor waits ${what === "up" ? `${MIN_ROUND_TRIPS.create} × ${cell.latencyMs} ms per create` : `${cell.latencyMs} ms per delete`} ` +
          `and does nothing else; the ${name} provider made ${String(requests[what] ?? "?")} KMS requests for the ${what} ` +
          `(the minimum is ${(what === "up" ? MIN_ROUND_TRIPS.create : MIN_ROUND_TRIPS.delete) * cell.n}).`;
        const wider = diagnostics.find((d) => d.n === cell.n && d.latencyMs === cell.latencyMs && d.variant.kind === "parallel");
        if (wider?.latencyFloor && name === "dynamic") {
          const r = what === "up" ? wider.latencyFloor.dynamic.upRatio : wider.latencyFloor.dynamic.destroyRatio;
          note +=
            ` With ${describeVariant(wider.variant)} (all programs) the ratio is ${round(r, 2)}×` +
            (r <= LATENCY_FLOOR_TARGET
              ? ": the provider's client, not the engine, limits the calls in flight at the CLI's default parallelism."
              : ": more steps and calls in flight do not close it, so the gap is the provider's own work per call.");
        }
        notes.push(note);
      }
    }
  }
}

function judgeAccountDiscovery(report: BenchReport): void {
  if (!report.accountDiscovery) return;
  for (const row of report.accountDiscovery.rows) {
    const where = `${row.projects} projects × ${row.keysPerProject} keys at ${row.latencyMs} ms${row.maxConcurrency === null ? "" : ` (--max-concurrency ${row.maxConcurrency})`}`;
    report.targets.push({
      figure: "8 account discovery calls",
      target: `${where}: one IAM call, then per project its pages + one status read per rotating key + one owners' listing`,
      measured:
        `${row.made.iam} + ${row.made.listKeys} + ${row.made.statusReads} + ${row.made.ownerListings} (+${row.made.other} other) ` +
        `vs ${row.minimum.iam} + ${row.minimum.pages} + ${row.minimum.statusReads} + ${row.minimum.ownerListings}`,
      pass: accountAtMinimum(row),
    });
    const keys = row.projects * row.keysPerProject;
    report.targets.push({
      figure: "8 account discovery report",
      target: `${where}: every project scanned, every key reported, exit 1 (the population breaks the policy)`,
      measured: `${row.scanned} projects, ${row.reported} keys, exit ${String(row.exitCode)}`,
      pass: row.scanned === row.projects && row.reported === keys && row.exitCode === 1,
    });
  }
}

export function renderTables(report: BenchReport): string {
  const parts: string[] = [];
  const m = report.machine;
  parts.push(
    `Mode ${report.mode}, ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s. Machine: ${m.cores} cores (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Pulumi CLI ${m.pulumiCli}, @pulumi/pulumi ${m.pulumiSdk}, ` +
      `engine parallelism ${m.engineParallel}, commit ${m.gitCommit.slice(0, 10)}. Load average at start ` +
      `${m.loadAverageAtStart.join(" ")}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(" ")}` : ""}.`,
  );
  if (report.apiCalls) {
    parts.push(
      `### 1. KMS API calls per operation (${report.apiCalls.keysPerGroup} keys per group; per resource)\n\n` +
        `${apiCallsTable(report.apiCalls)}\n\n${report.apiCalls.definition}`,
    );
  }
  if (report.engineOverhead) {
    const { cells, diagnostics } = report.engineOverhead;
    const latencyTargetNs = report.engineOverhead.latencyTargetNs ?? [];
    parts.push(
      `### 2. Engine overhead: up/destroy of N KeyRotations against two floors\n\n` +
        "Median wall times, CLI defaults unless the variant says otherwise. The no-op floor is N dynamic resources whose create " +
        "answers at once: the engine alone. The latency floor (cells with KMS latency) is N dynamic resources whose create waits " +
        `${MIN_ROUND_TRIPS.create} × and whose delete waits ${MIN_ROUND_TRIPS.delete} × the KMS latency: the fewest sequential round trips ` +
        "of a create on a fresh key at the defaults (read, then enable) and of a delete (disable), with no provider work. Each ratio is the " +
        "median of each repetition's own ratio (the programs of a repetition ran back to back). The plugin is the standalone executable " +
        "of the release archive.\n\n" +
        engineTable([...cells, ...diagnostics], noopTargetNs(report.engineOverhead), latencyTargetNs) +
        "\n\nCPU of the up runs, KeyRotation / floor (medians). CLI tree = engine, language host and dynamic " +
        "provider; provider = the dynamic-provider process alone; emulator + program = this harness process. " +
        "Extra = KeyRotation minus floor, CPU of both columns that add up (CLI tree + harness) against wall time.\n\n" +
        cpuTable([...cells, ...diagnostics]),
    );
  }
  if (report.stateSize) {
    parts.push(`### 3. State size per resource (exported state, compact JSON)\n\n${stateTable(report.stateSize)}`);
  }
  if (report.throttled) {
    const env = Object.entries(report.throttled.providerEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    parts.push(
      `### 4. Throttled: emulator at ${report.throttled.ratePerSecond} req/s answering 429 + Retry-After` +
        `${env === "" ? ", provider defaults" : `, provider ${env}`}\n\n${throttledTable(report.throttled)}`,
    );
  }
  if (report.memory && report.memory.length > 0) {
    parts.push(`### 5. Peak RSS of the dynamic-provider process (highest of every up and destroy)\n\n${memoryTable(report.memory)}`);
  }
  if (report.plugin) {
    parts.push(`### 6. The plugin provider beside the dynamic provider\n\n${pluginTables(report.plugin, report.stateSize?.keyRotation.bytesPerResource)}`);
  }
  if (report.discovery) {
    parts.push(
      `### 7. Discovery: \`huaweicloud-kms discover --json\` over a population of mixed keys\n\n` +
        `Median wall times, spawn to exit; the floor is the same inventory (same client and calls, ${report.discovery.concurrency} status reads in flight) ` +
        "taken inside the harness process, so the ratio is what the command adds. Calls from the emulator's request log; " +
        "the minimum is one list-keys per page of 1,000, one status read per rotating key, and one list-kms-by-tags (the owners: one key in five " +
        "claimed by a stack) per 1,000 claimed keys. Peak RSS is the command process's VmHWM.\n\n" +
        discoveryTable(report.discovery),
    );
  }
  if (report.accountDiscovery) {
    parts.push(
      `### 8. Discovery of a whole account: \`huaweicloud-kms discover --all-projects --json\`\n\n` +
        `${report.accountDiscovery.rows[0]?.projects ?? 0} projects (16 regions and 4 sub-projects), each with the population of figure 7, ` +
        `${report.accountDiscovery.projectConcurrency} projects at a time (the default). Median wall times, spawn to exit; "one project" is the ` +
        "one-project command on the first project in the same run, so `account / (projects × one)` below 1 is what one run saves over a loop " +
        "of one run per project. The emulator serves every region from one address, so the 10 requests in flight per endpoint are shared by all " +
        "projects here (in the cloud each region has its own): the row with 40 in flight shows four regions' budgets. Calls from the emulator's request log.\n\n" +
        accountDiscoveryTable(report.accountDiscovery),
    );
  }
  if (report.bigStacks) {
    parts.push(
      `### 9. Stacks of ${report.bigStacks.n} rotations, through each vehicle, against ${report.bigStacks.n} floor resources\n\n` +
        renderBigStacks(report.bigStacks, false),
    );
  }
  if (report.targets.length > 0) {
    const passed = report.targets.filter((t) => t.pass).length;
    parts.push(
      `### Targets: ${passed} of ${report.targets.length} met\n\n` +
        table(
          ["figure", "target", "measured", "result"],
          report.targets.map((t) => [t.figure, t.target, t.measured, verdict(t.pass)]),
        ),
    );
  }
  if (report.notes.length > 0) parts.push(`### Notes\n\n${report.notes.map((n) => `- ${n}`).join("\n")}`);
  if (report.errors.length > 0) parts.push(`### Harness errors\n\n${report.errors.map((e) => `- ${e}`).join("\n")}`);
  return parts.join("\n\n");
}
