// Figure 2 (and the samples figures 3 and 5 use): wall time of `pulumi up` and `destroy` of N
// KeyRotations beside N no-op dynamic resources (the engine floor) and, with KMS latency, beside
// N resources that wait for the fewest sequential KMS round trips (the latency floor), through
// both vehicles, in the same sandbox, back to back, alternating the order, so the ratios compare
// like with like on a noisy machine.
import { loadavg } from "node:os";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  assertSucceeded,
  countCalls,
  floorProgram,
  keyIds,
  latencyFloorProgram,
  median,
  progress,
  rotationProgram,
  round,
  startBed,
  timed,
  type BenchContext,
} from "./common.js";
import { reapedChildrenCpuMs, withRssSampling, type RssPeak } from "./memory.js";
import { ExecutableSampler } from "./plugin-vehicle.js";
import { measureStateSize, type StateSize } from "./state-size.js";

export const KEY_ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";
export const FLOOR_TYPE = "pulumi-nodejs:dynamic/bench:Floor";

export interface RunSample {
  ms: number;
  /** Peak RSS (and sampled CPU) of the dynamic-provider process during this run. */
  rss: RssPeak;
  /**
   * CPU of the run, in milliseconds: the CLI's process tree (engine, language host, dynamic
   * provider; null where /proc is unreadable), and this harness process, which hosts the
   * emulator and the inline program. On a 2-core machine, CPU is what wall time is made of.
   */
  cliCpuMs: number | null;
  harnessCpuMs: number;
}

/**
 * What a cell runs. The no-op floor and the dynamic KeyRotation always; at a KMS latency above
 * 0, the latency floor (common.ts) too, and the plugin KeyRotation when the standalone plugin is
 * in place (plugin-vehicle.ts, withStandalonePlugin).
 */
export type Program = "floor" | "latencyFloor" | "keyRotation" | "plugin";

export interface Repetition {
  /** The order the programs ran in (ups, then destroys in the same order). */
  order: Program[];
  /** 1-minute load average before the repetition: other work on the machine shows here. */
  loadBefore: number;
  floorUp: RunSample;
  floorDestroy: RunSample;
  keyRotationUp: RunSample;
  keyRotationDestroy: RunSample;
  /** KMS requests of the KeyRotation up and destroy (2 per key up: read + enable; 1 per key down). */
  kmsRequestsUp: number;
  kmsRequestsDestroy: number;
  latencyFloorUp?: RunSample;
  latencyFloorDestroy?: RunSample;
  pluginUp?: RunSample;
  pluginDestroy?: RunSample;
  pluginKmsRequestsUp?: number;
  pluginKmsRequestsDestroy?: number;
}

/**
 * How a cell departs from what users get by default. Both programs of the cell run with it, so
 * the ratio stays like for like; the targets are judged on "default" only, the others are
 * diagnostics that show where the time goes and which knob moves it.
 */
export type Variant =
  | { kind: "default" }
  /** PULUMI_SKIP_CHECKPOINTS=true: the file backend writes the state once, not after every step. */
  | { kind: "checkpoints-skipped" }
  /** `--parallel P` for the engine and HW_KMS_MAX_CONCURRENCY=P for the provider's client. */
  | { kind: "parallel"; parallel: number };

export function describeVariant(v: Variant): string {
  switch (v.kind) {
    case "default":
      return "default";
    case "checkpoints-skipped":
      return "checkpoints skipped";
    case "parallel":
      return `--parallel ${v.parallel}, HW_KMS_MAX_CONCURRENCY=${v.parallel}`;
  }
}

export interface Cell {
  n: number;
  latencyMs: number;
  variant: Variant;
  repetitions: Repetition[];
  /** Medians over the repetitions, in milliseconds. */
  floorUpMs: number;
  keyRotationUpMs: number;
  floorDestroyMs: number;
  keyRotationDestroyMs: number;
  /** Median over the repetitions of KeyRotation / floor. */
  upRatio: number;
  destroyRatio: number;
  /** Medians of the up runs' CPU, in milliseconds (see RunSample). */
  upCpu: { keyRotation: CpuMedians; floor: CpuMedians };
  /** At a KMS latency above 0: the latency floor and both vehicles against it. */
  latencyFloor?: LatencyFloorComparison;
}

/** Medians in milliseconds; ratios are medians of each repetition's own ratio, as upRatio. */
export interface VehicleVsLatencyFloor {
  upMs: number;
  destroyMs: number;
  upRatio: number;
  destroyRatio: number;
}

export interface LatencyFloorComparison {
  /** The KMS latency per call the floor waits for, in its create (× 2) and delete (× 1). */
  roundTripMs: number;
  upMs: number;
  destroyMs: number;
  dynamic: VehicleVsLatencyFloor;
  plugin?: VehicleVsLatencyFloor;
}

export interface CpuMedians {
  /** The CLI's process tree, all of it (null where unknown). */
  cli: number | null;
  /** The dynamic-provider process alone (sampled, so slightly low). */
  provider: number;
  /** The harness: emulator and inline program. */
  harness: number;
}

function cpuMedians(samples: readonly RunSample[]): CpuMedians {
  const cli = samples.map((s) => s.cliCpuMs);
  return {
    cli: cli.every((c): c is number => c !== null) ? round(median(cli), 0) : null,
    provider: round(median(samples.map((s) => s.rss.cpuMs)), 0),
    harness: round(median(samples.map((s) => s.harnessCpuMs)), 0),
  };
}

export interface CellPlan {
  n: number;
  latencyMs: number;
  variant: Variant;
  repetitions: number;
  /** Export the state after the first KeyRotation and floor up (figure 3). */
  measureState?: boolean;
  /** Run the latency floor beside the others (default: at any latency above 0). */
  latencyFloor?: boolean;
  /**
   * Run the plugin KeyRotation too: only inside withStandalonePlugin, whose executable this is
   * (its processes prove the CLI ran it).
   */
  pluginExecutable?: string;
}

export interface CellResult {
  cell: Cell;
  state?: { keyRotation: StateSize; floor: StateSize };
}

async function run(stack: Stack, what: "up" | "destroy", label: string, parallel?: number): Promise<RunSample> {
  const childrenBefore = reapedChildrenCpuMs();
  const harnessBefore = process.cpuUsage();
  const { result, rss } = await withRssSampling(() =>
    timed(async () => {
      const options = parallel === undefined ? {} : { parallel };
      const r = what === "up" ? await stack.up(options) : await stack.destroy(options);
      assertSucceeded(label, r);
      return r;
    }),
  );
  const harness = process.cpuUsage(harnessBefore);
  const childrenAfter = reapedChildrenCpuMs();
  return {
    ms: round(result.ms, 0),
    rss,
    cliCpuMs: childrenBefore === undefined || childrenAfter === undefined ? null : round(childrenAfter - childrenBefore, 0),
    harnessCpuMs: round((harness.user + harness.system) / 1000, 0),
  };
}

const PROGRAM_NAMES: Readonly<Record<Program, string>> = {
  floor: "floor",
  latencyFloor: "latency floor",
  keyRotation: "KeyRotation",
  plugin: "plugin KeyRotation",
};

/** Runs in a cell's order; `undefined` where the cell does not run the program. */
type Runs = Partial<Record<Program, RunSample>>;

/**
 * One cell: fresh emulator and sandbox, `repetitions` rounds of every program's up, then every
 * program's destroy, in the same order; the order is reversed every other repetition.
 */
export async function measureCell(ctx: BenchContext, plan: CellPlan): Promise<CellResult> {
  const { n, latencyMs, variant } = plan;
  const withLatencyFloor = plan.latencyFloor ?? latencyMs > 0;
  const pluginExecutable = plan.pluginExecutable;
  // Each vehicle gets fresh keys of its own: an up on keys another up left rotating would be a
  // create on matching keys (a read, no enable), less work than the floors stand for.
  const keys = keyIds(4, n);
  const pluginKeys = keyIds(6, n);
  const env: Record<string, string> = {};
  let parallel: number | undefined;
  if (variant.kind === "checkpoints-skipped") env.PULUMI_SKIP_CHECKPOINTS = "true";
  if (variant.kind === "parallel") {
    parallel = variant.parallel;
    env.HW_KMS_MAX_CONCURRENCY = String(variant.parallel);
  }
  const seeded = pluginExecutable === undefined ? keys : [...keys, ...pluginKeys];
  const bed = await startBed(ctx, { seed: { keys: seeded.map((keyId) => ({ keyId })) } }, env);
  const label = `engine N=${n} ${latencyMs} ms${variant.kind === "default" ? "" : ` (${describeVariant(variant)})`}`;
  const programs: Program[] = ["floor"];
  if (withLatencyFloor) programs.push("latencyFloor");
  programs.push("keyRotation");
  if (pluginExecutable !== undefined) programs.push("plugin");
  const repetitions: Repetition[] = [];
  let state: CellResult["state"];
  const sampler = pluginExecutable === undefined ? undefined : new ExecutableSampler(pluginExecutable);
  try {
    if (latencyMs > 0) await bed.bed.admin.addFault({ kind: "latency", ms: latencyMs });
    const stacks: Partial<Record<Program, Stack>> = {
      floor: await bed.stack("floor", floorProgram(keys)),
      keyRotation: await bed.stack("rotations", rotationProgram(() => keys.map((keyId) => ({ keyId })))),
    };
    if (withLatencyFloor) stacks.latencyFloor = await bed.stack("latency-floor", latencyFloorProgram(keys, latencyMs));
    if (pluginExecutable !== undefined) {
      stacks.plugin = await bed.stack("plugin-rotations", rotationProgram(() => pluginKeys.map((keyId) => ({ keyId })), "plugin"), "plugin");
    }
    const stackOf = (p: Program): Stack => {
      const stack = stacks[p];
      if (!stack) throw new Error(`${label}: no stack for ${p}`);
      return stack;
    };

    const converged = async (p: Program, enabled: boolean): Promise<void> => {
      if (p !== "keyRotation" && p !== "plugin") return;
      const ids = new Set(p === "plugin" ? pluginKeys : keys);
      const wrong = (await bed.bed.admin.listKeys()).filter((k) => ids.has(k.keyId) && k.rotationEnabled !== enabled).length;
      if (wrong > 0) throw new Error(`${label}: ${wrong} of ${n} keys of the ${PROGRAM_NAMES[p]} did not end with rotation ${enabled ? "on" : "off"}`);
    };

    sampler?.start();
    for (let r = 0; r < plan.repetitions; r++) {
      // Reversed every other repetition, so that no program always runs first (cold) or last.
      const order = r % 2 === 0 ? [...programs] : [...programs].reverse();
      progress(ctx, `${label}: repetition ${r + 1}/${plan.repetitions} (${order.map((p) => PROGRAM_NAMES[p]).join(", ")})`);
      const loadBefore = round(loadavg()[0] ?? 0, 2);
      const ups: Runs = {};
      const downs: Runs = {};
      const requestsUp: Partial<Record<Program, number>> = {};
      const requestsDown: Partial<Record<Program, number>> = {};
      for (const p of order) {
        await bed.bed.admin.clearRequests();
        ups[p] = await run(stackOf(p), "up", `${label} ${PROGRAM_NAMES[p]} up`, parallel);
        requestsUp[p] = countCalls(await bed.bed.admin.requests()).total;
        await converged(p, true);
      }

      if (plan.measureState === true && r === 0) {
        state = {
          keyRotation: await measureStateSize(stackOf("keyRotation"), KEY_ROTATION_TYPE),
          floor: await measureStateSize(stackOf("floor"), FLOOR_TYPE),
        };
      }

      for (const p of order) {
        await bed.bed.admin.clearRequests();
        downs[p] = await run(stackOf(p), "destroy", `${label} ${PROGRAM_NAMES[p]} destroy`, parallel);
        requestsDown[p] = countCalls(await bed.bed.admin.requests()).total;
        await converged(p, false);
      }

      const { floor: floorUp, keyRotation: keyRotationUp } = ups;
      const { floor: floorDestroy, keyRotation: keyRotationDestroy } = downs;
      if (!floorUp || !floorDestroy || !keyRotationUp || !keyRotationDestroy) throw new Error(`${label}: a run is missing`);
      const repetition: Repetition = {
        order,
        loadBefore,
        floorUp,
        floorDestroy,
        keyRotationUp,
        keyRotationDestroy,
        kmsRequestsUp: requestsUp.keyRotation ?? 0,
        kmsRequestsDestroy: requestsDown.keyRotation ?? 0,
      };
      if (ups.latencyFloor && downs.latencyFloor) {
        repetition.latencyFloorUp = ups.latencyFloor;
        repetition.latencyFloorDestroy = downs.latencyFloor;
      }
      if (ups.plugin && downs.plugin) {
        repetition.pluginUp = ups.plugin;
        repetition.pluginDestroy = downs.plugin;
        repetition.pluginKmsRequestsUp = requestsUp.plugin ?? 0;
        repetition.pluginKmsRequestsDestroy = requestsDown.plugin ?? 0;
      }
      repetitions.push(repetition);
      const s = (sample: RunSample | undefined): string => (sample === undefined ? "-" : (sample.ms / 1000).toFixed(2));
      progress(
        ctx,
        `${label}: up/destroy s: ${order.map((p) => `${PROGRAM_NAMES[p]} ${s(ups[p])}/${s(downs[p])}`).join(", ")} (load ${loadBefore})`,
      );
    }
    if (sampler && sampler.stop().processes === 0) {
      throw new Error(`${label}: the CLI never ran ${pluginExecutable ?? "?"}: the plugin's figures would not be the standalone plugin's`);
    }
  } finally {
    sampler?.stop();
    await bed.dispose();
  }
  const med = (pick: (r: Repetition) => number): number => round(median(repetitions.map(pick)), 0);
  const ratioOf = (pick: (r: Repetition) => number): number => round(median(repetitions.map(pick)), 3);
  const cell: Cell = {
    n,
    latencyMs,
    variant,
    repetitions,
    floorUpMs: med((r) => r.floorUp.ms),
    keyRotationUpMs: med((r) => r.keyRotationUp.ms),
    floorDestroyMs: med((r) => r.floorDestroy.ms),
    keyRotationDestroyMs: med((r) => r.keyRotationDestroy.ms),
    // The median of each repetition's own ratio: the runs of a repetition ran back to back, so
    // load from other work on the machine hits them alike and cancels out of their ratio.
    upRatio: ratioOf((r) => r.keyRotationUp.ms / r.floorUp.ms),
    destroyRatio: ratioOf((r) => r.keyRotationDestroy.ms / r.floorDestroy.ms),
    upCpu: {
      keyRotation: cpuMedians(repetitions.map((r) => r.keyRotationUp)),
      floor: cpuMedians(repetitions.map((r) => r.floorUp)),
    },
  };
  if (withLatencyFloor) {
    const lf = (r: Repetition, what: "up" | "destroy"): number => {
      const sample = what === "up" ? r.latencyFloorUp : r.latencyFloorDestroy;
      if (!sample) throw new Error(`${label}: a latency-floor run is missing`);
      return sample.ms;
    };
    const vehicle = (up: (r: Repetition) => number, down: (r: Repetition) => number): VehicleVsLatencyFloor => ({
      upMs: med(up),
      destroyMs: med(down),
      upRatio: ratioOf((r) => up(r) / lf(r, "up")),
      destroyRatio: ratioOf((r) => down(r) / lf(r, "destroy")),
    });
    const pluginMs = (r: Repetition, what: "up" | "destroy"): number => {
      const sample = what === "up" ? r.pluginUp : r.pluginDestroy;
      if (!sample) throw new Error(`${label}: a plugin run is missing`);
      return sample.ms;
    };
    cell.latencyFloor = {
      roundTripMs: latencyMs,
      upMs: med((r) => lf(r, "up")),
      destroyMs: med((r) => lf(r, "destroy")),
      dynamic: vehicle(
        (r) => r.keyRotationUp.ms,
        (r) => r.keyRotationDestroy.ms,
      ),
      ...(pluginExecutable === undefined
        ? {}
        : {
            plugin: vehicle(
              (r) => pluginMs(r, "up"),
              (r) => pluginMs(r, "destroy"),
            ),
          }),
    };
  }
  return state === undefined ? { cell } : { cell, state };
}

/**
 * A throwaway round at N = 5 so that the first measured cell does not pay for cold caches
 * (the CLI binary, node_modules, the compiled provider) that later cells get for free.
 */
export async function warmUp(ctx: BenchContext, pluginExecutable?: string): Promise<void> {
  progress(ctx, "engine: warm-up round (not recorded)");
  await measureCell(ctx, {
    n: 5,
    latencyMs: 0,
    variant: { kind: "default" },
    repetitions: 1,
    latencyFloor: true,
    ...(pluginExecutable === undefined ? {} : { pluginExecutable }),
  });
}
