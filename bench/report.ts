// Turns the measurements into the tables (Markdown, readable in a terminal and pasteable into the
// README), the PASS/MISS verdict per target, and the closing notes that explain each miss from
// the figures of the same run.
import type { PluginFigure } from "./plugin-vehicle.js";
import { atMinimum, type DiscoveryFigure } from "./discovery.js";
import { accountAtMinimum, type AccountDiscoveryFigure } from "./account-discovery.js";
import type { ApiCallsResult } from "./api-calls.js";
import { round } from "./common.js";
import { describeVariant, type Cell } from "./engine-overhead.js";
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
  engineOverhead?: { targetN: number; cells: Cell[]; diagnostics: Cell[] };
  stateSize?: { keyRotation: StateSize; floor: StateSize };
  throttled?: ThrottledResult;
  memory?: MemoryRow[];
  plugin?: PluginFigure;
  discovery?: DiscoveryFigure;
  accountDiscovery?: AccountDiscoveryFigure;
  targets: TargetVerdict[];
  notes: string[];
  errors: string[];
  tables?: string;
}

export const STATE_TARGET_BYTES = 2048;
export const UP_RATIO_TARGET: Readonly<Record<number, number>> = { 0: 1.15, 50: 1.3 };
export const THROTTLED_RATIO_TARGET = 1.2;
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

function engineTable(cells: readonly Cell[], targetN: number): string {
  const rows = cells.map((c) => {
    const target = c.variant.kind === "default" && c.n === targetN ? UP_RATIO_TARGET[c.latencyMs] : undefined;
    return [
      String(c.n),
      `${c.latencyMs} ms`,
      c.variant.kind === "default" ? "default" : `${describeVariant(c.variant)} (diagnostic)`,
      String(c.repetitions.length),
      seconds(c.keyRotationUpMs),
      seconds(c.floorUpMs),
      `${round(c.upRatio, 2)}×`,
      seconds(c.keyRotationDestroyMs),
      seconds(c.floorDestroyMs),
      `${round(c.destroyRatio, 2)}×`,
      target === undefined ? "—" : `up ≤ ${target}×`,
      target === undefined ? "—" : verdict(c.upRatio <= target),
    ];
  });
  return table(
    ["N", "latency", "variant", "reps", "up s", "floor up s", "up ratio", "destroy s", "floor destroy s", "destroy ratio", "target", "result"],
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
      String(p.calls.total),
      String(p.calls.throttled),
      String(p.failedResources),
      target ? `0 failed, ≤ ${THROTTLED_RATIO_TARGET}×` : "— (info)",
      target ? verdict(pass) : p.failedResources === 0 ? "converged" : "FAILED",
    ];
  });
  return table(
    ["phase", "keys", "rate", "requests needed", "bound s", "wall s", "ratio", "requests sent", "429s", "failed", "target", "result"],
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
      if (up.latencyMs === 50) {
        targets.push({
          figure: "6 plugin up",
          target: `up of N=${up.n} at 50 ms ≤ 1.3× the floor, CLI defaults`,
          measured: `${round(up.pluginMs / up.floorMs, 2)}× (${seconds(up.pluginMs)} s vs ${seconds(up.floorMs)} s)`,
          pass: up.pluginMs <= 1.3 * up.floorMs,
        });
      }
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

  if (report.engineOverhead) {
    const { targetN, cells, diagnostics } = report.engineOverhead;
    for (const cell of cells) {
      const target = cell.n === targetN ? UP_RATIO_TARGET[cell.latencyMs] : undefined;
      if (target === undefined) continue;
      const pass = cell.upRatio <= target;
      targets.push({
        figure: "2 engine overhead",
        target: `up of N=${cell.n} at ${cell.latencyMs} ms ≤ ${target}× the floor`,
        measured: `${round(cell.upRatio, 2)}× (${seconds(cell.keyRotationUpMs)} s vs ${seconds(cell.floorUpMs)} s)`,
        pass,
      });
      if (pass) continue;
      const extraMs = cell.keyRotationUpMs - cell.floorUpMs;
      const calls = cell.repetitions[0]?.kmsRequestsUp ?? 0;
      let note =
        `Engine overhead, N=${cell.n} at ${cell.latencyMs} ms: up is ${round(cell.upRatio, 2)}× the floor ` +
        `(${seconds(extraMs)} s more, median). The floor makes no API call; KeyRotation makes the minimum, ${calls} KMS ` +
        "requests (read + enable per key).";
      const { keyRotation: k, floor: f } = cell.upCpu;
      note +=
        ` CPU of the up, KeyRotation vs floor: dynamic-provider process ${seconds(k.provider)} vs ${seconds(f.provider)} s, ` +
        `emulator + program (this process) ${seconds(k.harness)} vs ${seconds(f.harness)} s` +
        (k.cli === null || f.cli === null ? "." : `, whole CLI tree ${seconds(k.cli)} vs ${seconds(f.cli)} s.`);
      // Each diagnostic is only blamed when it actually closes the gap.
      const skipped = diagnostics.find(
        (d) => d.n === cell.n && d.latencyMs === cell.latencyMs && d.variant.kind === "checkpoints-skipped",
      );
      if (skipped) {
        note +=
          ` With checkpoints skipped (PULUMI_SKIP_CHECKPOINTS=true, both programs) the ratio is ${round(skipped.upRatio, 2)}×` +
          (skipped.upRatio <= target
            ? ": the file backend's per-step state writes account for the gap."
            : ", so the per-step state writes are not what costs the difference.");
      }
      const wider = diagnostics.find((d) => d.n === cell.n && d.latencyMs === cell.latencyMs && d.variant.kind === "parallel");
      if (wider) {
        note +=
          ` With ${describeVariant(wider.variant)} (both programs) the ratio is ${round(wider.upRatio, 2)}×` +
          (wider.upRatio <= target
            ? ": the default engine parallelism, which lets only a few creates wait on KMS at once, accounts for the gap."
            : ", so more creates in flight do not close it.");
      }
      const parallelism = report.machine.engineParallelism;
      if (cell.latencyMs > 0 && parallelism !== null) {
        // A create cannot enable before its read has answered, so this much waiting is inherent.
        const waitMs = (calls * cell.latencyMs) / parallelism;
        note +=
          ` Each create waits for its read, then its enable: ${calls} requests × ${cell.latencyMs} ms / ${parallelism} ` +
          `creates in flight = ${seconds(waitMs)} s of waiting on KMS that any provider pays and the floor does not, ` +
          `against ${seconds((target - 1) * cell.floorUpMs)} s over the floor that the target allows.`;
      }
      notes.push(note);
    }
  }

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
    const { cells, diagnostics, targetN } = report.engineOverhead;
    parts.push(
      `### 2. Engine overhead: up/destroy of N KeyRotations vs N no-op dynamic resources\n\n` +
        "Median wall times; the ratio is the median of each repetition's KeyRotation/floor ratio (the two ran back to back).\n\n" +
        engineTable([...cells, ...diagnostics], targetN) +
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
