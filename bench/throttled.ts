// Figure 4: N fresh keys against an emulator that admits R requests per second and answers the
// rest 429 APIG.0308 with Retry-After, as the API gateway does. The bound is the time the gateway
// needs to admit the minimum number of requests; everything above it is backoff and engine time.
import type { Stack } from "@pulumi/pulumi/automation";
import {
  assertSucceeded,
  countCalls,
  floorProgram,
  keyIds,
  progress,
  rotationProgram,
  round,
  startBed,
  timed,
  type BenchContext,
  type CallCounts,
} from "./common.js";

export interface ThrottledPhase {
  phase: "up" | "destroy";
  ms: number;
  /** Requests a perfect provider needs: up = read + enable per key, destroy = one disable per key. */
  requestsNeeded: number;
  /** requestsNeeded / rate, in milliseconds. */
  boundMs: number;
  ratio: number;
  calls: CallCounts;
  /** Keys not in the state the phase should leave them in (0 = converged). */
  unconverged: number;
  /** 0 when the update succeeded; else the unconverged keys (at least 1). */
  failedResources: number;
  /**
   * Where the wall time went, in milliseconds, from the emulator's request log: before the first
   * KMS request (CLI start, program, provider start-up), between the first and the last request
   * arriving (the provider against the rate limit), and after the last (the engine finishing).
   * Absent when no request arrived.
   */
  timeline?: { beforeFirstMs: number; requestSpanMs: number; afterLastMs: number };
  /**
   * The same update of N no-op floor resources in the same sandbox just before (no KMS request,
   * so the gateway's budget is untouched): what the engine alone takes on this machine at this
   * moment. When it comes near the bound, the engine, not the rate limit, sets the pace.
   */
  floorMs?: number;
  error?: string;
}

export interface ThrottledResult {
  keys: number;
  ratePerSecond: number;
  /** Provider knobs set for this run (beyond the testbed's endpoint and credentials). */
  providerEnv: Record<string, string>;
  phases: ThrottledPhase[];
}

/**
 * Provider settings for the run: none, on purpose. At the CLI's default parallelism a call waits
 * behind a few others only, well inside the 120 s per-call deadline, so the defaults users get are
 * what is measured. (With a much higher `--parallel`, queueing time counts against that deadline
 * and HW_KMS_DEADLINE_MS would have to grow with it.)
 */
export const THROTTLED_PROVIDER_ENV: Readonly<Record<string, string>> = {};

async function phase(
  ctx: BenchContext,
  stack: Stack,
  floor: Stack,
  what: "up" | "destroy",
  requestsNeeded: number,
  rate: number,
  bed: Awaited<ReturnType<typeof startBed>>,
  keys: readonly string[],
): Promise<ThrottledPhase> {
  const floorRun = await timed(async () => {
    assertSucceeded(`throttled floor ${what}`, what === "up" ? await floor.up() : await floor.destroy());
  });
  progress(ctx, `throttled: ${what} of ${keys.length} no-op floor resources took ${(floorRun.ms / 1000).toFixed(1)} s`);
  progress(ctx, `throttled: ${what} of ${keys.length} keys at ${rate} req/s (bound ${(requestsNeeded / rate).toFixed(1)} s)`);
  await bed.bed.admin.clearRequests();
  let error: string | undefined;
  const startedAt = Date.now();
  const { ms } = await timed(async () => {
    try {
      const result = what === "up" ? await stack.up() : await stack.destroy();
      if (result.summary.result !== "succeeded") error = `the update ended "${result.summary.result}"`;
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 2000);
    }
  });
  const endedAt = Date.now();
  const log = await bed.bed.admin.requests();
  const calls = countCalls(log);
  const arrivals = log.map((e) => Date.parse(e.at)).filter((t) => !Number.isNaN(t));
  const first = Math.min(...arrivals);
  const last = Math.max(...arrivals);
  const wantEnabled = what === "up";
  const ids = new Set(keys);
  const unconverged = (await bed.bed.admin.listKeys()).filter((k) => ids.has(k.keyId) && k.rotationEnabled !== wantEnabled).length;
  // The Automation API reports a failed update as an error; the keys KMS left behind say which.
  const failedResources = error === undefined ? 0 : Math.max(1, unconverged);
  const boundMs = (requestsNeeded / rate) * 1000;
  const result: ThrottledPhase = {
    phase: what,
    ms: round(ms, 0),
    requestsNeeded,
    boundMs: round(boundMs, 0),
    ratio: round(ms / boundMs, 3),
    calls,
    unconverged,
    failedResources,
    floorMs: round(floorRun.ms, 0),
    ...(arrivals.length === 0
      ? {}
      : { timeline: { beforeFirstMs: Math.max(0, first - startedAt), requestSpanMs: last - first, afterLastMs: Math.max(0, endedAt - last) } }),
    ...(error === undefined ? {} : { error }),
  };
  progress(
    ctx,
    `throttled: ${what} took ${(ms / 1000).toFixed(1)} s (${result.ratio}× the bound), ${calls.total} requests, ` +
      `${calls.throttled} answered 429, ${unconverged} keys unconverged` +
      (result.timeline === undefined
        ? ""
        : `; ${(result.timeline.beforeFirstMs / 1000).toFixed(1)} s before the first request, ` +
          `${(result.timeline.requestSpanMs / 1000).toFixed(1)} s from first to last, ${(result.timeline.afterLastMs / 1000).toFixed(1)} s after the last`),
  );
  return result;
}

export async function measureThrottled(
  ctx: BenchContext,
  n: number,
  rate: number,
  providerEnv: Record<string, string> = { ...THROTTLED_PROVIDER_ENV },
): Promise<ThrottledResult> {
  const keys = keyIds(5, n);
  const bed = await startBed(ctx, { rateLimit: rate, seed: { keys: keys.map((keyId) => ({ keyId })) } }, providerEnv);
  try {
    const stack = await bed.stack("throttled", rotationProgram(() => keys.map((keyId) => ({ keyId }))));
    const floor = await bed.stack("throttled-floor", floorProgram(keys));
    const phases = [await phase(ctx, stack, floor, "up", 2 * n, rate, bed, keys)];
    // Tear down even after a failed up, so the destroy is measured on whatever was created.
    phases.push(await phase(ctx, stack, floor, "destroy", n, rate, bed, keys));
    return { keys: n, ratePerSecond: rate, providerEnv, phases };
  } finally {
    await bed.dispose();
  }
}
