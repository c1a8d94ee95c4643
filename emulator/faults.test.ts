import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaultInjector, faultRuleSchema, seededRandom } from "./faults.js";
import { emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "./index.js";
import { callKms, errorOf, send } from "./kms-test-client.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const KEY2 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

describe("FaultInjector", () => {
  it("matches on operation and key, fires `times` times, then retires the rule", () => {
    const f = new FaultInjector();
    f.add({ kind: "status", status: 500, operation: "enable-key-rotation", keyId: KEY, times: 2 });
    expect(f.decide("describe-key", KEY).action).toBeUndefined();
    expect(f.decide("enable-key-rotation", KEY2).action).toBeUndefined();
    expect(f.decide("enable-key-rotation", KEY).action?.kind).toBe("status");
    expect(f.list()).toEqual([expect.objectContaining({ hits: 1, remaining: 1 })]);
    expect(f.decide("enable-key-rotation", KEY).action?.kind).toBe("status");
    expect(f.decide("enable-key-rotation", KEY).action).toBeUndefined();
    expect(f.list()).toEqual([]);
  });

  it("matches on the project and region of a KMS call; IAM calls, which have neither, match only rules without them", () => {
    const f = new FaultInjector();
    f.add({ kind: "status", status: 403, projectId: "p1" });
    f.add({ kind: "reset-before", region: "eu-de" });
    expect(f.decide("list-keys", undefined, { projectId: "p1", region: "cn-north-4" }).action?.kind).toBe("status");
    expect(f.decide("list-keys", undefined, { projectId: "p2", region: "eu-de" }).action?.kind).toBe("reset-before");
    expect(f.decide("list-keys", undefined, { projectId: "p2", region: "cn-north-4" }).action).toBeUndefined();
    expect(f.decide("iam-list-projects", undefined).action).toBeUndefined();
    expect(faultRuleSchema.safeParse({ kind: "hang", operation: "iam-list-projects" }).success).toBe(true);
  });

  it("adds up latency rules and takes the first other rule as the action", () => {
    const f = new FaultInjector();
    f.add({ kind: "latency", ms: 10 });
    f.add({ kind: "reset-before", times: 1 });
    f.add({ kind: "latency", ms: 5 });
    f.add({ kind: "hang" });
    const first = f.decide("describe-key", undefined);
    expect(first).toEqual({ delayMs: 15, action: expect.objectContaining({ kind: "reset-before" }) as unknown });
    expect(f.decide("describe-key", undefined).action?.kind).toBe("hang");
  });

  it("fires with the given probability, reproducibly for a seed", () => {
    const run = (seed: number): boolean[] => {
      const f = new FaultInjector(seededRandom(seed));
      f.add({ kind: "status", status: 503, probability: 0.5 });
      return Array.from({ length: 200 }, () => f.decide("describe-key", KEY).action !== undefined);
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    const fired = a.filter(Boolean).length;
    expect(fired).toBeGreaterThan(60);
    expect(fired).toBeLessThan(140);
    const never = new FaultInjector(seededRandom(1));
    never.add({ kind: "hang", probability: 0 });
    expect(Array.from({ length: 50 }, () => never.decide("describe-key", KEY).action)).toEqual(Array(50).fill(undefined));
  });

  it("adds jitter below jitterMs", () => {
    const f = new FaultInjector(seededRandom(7));
    f.add({ kind: "latency", ms: 100, jitterMs: 50 });
    for (let i = 0; i < 20; i++) {
      const { delayMs } = f.decide("describe-key", KEY);
      expect(delayMs).toBeGreaterThanOrEqual(100);
      expect(delayMs).toBeLessThan(150);
    }
  });

  it("rejects malformed rules", () => {
    expect(faultRuleSchema.safeParse({ kind: "status" }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ kind: "status", status: 200 }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ kind: "explode" }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ kind: "hang", operation: "create-key" }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ kind: "hang", probability: 2 }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ kind: "latency", ms: 5, typo: 1 }).success).toBe(false);
  });
});

describe("faults over HTTP", () => {
  let emu: RunningEmulator;
  let admin: EmulatorAdmin;

  beforeAll(async () => {
    emu = await startEmulator({ randomSeed: 3 });
    admin = emulatorAdmin(emu.url);
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    await admin.reset();
    await admin.putKey(KEY);
    await admin.putKey(KEY2);
  });

  const enable = (keyId = KEY) => callKms(emu.url, "enable-key-rotation", { key_id: keyId });

  it("status 429 carries Retry-After and APIG.0308, then the rule retires", async () => {
    await admin.addFault({ kind: "status", status: 429, retryAfter: 3, times: 1 });
    const throttled = await enable();
    expect([throttled.status, errorOf(throttled)?.error_code, throttled.headers["retry-after"]]).toEqual([429, "APIG.0308", "3"]);
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(false);
    expect((await enable()).status).toBe(200);
  });

  it("status 429 with retryAfter null answers without Retry-After, as some gateways do", async () => {
    await admin.addFault({ kind: "status", status: 429, retryAfter: null, times: 1 });
    const throttled = await enable();
    expect([throttled.status, errorOf(throttled)?.error_code, throttled.headers["retry-after"]]).toEqual([429, "APIG.0308", undefined]);
  });

  it("status 500 and 503 default to retryable KMS codes; a custom code is used as given", async () => {
    await admin.addFault({ kind: "status", status: 500, times: 1 });
    await admin.addFault({ kind: "status", status: 503, times: 1 });
    await admin.addFault({ kind: "status", status: 500, errorCode: "KMS.0103", errorMsg: "boom", times: 1 });
    const a = await enable();
    const b = await enable();
    const c = await enable();
    expect([a.status, errorOf(a)?.error_code]).toEqual([500, "KMS.0101"]);
    expect([b.status, errorOf(b)?.error_code]).toEqual([503, "KMS.0104"]);
    expect(errorOf(c)).toEqual({ error_code: "KMS.0103", error_msg: "boom" });
    expect(c.headers["x-request-id"]).toBeDefined();
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(false);
  });

  it("status with afterApply performs the change and still answers the error", async () => {
    await admin.addFault({ kind: "status", status: 503, afterApply: true, times: 1 });
    expect((await enable()).status).toBe(503);
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(true);
  });

  it("matches only the given operation and key", async () => {
    await admin.addFault({ kind: "status", status: 500, operation: "enable-key-rotation", keyId: KEY2 });
    expect((await enable(KEY)).status).toBe(200);
    expect((await callKms(emu.url, "describe-key", { key_id: KEY2 })).status).toBe(200);
    expect((await enable(KEY2)).status).toBe(500);
  });

  it("latency delays at least ms, then proceeds normally", async () => {
    await admin.addFault({ kind: "latency", ms: 150, jitterMs: 20, times: 1 });
    const start = performance.now();
    const res = await enable();
    expect(performance.now() - start).toBeGreaterThanOrEqual(145);
    expect(res.status).toBe(200);
  });

  it("reset-before drops the connection without applying", async () => {
    await admin.addFault({ kind: "reset-before", operation: "enable-key-rotation", times: 1 });
    await expect(enable()).rejects.toThrow();
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(false);
    expect((await admin.requests()).at(-1)).toMatchObject({ operation: "enable-key-rotation", keyId: KEY, status: 0 });
  });

  it("reset-after applies the change and loses the response: the retry sees KMS.2901", async () => {
    await admin.addFault({ kind: "reset-after", operation: "enable-key-rotation", times: 1 });
    await expect(enable()).rejects.toThrow();
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(true);
    const retry = await enable();
    expect([retry.status, errorOf(retry)?.error_code]).toEqual([400, "KMS.2901"]);
    expect((await admin.requests()).map((r) => r.status)).toEqual([0, 400]);
  });

  it("hang never answers, and close() releases it", async () => {
    const own = await startEmulator({ seed: { keys: [{ keyId: KEY }] } });
    await emulatorAdmin(own.url).addFault({ kind: "hang" });
    let settled = false;
    const pending = callKms(own.url, "describe-key", { key_id: KEY }).finally(() => {
      settled = true;
    });
    // Let the request reach the server before checking it is still open.
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    expect(await emulatorAdmin(own.url).requests()).toEqual([expect.objectContaining({ status: 0 })]);
    await own.close();
    await expect(pending).rejects.toThrow();
  });

  it("probability with a seeded emulator fires on some requests only", async () => {
    await admin.addFault({ kind: "status", status: 500, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await callKms(emu.url, "describe-key", { key_id: KEY })).status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(200);
  });

  it("lists, validates and clears faults through the admin API", async () => {
    const rule = await admin.addFault({ kind: "latency", ms: 1 });
    expect(rule).toMatchObject({ id: expect.stringMatching(/^fault-\d+$/) as unknown, kind: "latency", hits: 0 });
    expect(await admin.faults()).toHaveLength(1);
    const bad = await send(emu.url, "POST", "/__admin/faults", { "Content-Type": "application/json" }, '{"kind":"status"}');
    expect(bad.status).toBe(400);
    expect(errorOf(bad)?.error_msg).toContain("status");
    await admin.clearFaults();
    expect(await admin.faults()).toEqual([]);
  });
});
