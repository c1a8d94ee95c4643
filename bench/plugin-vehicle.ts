// Figure 5: the plugin provider beside the dynamic provider, measured in the same run: KMS calls per
// operation, `up` of N rotations at 0 ms against the dynamic provider and the no-op floor, state
// bytes per resource, and the plugin process's start-up (spawn to printed port).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { installedPackageDir } from "../harness/installed-package.js";
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
import { measureStateSize } from "./state-size.js";

export interface UpTimes {
  n: number;
  /** Emulated KMS latency per call. */
  latencyMs: number;
  repetitions: number;
  /** Median wall time of `up` creating N resources, milliseconds. */
  floorMs: number;
  dynamicMs: number;
  pluginMs: number;
}

export interface StartUp {
  samples: number[];
  medianMs: number;
  /** A bare `node -e ""` on the same machine, the part no provider can avoid. */
  bareNodeMs: number;
}

export interface PluginFigure {
  apiCalls: ApiCallsResult;
  /** At 0 ms and at 50 ms KMS latency. */
  up: UpTimes[];
  stateBytesPerResource: { plugin: number; pluginProvider: number };
  startUp: StartUp;
}

const PLUGIN_TYPE = "huaweicloud-kms:index:KeyRotation";

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

async function measureStartUp(ctx: BenchContext, runs: number): Promise<StartUp> {
  const plugin = join(installedPackageDir(), "pulumi-resource-huaweicloud-kms");
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(ctx, `plugin: start-up ${i + 1}/${runs}`);
    samples.push(round(await timeToFirstLine(plugin, ["127.0.0.1:9"]), 0));
  }
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) bare.push(await timeToFirstLine("node", ["-e", "console.log(1)"]));
  return { samples, medianMs: median(samples), bareNodeMs: round(median(bare), 0) };
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

export async function measurePluginVehicle(ctx: BenchContext, apiKeys: number, n: number, repetitions: number): Promise<PluginFigure> {
  const apiCalls = await measureApiCalls(ctx, apiKeys, "plugin");
  let stateBytes = { plugin: 0, pluginProvider: 0 };
  const up: UpTimes[] = [];
  for (const latencyMs of [0, 50]) {
    const times: Record<"floor" | Vehicle, number[]> = { floor: [], dynamic: [], plugin: [] };
    for (let r = 0; r < repetitions; r++) {
      // Interleaved, so that load from other work on the machine falls on all three alike.
      for (const what of ["floor", "dynamic", "plugin"] as const) {
        progress(ctx, `plugin: up of ${n} at ${latencyMs} ms (${what}) ${r + 1}/${repetitions}`);
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
  return {
    apiCalls,
    up,
    stateBytesPerResource: stateBytes,
    startUp: await measureStartUp(ctx, 5),
  };
}
