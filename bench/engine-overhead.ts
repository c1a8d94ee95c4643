// Figure 2 (and the samples figures 3 and 5 use): wall time of `pulumi up` and `destroy` of N
// KeyRotations beside N no-op dynamic resources (the engine floor), in the same sandbox, back to
// back, alternating which goes first, so the ratio compares like with like on a noisy machine.
import { loadavg } from "node:os";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  assertSucceeded,
  countCalls,
  floorProgram,
  keyIds,
  median,
  progress,
  rotationProgram,
  round,
  startBed,
  timed,
  type BenchContext,
} from "./common.js";
import { reapedChildrenCpuMs, withRssSampling, type RssPeak } from "./memory.js";
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

export interface Repetition {
  /** Which program ran first in this repetition. */
  first: "floor" | "keyRotation";
  /** 1-minute load average before the repetition: other work on the machine shows here. */
  loadBefore: number;
  floorUp: RunSample;
  floorDestroy: RunSample;
  keyRotationUp: RunSample;
  keyRotationDestroy: RunSample;
  /** KMS requests of the KeyRotation up and destroy (2 per key up: read + enable; 1 per key down). */
  kmsRequestsUp: number;
  kmsRequestsDestroy: number;
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

/** One cell: fresh emulator and sandbox, `repetitions` rounds of floor and KeyRotation up/destroy. */
export async function measureCell(ctx: BenchContext, plan: CellPlan): Promise<CellResult> {
  const { n, latencyMs, variant } = plan;
  const keys = keyIds(4, n);
  const env: Record<string, string> = {};
  let parallel: number | undefined;
  if (variant.kind === "checkpoints-skipped") env.PULUMI_SKIP_CHECKPOINTS = "true";
  if (variant.kind === "parallel") {
    parallel = variant.parallel;
    env.HW_KMS_MAX_CONCURRENCY = String(variant.parallel);
  }
  const bed = await startBed(ctx, { seed: { keys: keys.map((keyId) => ({ keyId })) } }, env);
  const label = `engine N=${n} ${latencyMs} ms${variant.kind === "default" ? "" : ` (${describeVariant(variant)})`}`;
  const repetitions: Repetition[] = [];
  let state: CellResult["state"];
  try {
    if (latencyMs > 0) await bed.bed.admin.addFault({ kind: "latency", ms: latencyMs });
    const floor = await bed.stack("floor", floorProgram(keys));
    const rotations = await bed.stack("rotations", rotationProgram(() => keys.map((keyId) => ({ keyId }))));

    const converged = async (enabled: boolean): Promise<void> => {
      const wrong = (await bed.bed.admin.listKeys()).filter((k) => k.rotationEnabled !== enabled).length;
      if (wrong > 0) throw new Error(`${label}: ${wrong} of ${n} keys did not end with rotation ${enabled ? "on" : "off"}`);
    };

    for (let r = 0; r < plan.repetitions; r++) {
      const first = r % 2 === 0 ? "floor" : "keyRotation";
      progress(ctx, `${label}: repetition ${r + 1}/${plan.repetitions} (${first === "floor" ? "floor" : "KeyRotation"} first)`);
      const loadBefore = round(loadavg()[0] ?? 0, 2);
      await bed.bed.admin.clearRequests();

      const samples: Partial<Omit<Repetition, "first" | "loadBefore" | "kmsRequestsUp" | "kmsRequestsDestroy">> = {};
      let kmsRequestsUp = 0;
      const upFloor = async (): Promise<void> => {
        samples.floorUp = await run(floor, "up", `${label} floor up`, parallel);
      };
      const upRotations = async (): Promise<void> => {
        samples.keyRotationUp = await run(rotations, "up", `${label} KeyRotation up`, parallel);
        kmsRequestsUp = countCalls(await bed.bed.admin.requests()).total;
        await bed.bed.admin.clearRequests();
        await converged(true);
      };
      for (const step of first === "floor" ? [upFloor, upRotations] : [upRotations, upFloor]) await step();

      if (plan.measureState === true && r === 0) {
        state = {
          keyRotation: await measureStateSize(rotations, KEY_ROTATION_TYPE),
          floor: await measureStateSize(floor, FLOOR_TYPE),
        };
      }

      const downFloor = async (): Promise<void> => {
        samples.floorDestroy = await run(floor, "destroy", `${label} floor destroy`, parallel);
      };
      const downRotations = async (): Promise<void> => {
        samples.keyRotationDestroy = await run(rotations, "destroy", `${label} KeyRotation destroy`, parallel);
      };
      for (const step of first === "floor" ? [downFloor, downRotations] : [downRotations, downFloor]) await step();
      const kmsRequestsDestroy = countCalls(await bed.bed.admin.requests()).total;
      await converged(false);

      const { floorUp, floorDestroy, keyRotationUp, keyRotationDestroy } = samples;
      if (!floorUp || !floorDestroy || !keyRotationUp || !keyRotationDestroy) throw new Error(`${label}: a run is missing`);
      repetitions.push({ first, loadBefore, floorUp, floorDestroy, keyRotationUp, keyRotationDestroy, kmsRequestsUp, kmsRequestsDestroy });
      progress(
        ctx,
        `${label}: up ${(keyRotationUp.ms / 1000).toFixed(2)} s vs floor ${(floorUp.ms / 1000).toFixed(2)} s, ` +
          `destroy ${(keyRotationDestroy.ms / 1000).toFixed(2)} s vs ${(floorDestroy.ms / 1000).toFixed(2)} s (load ${loadBefore})`,
      );
    }
  } finally {
    await bed.dispose();
  }
  const med = (pick: (r: Repetition) => number): number => round(median(repetitions.map(pick)), 0);
  const floorUpMs = med((r) => r.floorUp.ms);
  const keyRotationUpMs = med((r) => r.keyRotationUp.ms);
  const floorDestroyMs = med((r) => r.floorDestroy.ms);
  const keyRotationDestroyMs = med((r) => r.keyRotationDestroy.ms);
  const cell: Cell = {
    n,
    latencyMs,
    variant,
    repetitions,
    floorUpMs,
    keyRotationUpMs,
    floorDestroyMs,
    keyRotationDestroyMs,
    // The median of each repetition's own ratio: the two runs of a repetition ran back to back, so
    // load from other work on the machine hits both alike and cancels out of their ratio.
    upRatio: round(median(repetitions.map((r) => r.keyRotationUp.ms / r.floorUp.ms)), 3),
    destroyRatio: round(median(repetitions.map((r) => r.keyRotationDestroy.ms / r.floorDestroy.ms)), 3),
    upCpu: {
      keyRotation: cpuMedians(repetitions.map((r) => r.keyRotationUp)),
      floor: cpuMedians(repetitions.map((r) => r.floorUp)),
    },
  };
  return state === undefined ? { cell } : { cell, state };
}

/**
 * A throwaway round at N = 5 so that the first measured cell does not pay for cold caches
 * (the CLI binary, node_modules, the compiled provider) that later cells get for free.
 */
export async function warmUp(ctx: BenchContext): Promise<void> {
  progress(ctx, "engine: warm-up round (not recorded)");
  await measureCell(ctx, { n: 5, latencyMs: 0, variant: { kind: "default" }, repetitions: 1 });
}
