// The fault matrix: each fault of the issue, injected into one KMS call of create, update, delete
// and refresh, and what must follow. One CLI run per operation covers every fault at once: each
// fault gets its own key and its rule is scoped to that key, so the cases run side by side in one
// engine run (with --continue-on-error) and are asserted one by one afterwards.
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import type { KmsOperation } from "../../provider/kms/kms-rules.js";
import type { AdminKey, FaultRule, RequestLogEntry } from "../../emulator/index.js";
import { loadPluginSdk, loadSdk, type KmsTestbed, type Vehicle } from "../../harness/kms-testbed.js";
import {
  STACK_FRAME,
  agreesWithKms,
  answerOf,
  errorDiagnostics,
  isMutating,
  keyIdFor,
  outcomeOf,
  recordedRotations,
  sequenceOf,
  settledRequests,
  stackWithEnv,
  type RecordedRotation,
  type RunOutcome,
} from "./fault-support.js";

/** Retries after the first attempt: every call makes at most 3 attempts. */
export const MAX_RETRIES = 2;
export const ATTEMPTS = MAX_RETRIES + 1;
/** Per-attempt client timeout, and a server delay well beyond it. */
export const REQUEST_TIMEOUT_MS = 800;
export const SLOW_MS = 1_600;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault rule without its target: the matrix sets operation and key. */
export type FaultShape = DistributiveOmit<FaultRule, "operation" | "keyId">;

export interface FaultCase {
  /** Resource name and table label. */
  id: string;
  rule: FaultShape;
  /**
   * What each attempt of the faulted call is answered, in order: "<status> <code>", "0" for a
   * dropped connection, "ok" for the normal answer, "replay" for what the same call is answered
   * once it already landed (KMS.2901 for enable, KMS.0313 for disable, 200 otherwise).
   */
  attempts: readonly string[];
  /** Whether the order of the attempts' answers is fixed (a slow first attempt may land before or after its retry). */
  ordered: boolean;
  /** The code the failure names, when the call fails for good. */
  failsWith?: string;
  /** The call fails, but its change landed anyway (every attempt timed out after KMS acted). */
  landsAnyway?: boolean;
  /** Attempts whose connection was dropped (logged with status 0 forever). */
  dropped: number;
}

const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

/** The matrix's columns. "Transient" faults fire fewer times than the attempts; "permanent" ones always. */
export const FAULT_CASES: readonly FaultCase[] = [
  { id: "429-retry-after", rule: { kind: "status", status: 429, retryAfter: 1, times: 1 }, attempts: ["429 APIG.0308", "ok"], ordered: true, dropped: 0 },
  {
    id: "429-no-retry-after",
    rule: { kind: "status", status: 429, retryAfter: null, times: 1 },
    attempts: ["429 APIG.0308", "ok"],
    ordered: true,
    dropped: 0,
  },
  { id: "429-always", rule: { kind: "status", status: 429, retryAfter: 1 }, attempts: times(ATTEMPTS, "429 APIG.0308"), ordered: true, failsWith: "APIG.0308", dropped: 0 },
  { id: "500-twice", rule: { kind: "status", status: 500, times: 2 }, attempts: [...times(2, "500 KMS.0101"), "ok"], ordered: true, dropped: 0 },
  { id: "500-always", rule: { kind: "status", status: 500 }, attempts: times(ATTEMPTS, "500 KMS.0101"), ordered: true, failsWith: "KMS.0101", dropped: 0 },
  { id: "503-twice", rule: { kind: "status", status: 503, times: 2 }, attempts: [...times(2, "503 KMS.0104"), "ok"], ordered: true, dropped: 0 },
  { id: "503-always", rule: { kind: "status", status: 503 }, attempts: times(ATTEMPTS, "503 KMS.0104"), ordered: true, failsWith: "KMS.0104", dropped: 0 },
  { id: "reset-before", rule: { kind: "reset-before", times: 1 }, attempts: ["0", "ok"], ordered: true, dropped: 1 },
  { id: "reset-after", rule: { kind: "reset-after", times: 1 }, attempts: ["0", "replay"], ordered: true, dropped: 1 },
  { id: "500-after-apply", rule: { kind: "status", status: 500, afterApply: true, times: 1 }, attempts: ["500 KMS.0101", "replay"], ordered: true, dropped: 0 },
  { id: "slow-once", rule: { kind: "latency", ms: SLOW_MS, times: 1 }, attempts: ["ok", "replay"], ordered: false, dropped: 0 },
  {
    id: "slow-always",
    rule: { kind: "latency", ms: SLOW_MS },
    attempts: ["ok", "replay", "replay"],
    ordered: true,
    failsWith: "TIMEOUT",
    landsAnyway: true,
    dropped: 0,
  },
];

export type MatrixOperation = "create" | "update" | "delete" | "refresh";

interface OperationPlan {
  /** The KMS call the faults hit. */
  faulted: KmsOperation;
  /** What a replay of an already-landed faulted call is answered. */
  replay: string;
  /** Calls made for a key before the faulted one (answered 200). */
  before: readonly string[];
  /** Calls made after it, when it succeeded. */
  after: readonly string[];
}

export const PLANS: Readonly<Record<MatrixOperation, OperationPlan>> = {
  // A fresh key (rotation off) to on, every 90 days: read, enable (faulted), interval.
  create: { faulted: "enable-key-rotation", replay: "400 KMS.2901", before: ["get-key-rotation-status"], after: ["update-key-rotation-interval"] },
  // Recorded off@90 to on@180: enable, then the interval (faulted), so a failure is partial progress.
  update: { faulted: "update-key-rotation-interval", replay: "200", before: ["enable-key-rotation"], after: [] },
  // Recorded on@90, destroyed: one disable (faulted).
  delete: { faulted: "disable-key-rotation", replay: "400 KMS.0313", before: [], after: [] },
  // Recorded on@90, KMS drifted to 200 days: one read (faulted).
  refresh: { faulted: "get-key-rotation-status", replay: "200", before: [], after: [] },
};

/**
 * Whether the faulted call failed in a way that may still have changed KMS (5xx or timeouts after
 * every retry; a 429 changed nothing). The provider then reads the rotation once to record what
 * KMS really holds.
 */
function uncertainFailure(op: MatrixOperation, c: FaultCase): boolean {
  return op !== "refresh" && c.failsWith !== undefined && c.failsWith !== "APIG.0308";
}

/** The code the run fails with, if it fails: a delete whose disable landed with its answer lost is done. */
export function failureOf(op: MatrixOperation, c: FaultCase): string | undefined {
  return op === "delete" && c.landsAnyway === true ? undefined : c.failsWith;
}

/** The key's KMS calls in the faulted run, as "<operation> <answer>". */
export function expectedCalls(op: MatrixOperation, c: FaultCase): string[] {
  const plan = PLANS[op];
  const answers = c.attempts.map((a) => (a === "ok" ? "200" : a === "replay" ? plan.replay : a));
  const faulted = answers.map((a) => `${plan.faulted} ${a}`);
  return [
    ...plan.before.map((o) => `${o} 200`),
    ...faulted,
    ...(c.failsWith === undefined ? plan.after.map((o) => `${o} 200`) : []),
    ...(uncertainFailure(op, c) ? ["get-key-rotation-status 200"] : []),
  ];
}

/** The rotation KMS should hold right after the faulted run: [enabled, interval while on]. */
export function expectedKms(op: MatrixOperation, c: FaultCase): { enabled: boolean; intervalDays?: number } {
  const succeeded = c.failsWith === undefined || c.landsAnyway === true;
  switch (op) {
    case "create":
      return succeeded ? { enabled: true, intervalDays: c.failsWith === undefined ? 90 : 365 } : { enabled: false };
    case "update":
      return { enabled: true, intervalDays: succeeded ? 180 : 365 };
    case "delete":
      return succeeded ? { enabled: false } : { enabled: true, intervalDays: 90 };
    case "refresh":
      return { enabled: true, intervalDays: 200 };
  }
}

export interface CaseResult {
  keyId: string;
  /** The key's calls in the faulted run, "<operation> <answer>", in arrival order. */
  calls: string[];
  /** The `sequence` of each attempt of the faulted call. */
  sequences: (string | undefined)[];
  /** Error diagnostics the engine reported for this resource in the faulted run. */
  errors: string[];
  /** The key in KMS right after the faulted run. */
  kmsAfter: AdminKey;
  /** The state's record right after the faulted run (undefined: not in the state). */
  recordedAfter?: RecordedRotation;
  /** The same after the clean refresh that follows. */
  kmsFinal: AdminKey;
  recordedFinal?: RecordedRotation;
  /** Milliseconds between the first two attempts' arrival at KMS. */
  firstRetryGapMs?: number;
  /** Mutating calls of the fault-free run that follows (up, or destroy for delete). */
  convergeMutations: string[];
  /** The key in KMS and in the state after that run. */
  kmsConverged: AdminKey;
  recordedConverged?: RecordedRotation;
}

export interface MatrixRun {
  op: MatrixOperation;
  outcome: RunOutcome;
  /** Every diagnostic the faulted run printed. */
  diagnostics: string[];
  /** The clean refresh after the faulted run. */
  refresh: RunOutcome;
  /** Mutating calls the clean refresh made (must be none). */
  refreshMutations: string[];
  /** The fault-free run after the refresh: up (destroy for delete). */
  converge: RunOutcome;
  cases: Map<string, CaseResult>;
  stack: Stack;
  dispose(): Promise<void>;
}

const OPERATION_PREFIX: Readonly<Record<MatrixOperation, string>> = {
  create: "c0ea7e00",
  update: "0bda7e00",
  delete: "de1e7e00",
  refresh: "ef1e5400",
};

function byKey(log: RequestLogEntry[]): Map<string, RequestLogEntry[]> {
  const out = new Map<string, RequestLogEntry[]>();
  for (const r of log) {
    const list = out.get(r.keyId ?? "?") ?? [];
    list.push(r);
    out.set(r.keyId ?? "?", list);
  }
  return out;
}

/**
 * Runs operation `op` once for all {@link FAULT_CASES} against the testbed, each case on its own
 * key with its fault scoped to that key; then a clean refresh, then a fault-free up (destroy for
 * delete); collects what each case needs.
 */
export async function runMatrix(
  bed: KmsTestbed,
  op: MatrixOperation,
  options: { vehicle?: Vehicle; cases?: readonly FaultCase[] } = {},
): Promise<MatrixRun> {
  const vehicle = options.vehicle ?? "dynamic";
  const faultCases = options.cases ?? FAULT_CASES;
  const { KeyRotation } = vehicle === "dynamic" ? loadSdk() : loadPluginSdk();
  const plan = PLANS[op];
  const keys = faultCases.map((c, i) => ({ c, keyId: keyIdFor(OPERATION_PREFIX[op], i) }));
  for (const { keyId } of keys) await bed.admin.putKey(keyId);

  let desired: { enabled: boolean; intervalDays: number } =
    op === "update" ? { enabled: false, intervalDays: 90 } : { enabled: true, intervalDays: 90 };
  const program: PulumiFn = () => {
    for (const { c, keyId } of keys) new KeyRotation(c.id, { keyId, ...desired });
    return Promise.resolve({});
  };
  const stack = await stackWithEnv(
    bed,
    `matrix-${vehicle}-${op}`,
    program,
    { HW_MAX_RETRIES: String(MAX_RETRIES), HW_KMS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
    vehicle,
  );
  const parallel = keys.length + 1;

  // Arrange: bring every key to the starting point of the operation, without faults.
  if (op !== "create") await stack.up({ parallel });
  if (op === "update") desired = { enabled: true, intervalDays: 180 };
  if (op === "refresh") for (const { keyId } of keys) await bed.admin.putKey(keyId, { rotationInterval: 200 });
  await bed.admin.clearRequests();
  for (const { c, keyId } of keys) await bed.admin.addFault({ ...c.rule, operation: plan.faulted, keyId });

  // Act: the faulted run.
  const diag = errorDiagnostics();
  const onEvent = diag.onEvent;
  const run =
    op === "create" || op === "update"
      ? stack.up({ parallel, continueOnError: true, onEvent })
      : op === "delete"
        ? stack.destroy({ parallel, continueOnError: true, onEvent })
        : stack.refresh({ parallel, onEvent });
  const outcome = await outcomeOf(run);
  const dropped = faultCases.reduce((n, c) => n + c.dropped, 0);
  const log = byKey(await settledRequests(bed.admin, dropped));
  const recordedAfter = await recordedRotations(stack, vehicle);
  const kmsAfter = new Map<string, AdminKey>();
  for (const { keyId } of keys) {
    const key = await bed.admin.getKey(keyId);
    if (key) kmsAfter.set(keyId, key);
  }

  // Then: a clean refresh must leave the state equal to KMS, without changing anything.
  await bed.admin.clearFaults();
  await bed.admin.clearRequests();
  const refresh = await outcomeOf(stack.refresh({ parallel }));
  const refreshMutations = (await bed.admin.requests())
    .filter((r) => isMutating(r.operation))
    .map((r) => `${r.operation} ${r.keyId ?? "?"}`);
  const recordedFinal = await recordedRotations(stack, vehicle);
  const kmsFinal = new Map<string, AdminKey>();
  for (const { keyId } of keys) {
    const key = await bed.admin.getKey(keyId);
    if (key) kmsFinal.set(keyId, key);
  }

  // Finally: the next fault-free run converges with only the calls still needed.
  await bed.admin.clearRequests();
  const converge = await outcomeOf(op === "delete" ? stack.destroy({ parallel }) : stack.up({ parallel }));
  const convergeLog = byKey(await bed.admin.requests());
  const recordedConverged = await recordedRotations(stack, vehicle);

  const cases = new Map<string, CaseResult>();
  for (const { c, keyId } of keys) {
    const entries = log.get(keyId) ?? [];
    const after = kmsAfter.get(keyId);
    const final = kmsFinal.get(keyId);
    const converged = await bed.admin.getKey(keyId);
    if (!after || !final || !converged) throw new Error(`key ${keyId} vanished from the emulator`);
    const faultedAttempts = entries.filter((r) => r.operation === plan.faulted);
    const [first, second] = faultedAttempts;
    const result: CaseResult = {
      keyId,
      calls: entries.map((r) => `${r.operation} ${answerOf(r)}`),
      sequences: faultedAttempts.map(sequenceOf),
      errors: diag.byResource.get(c.id) ?? [],
      kmsAfter: after,
      kmsFinal: final,
      convergeMutations: (convergeLog.get(keyId) ?? [])
        .filter((r) => isMutating(r.operation))
        .map((r) => `${r.operation} ${String(r.status)}`),
      kmsConverged: converged,
    };
    if (first && second) result.firstRetryGapMs = Date.parse(second.at) - Date.parse(first.at);
    const ra = recordedAfter.get(keyId);
    if (ra) result.recordedAfter = ra;
    const rf = recordedFinal.get(keyId);
    if (rf) result.recordedFinal = rf;
    const rc = recordedConverged.get(keyId);
    if (rc) result.recordedConverged = rc;
    cases.set(c.id, result);
  }

  return {
    op,
    outcome,
    diagnostics: diag.all,
    refresh,
    refreshMutations,
    converge,
    cases,
    stack,
    dispose: async () => {
      await bed.admin.clearFaults();
      if (op !== "delete") await stack.destroy({ parallel });
    },
  };
}

/** The fewest mutating calls from KMS's rotation to the program's (an enable resets the interval to 365). */
export function minimumMutations(from: AdminKey, to: { enabled: boolean; intervalDays: number }): number {
  if (!to.enabled) return from.rotationEnabled ? 1 : 0;
  const intervalAfterSwitch = from.rotationEnabled ? from.rotationInterval : 365;
  return (from.rotationEnabled ? 0 : 1) + (intervalAfterSwitch === to.intervalDays ? 0 : 1);
}

/** What the program asks for at the end of each operation's scenario (delete: nothing, all off). */
export const FINAL_PROGRAM: Readonly<Record<MatrixOperation, { enabled: boolean; intervalDays: number }>> = {
  create: { enabled: true, intervalDays: 90 },
  update: { enabled: true, intervalDays: 180 },
  delete: { enabled: false, intervalDays: 90 },
  refresh: { enabled: true, intervalDays: 90 },
};

/** Every check of one cell of the matrix; see the issue: outcome, calls, no double apply, state = KMS. */
export function assertCase(run: MatrixRun, c: FaultCase): void {
  const r = run.cases.get(c.id);
  if (!r) throw new Error(`no result for ${c.id}`);
  const where = `${run.op} × ${c.id}`;

  // The calls KMS saw: the faulted call's attempts and nothing else twice.
  const expected = expectedCalls(run.op, c);
  if (c.ordered) expect(r.calls, `${where}: calls`).toEqual(expected);
  else expect([...r.calls].sort(), `${where}: calls`).toEqual([...expected].sort());
  // Retries are the same request (one `sequence`), not new ones.
  expect(r.sequences.length, `${where}: attempts`).toBe(c.attempts.length);
  expect(new Set(r.sequences).size, `${where}: one sequence across attempts`).toBe(1);
  expect(r.sequences[0], `${where}: sequence sent`).toMatch(/^[0-9a-f-]{36}$/);
  // The table's "replay" answers (KMS.2901/KMS.0313) are KMS refusing to apply the change a
  // second time: with the calls above equal to the table, every enable/disable landed exactly once.

  // The outcome the user sees.
  const failsWith = failureOf(run.op, c);
  if (failsWith === undefined) {
    expect(r.errors, `${where}: no error`).toEqual([]);
  } else {
    expect(r.errors, `${where}: one error for the resource`).toHaveLength(1);
    // The engine lists a partial failure's reasons as "1 error occurred:\n\t* <reason>".
    const text = r.errors.join("\n").trim().replace(/^1 error occurred:\s*\* /, "");
    expect(text, `${where}: one line`).not.toContain("\n");
    expect(text, `${where}: the error names the code`).toContain(failsWith);
    expect(text, `${where}: the error says how often it tried`).toContain(`after ${ATTEMPTS} attempts`);
    expect(text, `${where}: the error names the key`).toContain(r.keyId);
    expect(text, `${where}: no stack trace`).not.toMatch(STACK_FRAME);
  }

  // KMS right after the run.
  const kms = expectedKms(run.op, c);
  expect(r.kmsAfter.rotationEnabled, `${where}: KMS rotation on`).toBe(kms.enabled);
  if (kms.intervalDays !== undefined) expect(r.kmsAfter.rotationInterval, `${where}: KMS interval`).toBe(kms.intervalDays);

  // The state right after the run: what KMS holds, or (refresh) what was read last.
  const failed = failsWith !== undefined;
  // A create whose enable landed with its answer lost is recorded as KMS holds it (a partial failure).
  const present = run.op === "create" ? !failed || c.landsAnyway === true : run.op === "delete" ? failed : true;
  expect(r.recordedAfter !== undefined, `${where}: in the state after the run`).toBe(present);
  if (r.recordedAfter && run.op === "refresh") {
    expect(r.recordedAfter.outputs.intervalDays, `${where}: interval recorded by the faulted refresh`).toBe(failed ? 90 : 200);
  } else if (r.recordedAfter) {
    const cmp = agreesWithKms(r.recordedAfter.outputs, r.kmsAfter);
    expect(cmp.recorded, `${where}: state agrees with KMS after the run`).toEqual(cmp.kms);
  }

  // Retry-After is honoured: the retry waits at least the second it asked for.
  if (c.id === "429-retry-after") expect(r.firstRetryGapMs, `${where}: wait before the retry`).toBeGreaterThanOrEqual(1_000);

  // After a clean refresh the state equals KMS, whatever happened before.
  expect(r.recordedFinal !== undefined, `${where}: in the state after refresh`).toBe(present);
  if (r.recordedFinal) {
    const cmp = agreesWithKms(r.recordedFinal.outputs, r.kmsFinal);
    expect(cmp.recorded, `${where}: state equals KMS after refresh`).toEqual(cmp.kms);
  }
}

/** The fault-free run after the refresh converges with the fewest calls: nothing was lost. */
export function assertConverged(run: MatrixRun, c: FaultCase): void {
  const r = run.cases.get(c.id);
  if (!r) throw new Error(`no result for ${c.id}`);
  const where = `${run.op} × ${c.id}`;
  const program = FINAL_PROGRAM[run.op];
  expect(r.kmsConverged.rotationEnabled, `${where}: KMS rotation as the program says`).toBe(program.enabled);
  if (program.enabled) expect(r.kmsConverged.rotationInterval, `${where}: KMS interval as the program says`).toBe(program.intervalDays);
  expect(r.convergeMutations.every((m) => m.endsWith(" 200")), `${where}: ${r.convergeMutations.join(", ")}`).toBe(true);
  expect(r.convergeMutations.length, `${where}: mutating calls of the next run`).toBe(minimumMutations(r.kmsFinal, program));
  if (run.op === "delete") {
    expect(r.recordedConverged, `${where}: gone from the state`).toBeUndefined();
  } else {
    expect(r.recordedConverged, `${where}: in the state`).toBeDefined();
    const cmp = agreesWithKms(r.recordedConverged?.outputs ?? {}, r.kmsConverged);
    expect(cmp.recorded, `${where}: state equals KMS`).toEqual(cmp.kms);
  }
}
