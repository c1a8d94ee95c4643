// Figure 1: KMS API calls per operation against the minimum a perfect provider needs. One stack
// goes through the life the lifecycle suite tests, on N keys per group; the emulator's request
// log is read and cleared after every step, so each row counts exactly that step's calls.
import type { Stack } from "@pulumi/pulumi/automation";
import {
  assertSucceeded,
  countCalls,
  keyIds,
  progress,
  rotationProgram,
  round,
  startBed,
  type BenchContext,
  type CallCounts,
  type RotationSpec,
  type Vehicle,
} from "./common.js";
import { CLAIM_TAG_KEY } from "../provider/resources/key-rotation/claim.js";

export interface ApiCallRow {
  operation: string;
  /** Resources the step acts on: the divisor of every per-resource figure. */
  resources: number;
  /** The engine's summary of the step, e.g. { create: 20, same: 40 }. */
  engineChanges: Record<string, number>;
  calls: CallCounts;
  /** Per resource. */
  reads: number;
  mutating: number;
  total: number;
  /** What a perfect provider needs per resource, and why. */
  minMutating: number;
  minTotal: number;
  minimumNote: string;
  /** actual / minimum; 1 when both are 0, null (infinite) when only the minimum is 0. */
  mutatingRatio: number | null;
  totalRatio: number | null;
  target: string;
  pass: boolean;
}

export interface ApiCallsResult {
  keysPerGroup: number;
  definition: string;
  rows: ApiCallRow[];
}

function ratio(actual: number, minimum: number): number | null {
  if (minimum === 0) return actual === 0 ? 1 : null;
  return round(actual / minimum, 3);
}

interface Expectation {
  minMutating: number;
  minTotal: number;
  minimumNote: string;
  /** Extra target beyond "mutating = minimum", which every row has. */
  target?: "zero-calls" | "one-read" | "all-at-min";
}

/** The state a perfect provider can know without asking, and what it must therefore ask. */
export const MINIMUM_DEFINITION =
  "Minimum = what a provider with perfect planning needs. Mutating: the calls that take KMS from its live " +
  "setting to the desired one (enable resets the interval to 365, so enable + a non-365 interval is 2). " +
  "Reads: on create the provider knows nothing about the key, and its outputs (numberOfRotations, " +
  "lastRotationTime) exist only in KMS, so one read per created resource is part of the minimum; a blind " +
  "enable would also fail with KMS.2901 on a key already rotating. Update and delete plan from the recorded " +
  "state (no read); refresh is one read per resource by definition; a no-op up and a preview of unchanged " +
  "resources need nothing. A preview of a create reads the key once (describe-key: exists, enabled, rotatable) " +
  "so that it fails where up would; up itself never repeats that read. With claims on (the claimKeys setting), " +
  "a create also reads the key's tags before any write and writes its claim after (one tag read, one tag write), " +
  "a preview of a create reads the tags too, a refresh reads them once, and a delete removes the claim (one tag write).";

/**
 * Runs the steps on three groups of `n` keys: F fresh (rotation off) wanting interval 90, D fresh
 * wanting the defaults, M already rotating every 90 days (a matching key).
 */
export async function measureApiCalls(ctx: BenchContext, n: number, vehicle: Vehicle = "dynamic"): Promise<ApiCallsResult> {
  const fresh90 = keyIds(1, n);
  const freshDefault = keyIds(2, n);
  const matching = keyIds(3, n);
  const seed = {
    keys: [
      ...fresh90.map((keyId) => ({ keyId })),
      ...freshDefault.map((keyId) => ({ keyId })),
      ...matching.map((keyId) => ({ keyId, rotationEnabled: true, rotationInterval: 90 })),
    ],
  };
  const bed = await startBed(ctx, { seed }, {}, vehicle);
  const rows: ApiCallRow[] = [];
  // The program declares whatever `specs` holds when the engine runs it.
  let specs: RotationSpec[] = [];
  try {
    const stack = await bed.stack("api-calls", rotationProgram(() => specs, vehicle));
    await bed.bed.admin.clearRequests();

    const step = async (
      operation: string,
      resources: number,
      expect: Expectation,
      run: (s: Stack) => Promise<Record<string, number>>,
    ): Promise<void> => {
      progress(ctx, `api calls (${vehicle}): ${operation}`);
      const engineChanges = await run(stack);
      const log = await bed.bed.admin.requests();
      await bed.bed.admin.clearRequests();
      const calls = countCalls(log);
      const per = (x: number): number => round(x / resources, 3);
      const row: ApiCallRow = {
        operation,
        resources,
        engineChanges,
        calls,
        reads: per(calls.reads),
        mutating: per(calls.mutating),
        total: per(calls.total),
        ...expect,
        mutatingRatio: ratio(calls.mutating / resources, expect.minMutating),
        totalRatio: ratio(calls.total / resources, expect.minTotal),
        target: "",
        pass: false,
      };
      const mutatingOk = row.mutating === expect.minMutating && calls.throttled === 0 && calls.failed === 0;
      switch (expect.target) {
        case "zero-calls":
          row.target = "0 calls";
          row.pass = mutatingOk && calls.total === 0;
          break;
        case "all-at-min":
          row.target = "reads and mutating = min";
          row.pass = mutatingOk && row.total === expect.minTotal;
          break;
        case "one-read":
          row.target = "1 read/key, mutating = min";
          row.pass = mutatingOk && row.reads === 1;
          break;
        case undefined:
          row.target = "mutating = min";
          row.pass = mutatingOk;
      }
      rows.push(row);
    };

    // A row only means something if KMS ended where the program said.
    const expectKeys = async (ids: readonly string[], rotationEnabled: boolean, rotationInterval?: number): Promise<void> => {
      const byId = new Map((await bed.bed.admin.listKeys()).map((k) => [k.keyId, k]));
      const wrong = ids.filter((id) => {
        const key = byId.get(id);
        return key?.rotationEnabled !== rotationEnabled || (rotationInterval !== undefined && key.rotationInterval !== rotationInterval);
      });
      if (wrong.length > 0) {
        throw new Error(`api calls: ${wrong.length} keys not ${rotationEnabled ? `rotating every ${rotationInterval ?? "?"} days` : "off"}`);
      }
    };

    // A claims row only means something if every key carries exactly the claim expected.
    const expectClaims = async (ids: readonly string[], owner: string | undefined): Promise<void> => {
      const byId = new Map((await bed.bed.admin.listKeys()).map((k) => [k.keyId, k]));
      const wrong = ids.filter((id) => byId.get(id)?.tags.find((t) => t.key === CLAIM_TAG_KEY)?.value !== owner);
      if (wrong.length > 0) throw new Error(`api calls: ${wrong.length} keys not claimed by ${owner ?? "nobody"}`);
    };

    const up = async (s: Stack): Promise<Record<string, number>> => {
      const result = await s.up();
      assertSucceeded("api calls", result);
      return result.summary.resourceChanges ?? {};
    };

    specs = fresh90.map((keyId) => ({ keyId, intervalDays: 90 }));
    await step(
      "preview of creates",
      n,
      { minMutating: 0, minTotal: 1, minimumNote: "one describe-key (exists, enabled, rotatable)", target: "one-read" },
      async (s) => (await s.preview()).changeSummary,
    );
    await step(
      "create, fresh key (interval 90)",
      n,
      { minMutating: 2, minTotal: 3, minimumNote: "read + enable + interval" },
      up,
    );
    await expectKeys(fresh90, true, 90);
    specs = [...specs, ...freshDefault.map((keyId) => ({ keyId }))];
    await step("create, fresh key (defaults)", n, { minMutating: 1, minTotal: 2, minimumNote: "read + enable" }, up);
    await expectKeys(freshDefault, true, 365);
    specs = [...specs, ...matching.map((keyId) => ({ keyId, intervalDays: 90 }))];
    await step("create, matching key", n, { minMutating: 0, minTotal: 1, minimumNote: "read only" }, up);
    await expectKeys(matching, true, 90);

    const all = specs.length;
    await step("no-op up", all, { minMutating: 0, minTotal: 0, minimumNote: "nothing", target: "zero-calls" }, up);
    await step("preview, nothing to change", all, { minMutating: 0, minTotal: 0, minimumNote: "nothing", target: "zero-calls" }, async (s) => {
      const result = await s.preview();
      return result.changeSummary;
    });
    await step("refresh", all, { minMutating: 0, minTotal: 1, minimumNote: "one read", target: "one-read" }, async (s) => {
      const result = await s.refresh();
      assertSucceeded("refresh", result);
      return result.summary.resourceChanges ?? {};
    });

    const setFresh90 = (change: (spec: RotationSpec) => RotationSpec): void => {
      const ids = new Set(fresh90);
      specs = specs.map((spec) => (ids.has(spec.keyId) ? change(spec) : spec));
    };
    setFresh90((s) => ({ ...s, intervalDays: 30 }));
    await step("interval change (90 → 30)", n, { minMutating: 1, minTotal: 1, minimumNote: "one update" }, up);
    await expectKeys(fresh90, true, 30);
    setFresh90((s) => ({ ...s, enabled: false }));
    await step("toggle off", n, { minMutating: 1, minTotal: 1, minimumNote: "one disable" }, up);
    await expectKeys(fresh90, false);
    setFresh90((s) => ({ ...s, enabled: true }));
    await step("toggle on (interval 30)", n, { minMutating: 2, minTotal: 2, minimumNote: "enable + interval" }, up);
    await expectKeys(fresh90, true, 30);

    await step("destroy (rotation on)", all, { minMutating: 1, minTotal: 1, minimumNote: "one disable" }, async (s) => {
      const result = await s.destroy();
      assertSucceeded("destroy", result);
      return result.summary.resourceChanges ?? {};
    });
    await expectKeys([...fresh90, ...freshDefault, ...matching], false);

    // The same life with claims on: each row costs exactly the tag calls the claim adds.
    await stack.setConfig("huaweicloud-kms:claimKeys", { value: "true" });
    specs = fresh90.map((keyId) => ({ keyId, intervalDays: 90 }));
    await step(
      "preview of creates, with claims",
      n,
      { minMutating: 0, minTotal: 2, minimumNote: "describe-key + tag read", target: "all-at-min" },
      async (s) => (await s.preview()).changeSummary,
    );
    await step(
      "create, fresh key (interval 90), with claims",
      n,
      { minMutating: 3, minTotal: 5, minimumNote: "tag read + read + enable + interval + tag write", target: "all-at-min" },
      up,
    );
    await expectKeys(fresh90, true, 90);
    await expectClaims(fresh90, "kms-bench/api-calls");
    await step("refresh, with claims", n, { minMutating: 0, minTotal: 2, minimumNote: "read + tag read", target: "all-at-min" }, async (s) => {
      const result = await s.refresh();
      assertSucceeded("refresh", result);
      return result.summary.resourceChanges ?? {};
    });
    await step("destroy, with claims", n, { minMutating: 2, minTotal: 2, minimumNote: "disable + tag write", target: "all-at-min" }, async (s) => {
      const result = await s.destroy();
      assertSucceeded("destroy", result);
      return result.summary.resourceChanges ?? {};
    });
    await expectKeys(fresh90, false);
    await expectClaims(fresh90, undefined);
    await stack.removeConfig("huaweicloud-kms:claimKeys");
  } finally {
    await bed.dispose();
  }
  return { keysPerGroup: n, definition: MINIMUM_DEFINITION, rows };
}
