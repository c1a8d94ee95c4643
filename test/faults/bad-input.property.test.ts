// Bad input, property-based: arbitrary inputs are normalized or refused with a failure naming the
// property, never throw and never reach KMS; and for arbitrary live/desired rotations the planned
// calls take the REAL emulator (over HTTP, through KmsClient) to the desired state with the fewest
// mutating calls, also while the network drops and KMS fails at random.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { check, setClientForTesting } from "../../provider/adapters/dynamic/runtime.js";
import { KmsClient } from "../../provider/kms/kms-client.js";
import { KmsApiError } from "../../provider/kms/kms-api-error.js";
import { createKeyRotation, sendRotationCall, updateKeyRotation } from "../../provider/resources/key-rotation/lifecycle.js";
import { checkKeyRotationInputs, type KeyRotationInputs } from "../../provider/resources/key-rotation/schemas.js";
import { planRotationCalls, type RotationSetting } from "../../provider/resources/key-rotation/plan.js";
import { startEmulator, emulatorAdmin, type EmulatorAdmin, type RequestLogEntry, type RunningEmulator } from "../../emulator/index.js";
import { TEST_ACCESS_KEY, TEST_PROJECT_ID, TEST_SECRET_KEY, loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { MUTATING_OPERATIONS, STACK_FRAME, errorDiagnostics, isMutating, keyIdFor, outcomeOf, sequenceOf } from "./fault-support.js";

/** The engine's marker for a value unknown during preview (see the dynamic runtime). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const VALID_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const PROPERTIES = ["keyId", "enabled", "intervalDays", "adopt"] as const;
type Property = (typeof PROPERTIES)[number];

/**
 * An independent statement of the input rules (docs/key-rotation.md / docs/kms-api.md), to judge check() against:
 * the normalized value, "omit" (no value recorded), or "bad".
 */
function oracle(property: Property, value: unknown): { value: unknown } | "omit" | "bad" {
  if (value === UNKNOWN) return { value };
  const text = typeof value === "string" ? value.trim() : undefined;
  switch (property) {
    case "keyId":
      return typeof value === "string" && /^[0-9a-z]{8}(-[0-9a-z]{4}){3}-[0-9a-z]{12}$/.test(value) ? { value } : "bad";
    case "enabled":
      if (value === undefined || value === null) return { value: true };
      if (typeof value === "boolean") return { value };
      if (text !== undefined && ["true", "false"].includes(text.toLowerCase())) return { value: text.toLowerCase() === "true" };
      return "bad";
    case "intervalDays": {
      if (value === undefined || value === null) return { value: 365 };
      const n = typeof value === "number" ? value : text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
      return Number.isInteger(n) && n >= 30 && n <= 365 ? { value: n } : "bad";
    }
    case "adopt":
      if (value === undefined || value === null || value === false) return "omit";
      return value === true ? { value: true } : "bad";
  }
}

/** Values a program (or YAML, or stack config) might hand over, weighted towards the edges. */
function valueFor(property: Property): fc.Arbitrary<unknown> {
  const near: Record<Property, fc.Arbitrary<unknown>> = {
    keyId: fc.oneof(
      fc.constant(VALID_KEY),
      fc.constant(VALID_KEY.toUpperCase()),
      fc.constant(` ${VALID_KEY} `),
      fc.constant(VALID_KEY.slice(1)),
      fc.constant(`alias/${VALID_KEY}`),
      fc.stringMatching(/^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/),
      fc.stringMatching(/^[0-9a-zA-Z_-]{30,40}$/),
    ),
    enabled: fc.constantFrom(true, false, "true", "FALSE", " True ", "yes", "1", 1, 0, ""),
    intervalDays: fc.oneof(
      fc.integer({ min: 0, max: 400 }),
      fc.constantFrom(29, 30, 365, 366, 29.5, 90.0001, -30, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
      fc.integer({ min: 0, max: 400 }).map((n) => ` ${n} `),
      fc.constantFrom("90", "0090", "1e2", "90d", "ninety", "", " "),
    ),
    adopt: fc.constantFrom(true, false, "true", 1),
  };
  return fc.oneof(
    { arbitrary: near[property], weight: 4 },
    { arbitrary: fc.anything(), weight: 2 },
    { arbitrary: fc.constantFrom(undefined, null, UNKNOWN), weight: 1 },
  );
}

const rawInputs = fc.record(
  { keyId: valueFor("keyId"), enabled: valueFor("enabled"), intervalDays: valueFor("intervalDays"), adopt: valueFor("adopt") },
  { requiredKeys: [] },
);

/** A value the Pulumi SDK can send as an input (JSON-like: no functions, symbols, bigints, or class instances). */
function serializable(property: Property): fc.Arbitrary<unknown> {
  const json = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof({ arbitrary: valueFor(property).filter((v) => v !== UNKNOWN && isJsonLike(v)), weight: 3 }, { arbitrary: json, weight: 1 });
}

function isJsonLike(v: unknown): boolean {
  if (v === undefined || v === null || ["string", "number", "boolean"].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isJsonLike);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(isJsonLike);
  return false;
}

describe("check: arbitrary inputs", () => {
  let emulator: RunningEmulator;
  let admin: EmulatorAdmin;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }] });
    admin = emulatorAdmin(emulator.url);
    // check() must never call KMS: give the runtime a real client, and look at KMS's log after.
    setClientForTesting(
      new KmsClient({
        endpoint: emulator.url,
        projectId: TEST_PROJECT_ID,
        credentials: { kind: "aksk", accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY },
        maxRetries: 0,
        requestTimeoutMs: 1_000,
        deadlineMs: 2_000,
        maxConcurrency: 4,
      }),
    );
  });
  afterAll(async () => {
    setClientForTesting(undefined);
    await emulator.close();
  });

  it("the provider's check normalizes exactly what the rules allow, names every bad property, never throws, never calls KMS", async () => {
    await fc.assert(
      fc.asyncProperty(rawInputs, async (raw) => {
        const news: Record<string, unknown> = { ...raw, __provider: "serialized-provider" };
        // A synchronous throw would fail the property as well as a rejected promise.
        const result = await check({}, news);
        const failures = result.failures ?? [];
        const inputs = (result.inputs ?? {}) as Record<string, unknown>;
        const failed = new Set(failures.map((f) => f.property));
        for (const p of PROPERTIES) {
          const expected = oracle(p, raw[p]);
          expect(failed.has(p), `${p}=${fc.stringify(raw[p])} refused`).toBe(expected === "bad");
          if (expected === "omit" || expected === "bad") expect(inputs).not.toHaveProperty(p);
          else expect(inputs[p], `${p} normalized`).toEqual(expected.value);
        }
        for (const f of failures) {
          expect(f.reason.startsWith(f.property), `failure names its property: ${f.reason}`).toBe(true);
          expect(f.reason).not.toMatch(STACK_FRAME);
        }
        expect(inputs.__provider).toBe("serialized-provider");
        // Normalizing is idempotent: what check returns passes check unchanged.
        if (failures.length === 0) {
          const again = checkKeyRotationInputs(inputs, { isUnknown: (v) => v === UNKNOWN });
          expect(again.failures).toEqual([]);
          expect({ ...again.inputs, __provider: "serialized-provider" }).toEqual(inputs);
        }
      }),
      { numRuns: 3_000 },
    );
    expect(await admin.requests()).toEqual([]);
  });
});

describe("the call planner against the real emulator", () => {
  let emulator: RunningEmulator;
  let admin: EmulatorAdmin;
  let client: KmsClient;
  let flakyClient: KmsClient;
  let n = 0;
  const nextKey = (): string => keyIdFor("91a00000", n++);

  const config = {
    projectId: TEST_PROJECT_ID,
    credentials: { kind: "aksk" as const, accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY },
    requestTimeoutMs: 2_000,
    deadlineMs: 20_000,
    maxConcurrency: 4,
  };

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }],
      randomSeed: 20_261_123,
    });
    admin = emulatorAdmin(emulator.url);
    client = new KmsClient({ ...config, endpoint: emulator.url, maxRetries: 0 });
    // Many quick retries: the faults below are transient by construction (probability < 1).
    flakyClient = new KmsClient({ ...config, endpoint: emulator.url, maxRetries: 12 }, { backoff: { baseDelayMs: 2, maxDelayMs: 10 } });
  });
  beforeEach(async () => {
    await admin.reset();
  });
  afterAll(async () => {
    await emulator.close();
  });

  /** Live rotations, including intervals the real service cannot produce (drift set by hand). */
  const live = fc.record({
    enabled: fc.boolean(),
    intervalDays: fc.oneof(fc.integer({ min: 30, max: 365 }), fc.constantFrom(30, 90, 365), fc.integer({ min: 0, max: 1000 })),
  });
  const desired = fc.record({ enabled: fc.boolean(), intervalDays: fc.oneof(fc.integer({ min: 30, max: 365 }), fc.constantFrom(30, 90, 365)) });

  /** The fewest mutating calls, from the service's rules: a switch costs one, enabling resets to 365. */
  function minimum(from: RotationSetting, to: RotationSetting): number {
    if (!to.enabled) return from.enabled ? 1 : 0;
    return (from.enabled ? 0 : 1) + ((from.enabled ? from.intervalDays : 365) === to.intervalDays ? 0 : 1);
  }

  async function arrange(from: RotationSetting): Promise<string> {
    const keyId = nextKey();
    await admin.putKey(keyId, { rotationEnabled: from.enabled, rotationInterval: from.intervalDays });
    await admin.clearRequests();
    return keyId;
  }

  async function expectReached(keyId: string, to: RotationSetting): Promise<void> {
    const key = await admin.getKey(keyId);
    expect(key?.rotationEnabled).toBe(to.enabled);
    if (to.enabled) expect(key?.rotationInterval).toBe(to.intervalDays);
  }

  const mutations = (log: RequestLogEntry[]): RequestLogEntry[] => log.filter((r) => isMutating(r.operation));

  it("planned calls reach any desired rotation from any live one with exactly the minimum of mutating requests", async () => {
    await fc.assert(
      fc.asyncProperty(live, desired, async (from, to) => {
        const keyId = await arrange(from);
        for (const call of planRotationCalls(from, to)) await sendRotationCall(client, keyId, call);
        await expectReached(keyId, to);
        const log = await admin.requests();
        expect(log.every((r) => r.status === 200), JSON.stringify(log)).toBe(true);
        expect(mutations(log)).toHaveLength(minimum(from, to));
        expect(log).toHaveLength(mutations(log).length);
      }),
      { numRuns: 300 },
    );
  });

  it("create (one read, then the plan) and update (the plan from the recorded state, no read) do the same over HTTP", async () => {
    await fc.assert(
      fc.asyncProperty(live, desired, fc.boolean(), async (from, to, viaUpdate) => {
        const keyId = await arrange(from);
        const inputs: KeyRotationInputs = { keyId, ...to };
        if (viaUpdate) {
          await updateKeyRotation(client, { keyId, ...from, numberOfRotations: 0 }, inputs);
        } else {
          await createKeyRotation(client, inputs);
        }
        await expectReached(keyId, to);
        const log = await admin.requests();
        expect(mutations(log)).toHaveLength(minimum(from, to));
        expect(log.filter((r) => r.operation === "get-key-rotation-status")).toHaveLength(viaUpdate ? 0 : 1);
      }),
      { numRuns: 200 },
    );
  });

  it("with random throttling, 5xx, resets before and after apply: the same end state, one sequence per planned call, no failure", async () => {
    const kinds = [
      { kind: "status", status: 429, retryAfter: 0, probability: 0.15 },
      { kind: "status", status: 503, probability: 0.1 },
      { kind: "status", status: 500, afterApply: true, probability: 0.1 },
      { kind: "reset-before", probability: 0.1 },
      { kind: "reset-after", probability: 0.15 },
    ] as const;
    await fc.assert(
      fc.asyncProperty(live, desired, async (from, to) => {
        const keyId = await arrange(from);
        await admin.clearFaults();
        for (const rule of kinds) for (const operation of MUTATING_OPERATIONS) await admin.addFault({ ...rule, operation, keyId });
        try {
          for (const call of planRotationCalls(from, to)) await sendRotationCall(flakyClient, keyId, call);
        } catch (e) {
          throw new Error(`a transient fault surfaced: ${KmsApiError.isInstance(e) ? e.message : String(e)}`, { cause: e });
        }
        await expectReached(keyId, to);
        const sent = mutations(await admin.requests());
        // Retries resend the same call (same sequence); the distinct calls are the minimum.
        expect(new Set(sent.map(sequenceOf)).size).toBe(minimum(from, to));
        expect(sent.every((r) => sequenceOf(r) !== undefined)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("check through the real CLI: a sample of arbitrary inputs", () => {
  let bed: KmsTestbed;
  const { KeyRotation } = loadSdk();

  // A fixed seed: the same sample on every run, so a failure can be replayed.
  const sample = fc.sample(
    fc.record({ keyId: serializable("keyId"), enabled: serializable("enabled"), intervalDays: serializable("intervalDays") }, { requiredKeys: [] }),
    { seed: 4_242, numRuns: 200 },
  );
  const judged = sample.map((raw) => ({
    raw,
    bad: (["keyId", "enabled", "intervalDays"] as const).filter((p) => oracle(p, raw[p]) === "bad"),
  }));
  const valid = judged.filter((j) => j.bad.length === 0).slice(0, 8);
  // The engine stops a preview at the first refused resource, so each refusal gets its own run: one
  // sample per property refused alone, then two refused on several properties at once.
  const invalid = [
    ...(["keyId", "enabled", "intervalDays"] as const).flatMap((p) => judged.find((j) => j.bad.length === 1 && j.bad[0] === p) ?? []),
    ...judged.filter((j) => j.bad.length > 1).slice(0, 2),
  ];

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  function programOf(cases: typeof judged) {
    return () => {
      cases.forEach((c, i) => {
        new KeyRotation(`r${i}`, c.raw as ConstructorParameters<typeof KeyRotation>[1]);
      });
      return Promise.resolve({});
    };
  }

  it("the sample holds both inputs to normalize and inputs to refuse", () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid).toHaveLength(5);
  });

  it("a preview of inputs that normalize plans their creation with the normalized values, reading each key once and writing nothing", async () => {
    // A preview checks that each key about to be created exists and can rotate.
    for (const c of valid) await bed.admin.putKey(c.raw.keyId as string);
    await bed.admin.clearRequests();
    const stack = await bed.stack("sample-valid", programOf(valid));
    const planned = new Map<string, Record<string, unknown>>();
    const onEvent = (e: EngineEvent): void => {
      const meta = e.resourcePreEvent?.metadata;
      if (meta?.op === "create" && meta.new) planned.set(meta.urn.split("::").pop() ?? "", meta.new.inputs as Record<string, unknown>);
    };
    const preview = await stack.preview({ onEvent });
    expect(preview.changeSummary.create).toBe(valid.length + 1);
    valid.forEach((c, i) => {
      const inputs = planned.get(`r${i}`);
      for (const p of ["keyId", "enabled", "intervalDays"] as const) {
        const expected = oracle(p, c.raw[p]);
        if (typeof expected === "object") expect(inputs?.[p], `r${i}.${p} from ${JSON.stringify(c.raw[p])}`).toEqual(expected.value);
      }
    });
    const requests = await bed.admin.requests();
    expect(requests.map((r) => r.operation)).toEqual(valid.map(() => "describe-key"));
    expect(new Set(requests.map((r) => r.keyId))).toEqual(new Set(valid.map((c) => c.raw.keyId)));
    await bed.admin.clearRequests();
  });

  it.each(invalid.map((c, i) => [i, c.bad.join("+"), c] as const))(
    "preview #%i (bad: %s) fails naming each bad property, without a stack trace, with zero KMS calls",
    async (i, _bad, c) => {
      await bed.admin.clearRequests();
      const stack = await bed.stack(`sample-invalid-${i}`, programOf([c]));
      const diag = errorDiagnostics();
      const outcome = await outcomeOf(stack.preview({ onEvent: diag.onEvent }));
      expect(outcome.ok).toBe(false);
      const text = (diag.byResource.get("r0") ?? []).join("\n");
      for (const p of c.bad) expect(text).toMatch(new RegExp(`property ${p} value .* has a problem: ${p} `));
      for (const p of (["keyId", "enabled", "intervalDays"] as const).filter((q) => !c.bad.includes(q))) {
        expect(text).not.toContain(`property ${p} `);
      }
      expect(outcome.error).not.toMatch(STACK_FRAME);
      expect(await bed.admin.requests()).toEqual([]);
    },
  );
});
