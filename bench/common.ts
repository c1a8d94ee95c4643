// Shared pieces of the benchmark harness: the testbed per measurement, the programs it runs (the
// KeyRotation under test, the no-op "engine floor" resource and its sibling the latency floor), key
// ids, timing and progress.
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as undici from "undici";
import type { EmulatorOptions, RequestLogEntry } from "../emulator/index.js";
import { installedPackageRoot } from "../harness/installed-package.js";
import { loadPluginSdk, loadSdk, projectSettingsFor, startKmsTestbed, type KmsTestbed, type Vehicle } from "../harness/kms-testbed.js";

/** Where every measurement gets its Pulumi CLI from (set once by run.ts). */
export interface BenchContext {
  readonly binDir: string;
  /** Milliseconds since the harness started, for progress lines. */
  readonly elapsed: () => number;
}

/** One progress line on stderr, so stdout stays the report. */
export function progress(ctx: BenchContext, message: string): void {
  process.stderr.write(`[${(ctx.elapsed() / 1000).toFixed(1).padStart(7)}s] ${message}\n`);
}

/** A valid, readable KMS key id for key `index` of group `group` (one hex digit). */
export function keyId(group: number, index: number): string {
  const g = group.toString(16);
  if (g.length !== 1) throw new RangeError(`key group must be 0..15, got ${group}`);
  return `${g.repeat(8)}-0000-4000-8000-${index.toString().padStart(12, "0")}`;
}

export function keyIds(group: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => keyId(group, i));
}

/** Wall time of `fn` in milliseconds, measured with the monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

/**
 * A fresh emulator and Pulumi sandbox. `extraEnv` reaches the CLI and so the dynamic-provider
 * process (provider knobs such as HW_KMS_DEADLINE_MS).
 */
export interface Bed {
  readonly bed: KmsTestbed;
  /**
   * A stack of `program`. `vehicle` (default: the bed's) picks the Pulumi.yaml: a plugin stack's
   * names the plugin folder, so it gets a work directory of its own and the other stacks of the
   * bed keep a Pulumi.yaml that names no plugin, as users' dynamic-provider projects do.
   */
  stack(name: string, program: PulumiFn, vehicle?: Vehicle): Promise<Stack>;
  dispose(): Promise<void>;
}

export type { Vehicle };

export async function startBed(
  ctx: BenchContext,
  emulator: Partial<EmulatorOptions> = {},
  extraEnv: Record<string, string> = {},
  vehicle: Vehicle = "dynamic",
): Promise<Bed> {
  const bed = await startKmsTestbed({ binDir: ctx.binDir, ...emulator });
  const envVars = { ...bed.envVars, ...providerModulePath(), ...extraEnv };
  const workDirOf = (v: Vehicle): string => {
    if (v === vehicle) return bed.sandbox.workDir;
    const dir = join(bed.sandbox.workDir, v);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  return {
    bed,
    stack: (name, program, v = vehicle) =>
      LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: "kms-bench", program },
        { pulumiCommand: bed.sandbox.pulumiCommand, envVars, workDir: workDirOf(v), projectSettings: projectSettingsFor("kms-bench", v) },
      ),
    dispose: () => bed.dispose(),
  };
}

/**
 * The serialized provider requires the package by name in the dynamic-provider process. The
 * sandbox resolves that name to this repo, whose dist/ other work on the machine may rebuild while
 * a long run is going; pointing it at the installed copy the program itself loads (taken once, at
 * the first loadSdk) keeps program and provider on one build for the whole run.
 */
function providerModulePath(): Record<string, string> {
  const repoModules = resolve(__dirname, "..", "node_modules");
  return { NODE_PATH: [join(installedPackageRoot(), "node_modules"), repoModules].join(":") };
}

export interface RotationSpec {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
}

/**
 * A program declaring one KeyRotation per spec. `specs` is read on every run, so a measurement
 * edits it between runs to make the engine see a change. Nothing is exported: stack outputs would
 * add engine work that the floor program does not have.
 */
export function rotationProgram(specs: () => readonly RotationSpec[], vehicle: Vehicle = "dynamic"): PulumiFn {
  const { KeyRotation } = vehicle === "dynamic" ? loadSdk() : loadPluginSdk();
  return () => {
    for (const [i, spec] of specs().entries()) new KeyRotation(resourceName(i), spec);
    return Promise.resolve({});
  };
}

export function resourceName(i: number): string {
  return `r${i.toString().padStart(4, "0")}`;
}

interface FloorInputs {
  keyId: string;
}

// The engine floor: a dynamic resource whose provider answers at once. Self-contained on purpose:
// the engine serializes this object into the state and runs it in the dynamic-provider process,
// where nothing of this file exists. Only `create`: the engine's dynamic-provider host treats a
// missing delete as a no-op, and every extra method would add its serialized text to each state
// entry, making the floor heavier than the engine's real floor. It takes the same input as a
// KeyRotation (a key id) so both programs hand the engine the same shape of work.
const floorProvider: pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs> = {
  create(inputs) {
    return Promise.resolve({ id: inputs.keyId, outs: inputs });
  },
};

class FloorResource extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: FloorInputs) {
    super(floorProvider, name, { ...inputs }, {}, "bench", "Floor");
  }
}

/** The same N resources as rotationProgram, each a no-op. */
export function floorProgram(keys: readonly string[]): PulumiFn {
  return () => {
    for (const [i, id] of keys.entries()) new FloorResource(resourceName(i), { keyId: id });
    return Promise.resolve({});
  };
}

/**
 * Sequential KMS round trips of the least any provider can do, per operation, on a fresh key at
 * the defaults: a create must read the key (its outputs exist only in KMS, and a blind enable
 * fails on a key already rotating) before it can enable; a delete is one disable, planned from
 * the state.
 */
export const MIN_ROUND_TRIPS = { create: 2, delete: 1 } as const;

// The latency floor: the no-op floor's sibling whose create and delete wait, in the
// dynamic-provider process, for MIN_ROUND_TRIPS × the KMS latency. It is what the engine costs
// plus the KMS waiting that no provider can avoid, with nothing of a provider's own work (no HTTP,
// no signing, no parsing), so a KeyRotation's ratio to it is the provider's share alone. As
// self-contained as the no-op floor: the wait is a number captured by value when the engine
// serializes the provider, and `delete` exists because a delete waits too.
const latencyFloorProviders = new Map<number, pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs>>();

function latencyFloorProvider(roundTripMs: number): pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs> {
  let provider = latencyFloorProviders.get(roundTripMs);
  if (provider) return provider;
  const createMs = MIN_ROUND_TRIPS.create * roundTripMs;
  const deleteMs = MIN_ROUND_TRIPS.delete * roundTripMs;
  provider = {
    create(inputs) {
      return new Promise((done) => {
        setTimeout(() => {
          done({ id: inputs.keyId, outs: inputs });
        }, createMs);
      });
    },
    delete() {
      return new Promise((done) => {
        setTimeout(done, deleteMs);
      });
    },
  };
  // One instance per latency, shared by every resource, as a real provider is.
  latencyFloorProviders.set(roundTripMs, provider);
  return provider;
}

class LatencyFloorResource extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: FloorInputs, roundTripMs: number) {
    super(latencyFloorProvider(roundTripMs), name, { ...inputs }, {}, "bench", "LatencyFloor");
  }
}

/** The same N resources as floorProgram, each waiting as the fewest sequential KMS calls would at `roundTripMs` per call. */
export function latencyFloorProgram(keys: readonly string[], roundTripMs: number): PulumiFn {
  return () => {
    for (const [i, id] of keys.entries()) new LatencyFloorResource(resourceName(i), { keyId: id }, roundTripMs);
    return Promise.resolve({});
  };
}

// The round-trip floor: the no-op floor's sibling whose `read` (what `refresh` calls per resource)
// makes one HTTP exchange with the emulator before it answers, unchanged. A refresh that reads
// every key cannot cost less than the engine plus one exchange per key, and on a machine where
// the emulator shares the cores, that exchange (both ends' HTTP code, the kernel's loopback TCP,
// the emulator's answer) is not free even at 0 ms. The exchange is the leanest there is: undici's
// dispatch on keep-alive connections (the HTTP client KeyRotation uses), nothing signed, a path
// the emulator answers at once with 404 (no authentication, no key lookup), so the floor is below
// what any real read costs. Self-contained like the others: the emulator's origin is captured by
// value and undici is required in the dynamic-provider process.
const ROUND_TRIP_PATH = "/bench/round-trip-floor";

function roundTripFloorProvider(endpoint: string): pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs> {
  const origin = new URL(endpoint).origin;
  const path = ROUND_TRIP_PATH;
  return {
    create(inputs) {
      return Promise.resolve({ id: inputs.keyId, outs: inputs });
    },
    read(id, props) {
      // One pool for the process, as a real provider keeps one.
      const shared = globalThis as { roundTripFloorAgent?: undici.Agent };
      const agent = (shared.roundTripFloorAgent ??= new undici.Agent({ keepAliveTimeout: 30_000 }));
      return new Promise((done, fail) => {
        agent.dispatch(
          { origin, path, method: "GET", headers: {} },
          {
            // undici asks for every handler; the answer's status and body do not matter here.
            onRequestStart() {},
            onResponseStart() {},
            onResponseData() {},
            onResponseEnd() {
              done({ id, props });
            },
            onResponseError(_controller, error) {
              fail(error);
            },
          },
        );
      });
    },
  };
}

class RoundTripFloorResource extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: FloorInputs, provider: pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs>) {
    super(provider, name, { ...inputs }, {}, "bench", "RoundTripFloor");
  }
}

/** The same N resources as floorProgram, each reading with one HTTP exchange with the emulator at `endpoint`. */
export function roundTripFloorProgram(keys: readonly string[], endpoint: string): PulumiFn {
  const provider = roundTripFloorProvider(endpoint);
  return () => {
    for (const [i, id] of keys.entries()) new RoundTripFloorResource(resourceName(i), { keyId: id }, provider);
    return Promise.resolve({});
  };
}

export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set([
  "enable-key-rotation",
  "disable-key-rotation",
  "update-key-rotation-interval",
  "enable-key",
  "disable-key",
  // Tag writes: a claim taken or released.
  "create-kms-tag",
  "batch-create-kms-tags",
  "delete-tag",
]);

export interface CallCounts {
  /** Every API request the emulator received (including refused ones). */
  total: number;
  reads: number;
  mutating: number;
  /** Requests answered 429 (throttled before reaching KMS). */
  throttled: number;
  /** Other non-2xx answers. */
  failed: number;
  byOperation: Record<string, number>;
}

export function countCalls(log: readonly RequestLogEntry[]): CallCounts {
  const counts: CallCounts = { total: 0, reads: 0, mutating: 0, throttled: 0, failed: 0, byOperation: {} };
  for (const entry of log) {
    counts.total++;
    counts.byOperation[entry.operation] = (counts.byOperation[entry.operation] ?? 0) + 1;
    if (entry.status === 429) counts.throttled++;
    else if (entry.status < 200 || entry.status >= 300) counts.failed++;
    // A throttled request never reached KMS: it is counted in `total` and `throttled` only.
    if (entry.status === 429) continue;
    if (MUTATING_OPERATIONS.has(entry.operation)) counts.mutating++;
    else counts.reads++;
  }
  return counts;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Throws with the engine's summary when an update did not fully succeed. */
export function assertSucceeded(what: string, result: { summary: { result?: string; resourceChanges?: Record<string, number> } }): void {
  if (result.summary.result !== "succeeded") {
    throw new Error(`${what}: the update ended "${result.summary.result ?? "?"}" (${JSON.stringify(result.summary.resourceChanges ?? {})})`);
  }
}
