import { describe, expect, it } from "vitest";
import { KmsApiError } from "../../kms/kms-api-error.js";
import type { KmsOperation } from "../../kms/kms-rules.js";
import type { RotationStatus } from "../../kms/kms-schemas.js";
import {
  createKeyRotation,
  deleteKeyRotation,
  readKeyRotation,
  RotationProgressError,
  updateKeyRotation,
  type RotationApi,
} from "./lifecycle.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

function kmsError(operation: KmsOperation, status: number, code: string): KmsApiError {
  return new KmsApiError({ status, code, operation, keyId: KEY, retryable: false, mayHaveLanded: false, attempts: 1 });
}

/** An in-memory KMS with the service's rotation rules, recording every call. */
class FakeKms implements RotationApi {
  calls: string[] = [];
  rotation = { enabled: false, interval: 365, rotations: 2, last: "2026-01-02T03:04:05.000Z" };
  exists = true;
  failOn = new Map<string, KmsApiError>();
  /** Operations that take effect and then lose their answer (a timeout after every retry). */
  landThenTimeOut = new Set<KmsOperation>();

  private guard(op: KmsOperation): void {
    const injected = this.failOn.get(op);
    if (injected) throw injected;
    if (!this.exists) throw kmsError(op, 404, "KMS.0207");
  }
  private lost(op: KmsOperation): void {
    if (this.landThenTimeOut.has(op)) {
      throw new KmsApiError({ status: 0, code: "TIMEOUT", operation: op, keyId: KEY, retryable: true, mayHaveLanded: true, attempts: 3 });
    }
  }
  getKeyRotationStatus(): Promise<RotationStatus> {
    this.calls.push("get");
    this.guard("get-key-rotation-status");
    const r = this.rotation;
    return Promise.resolve({ enabled: r.enabled, intervalDays: r.interval, numberOfRotations: r.rotations, lastRotationTime: r.last });
  }
  enableKeyRotation(): Promise<void> {
    this.calls.push("enable");
    this.guard("enable-key-rotation");
    if (this.rotation.enabled) throw kmsError("enable-key-rotation", 400, "KMS.2901");
    this.rotation = { ...this.rotation, enabled: true, interval: 365 };
    this.lost("enable-key-rotation");
    return Promise.resolve();
  }
  disableKeyRotation(): Promise<void> {
    this.calls.push("disable");
    this.guard("disable-key-rotation");
    if (!this.rotation.enabled) throw kmsError("disable-key-rotation", 400, "KMS.0313");
    this.rotation = { ...this.rotation, enabled: false };
    this.lost("disable-key-rotation");
    return Promise.resolve();
  }
  updateKeyRotationInterval(_keyId: string, days: number): Promise<void> {
    this.calls.push(`interval:${days}`);
    this.guard("update-key-rotation-interval");
    if (!this.rotation.enabled) throw kmsError("update-key-rotation-interval", 400, "KMS.0313");
    this.rotation = { ...this.rotation, interval: days };
    return Promise.resolve();
  }
}

const history = { numberOfRotations: 2, lastRotationTime: "2026-01-02T03:04:05.000Z" };

describe("createKeyRotation", () => {
  it("reads once, then enables and sets the interval", async () => {
    const kms = new FakeKms();
    const out = await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 });
    expect(kms.calls).toEqual(["get", "enable", "interval:90"]);
    expect(out).toEqual({ keyId: KEY, enabled: true, intervalDays: 90, ...history });
  });

  it("skips the interval call when enable already leaves 365 days", async () => {
    const kms = new FakeKms();
    await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 365 });
    expect(kms.calls).toEqual(["get", "enable"]);
  });

  it("costs one read and no write when the key already matches", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true, interval: 90 };
    await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 });
    expect(kms.calls).toEqual(["get"]);
  });

  it("disables a rotation that is on when the program wants it off", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true };
    const out = await createKeyRotation(kms, { keyId: KEY, enabled: false, intervalDays: 180 });
    expect(kms.calls).toEqual(["get", "disable"]);
    expect(out.intervalDays).toBe(180);
  });

  it("reports what KMS holds when a later call fails after an earlier one landed", async () => {
    const kms = new FakeKms();
    kms.failOn.set("update-key-rotation-interval", kmsError("update-key-rotation-interval", 503, "KMS.0104"));
    const err: unknown = await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 }).catch((e: unknown) => e);
    expect(RotationProgressError.isInstance(err)).toBe(true);
    if (!RotationProgressError.isInstance(err)) return;
    expect(err.reached).toEqual({ keyId: KEY, enabled: true, intervalDays: 365, ...history });
    expect(err.message).toContain("KMS.0104");
  });

  it("reads KMS once after a call whose answer was lost, and records the change that landed", async () => {
    const kms = new FakeKms();
    kms.landThenTimeOut.add("enable-key-rotation");
    const err: unknown = await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 }).catch((e: unknown) => e);
    expect(kms.calls).toEqual(["get", "enable", "get"]);
    expect(RotationProgressError.isInstance(err) && err.reached).toEqual({ keyId: KEY, enabled: true, intervalDays: 365, ...history });
    expect(String(err)).toContain("TIMEOUT");
  });

  it("reports a plain failure when the read shows the lost call did not land", async () => {
    const kms = new FakeKms();
    kms.failOn.set("enable-key-rotation", new KmsApiError({ status: 503, code: "KMS.0104", operation: "enable-key-rotation", retryable: true, mayHaveLanded: true, attempts: 3 }));
    const err: unknown = await createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 }).catch((e: unknown) => e);
    expect(kms.calls).toEqual(["get", "enable", "get"]);
    expect(RotationProgressError.isInstance(err)).toBe(false);
    expect(err).toMatchObject({ code: "KMS.0104" });
  });

  it("does not read again after throttling: a 429 changed nothing", async () => {
    const kms = new FakeKms();
    kms.failOn.set("enable-key-rotation", new KmsApiError({ status: 429, code: "APIG.0308", operation: "enable-key-rotation", retryable: true, mayHaveLanded: false, attempts: 6 }));
    await expect(createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 })).rejects.toMatchObject({ code: "APIG.0308" });
    expect(kms.calls).toEqual(["get", "enable"]);
  });

  it("passes the KMS error through when nothing changed", async () => {
    const kms = new FakeKms();
    kms.failOn.set("enable-key-rotation", kmsError("enable-key-rotation", 400, "KMS.0312"));
    await expect(createKeyRotation(kms, { keyId: KEY, enabled: true, intervalDays: 90 })).rejects.toMatchObject({
      code: "KMS.0312",
    });
  });
});

describe("updateKeyRotation", () => {
  const olds = { keyId: KEY, enabled: true, intervalDays: 365, ...history };

  it("changes the interval of an enabled rotation with exactly one call and no read", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true };
    const out = await updateKeyRotation(kms, olds, { keyId: KEY, enabled: true, intervalDays: 30 });
    expect(kms.calls).toEqual(["interval:30"]);
    expect(out).toEqual({ ...olds, intervalDays: 30 });
  });

  it("toggles off with one disable and on again with enable plus the interval", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true, interval: 90 };
    const off = await updateKeyRotation(kms, { ...olds, intervalDays: 90 }, { keyId: KEY, enabled: false, intervalDays: 90 });
    const on = await updateKeyRotation(kms, off, { keyId: KEY, enabled: true, intervalDays: 90 });
    expect(kms.calls).toEqual(["disable", "enable", "interval:90"]);
    expect(on.enabled).toBe(true);
  });

  it("records an interval change while rotation is off without calling KMS", async () => {
    const kms = new FakeKms();
    const out = await updateKeyRotation(kms, { ...olds, enabled: false }, { keyId: KEY, enabled: false, intervalDays: 60 });
    expect(kms.calls).toEqual([]);
    expect(out.intervalDays).toBe(60);
  });

  it("re-reads and re-plans once when KMS was changed outside Pulumi", async () => {
    const kms = new FakeKms(); // recorded as enabled, but someone turned rotation off
    const out = await updateKeyRotation(kms, olds, { keyId: KEY, enabled: true, intervalDays: 60 });
    expect(kms.calls).toEqual(["interval:60", "get", "enable", "interval:60"]);
    expect(out).toMatchObject({ enabled: true, intervalDays: 60 });
    expect(kms.rotation).toMatchObject({ enabled: true, interval: 60 });
  });
});

describe("deleteKeyRotation", () => {
  const props = { keyId: KEY, enabled: true, intervalDays: 90, ...history };

  it("disables an enabled rotation", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true };
    await deleteKeyRotation(kms, props);
    expect(kms.calls).toEqual(["disable"]);
    expect(kms.rotation.enabled).toBe(false);
  });

  it("makes no call for a rotation recorded as off", async () => {
    const kms = new FakeKms();
    await deleteKeyRotation(kms, { ...props, enabled: false });
    expect(kms.calls).toEqual([]);
  });

  it.each(["KMS.0207", "KMS.0210", "KMS.0313"])("counts %s as done", async (code) => {
    const kms = new FakeKms();
    kms.failOn.set("disable-key-rotation", kmsError("disable-key-rotation", code === "KMS.0207" ? 404 : 400, code));
    await expect(deleteKeyRotation(kms, props)).resolves.toBeUndefined();
  });

  it("counts a disable whose answer was lost as done when a read shows rotation off", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true };
    kms.landThenTimeOut.add("disable-key-rotation");
    await deleteKeyRotation(kms, props);
    expect(kms.calls).toEqual(["disable", "get"]);
  });

  it("fails on any other refusal, so the resource stays in state", async () => {
    const kms = new FakeKms();
    kms.failOn.set("disable-key-rotation", kmsError("disable-key-rotation", 400, "KMS.0209"));
    await expect(deleteKeyRotation(kms, props)).rejects.toMatchObject({ code: "KMS.0209" });
  });
});

describe("readKeyRotation", () => {
  it("returns live outputs and inputs", async () => {
    const kms = new FakeKms();
    kms.rotation = { ...kms.rotation, enabled: true, interval: 120 };
    expect(await readKeyRotation(kms, KEY)).toEqual({
      inputs: { keyId: KEY, enabled: true, intervalDays: 120 },
      outputs: { keyId: KEY, enabled: true, intervalDays: 120, ...history },
    });
  });

  it("keeps the recorded interval while rotation is off", async () => {
    const kms = new FakeKms();
    const result = await readKeyRotation(kms, KEY, { intervalDays: 45 });
    expect(result?.inputs).toEqual({ keyId: KEY, enabled: false, intervalDays: 45 });
  });

  it("reports a vanished key as gone", async () => {
    const kms = new FakeKms();
    kms.exists = false;
    expect(await readKeyRotation(kms, KEY)).toBeUndefined();
  });

  it("passes other failures through", async () => {
    const kms = new FakeKms();
    kms.failOn.set("get-key-rotation-status", kmsError("get-key-rotation-status", 403, "KMS.0303"));
    await expect(readKeyRotation(kms, KEY)).rejects.toMatchObject({ code: "KMS.0303" });
  });
});
