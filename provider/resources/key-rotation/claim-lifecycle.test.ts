import { describe, expect, it } from "vitest";
import { KmsApiError } from "../../kms/kms-api-error.js";
import type { KeyInfo, RotationStatus } from "../../kms/kms-schemas.js";
import { CLAIM_TAG_KEY, claimTagValue, type KeyTag } from "./claim.js";
import {
  ClaimConflictError,
  createClaimedRotation,
  deleteClaimedRotation,
  importClaimedRotation,
  readClaimedRotation,
  updateClaimedRotation,
  type ClaimedRotationApi,
} from "./claim-lifecycle.js";
import { RotationProgressError } from "./lifecycle.js";
import type { KeyRotationOutputs } from "./schemas.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const US = "platform/prod";
const THEM = "team-orders/prod";

/** One key in memory: its rotation and its tags, every call recorded by name. */
class FakeKey implements ClaimedRotationApi {
  calls: string[] = [];
  enabled = false;
  interval = 365;
  tags: KeyTag[] = [];
  failTagWrite = false;

  getKeyRotationStatus(): Promise<RotationStatus> {
    this.calls.push("get-key-rotation-status");
    return Promise.resolve({ enabled: this.enabled, intervalDays: this.interval, numberOfRotations: 0 });
  }
  describeKey(): Promise<KeyInfo> {
    this.calls.push("describe-key");
    return Promise.resolve({ keyId: KEY, keyState: "2", isDefaultKey: false, keySpec: "AES_256", origin: "kms", rotationEnabled: this.enabled });
  }
  enableKeyRotation(): Promise<void> {
    this.calls.push("enable-key-rotation");
    this.enabled = true;
    this.interval = 365;
    return Promise.resolve();
  }
  disableKeyRotation(): Promise<void> {
    this.calls.push("disable-key-rotation");
    this.enabled = false;
    return Promise.resolve();
  }
  updateKeyRotationInterval(_keyId: string, days: number): Promise<void> {
    this.calls.push("update-key-rotation-interval");
    this.interval = days;
    return Promise.resolve();
  }
  showKeyTags(): Promise<KeyTag[]> {
    this.calls.push("show-kms-tags");
    return Promise.resolve(this.tags.map((t) => ({ ...t })));
  }
  addKeyTags(_keyId: string, tags: readonly KeyTag[]): Promise<void> {
    this.calls.push("tag");
    if (this.failTagWrite) {
      return Promise.reject(new KmsApiError({ status: 500, code: "KMS.0101", operation: "batch-create-kms-tags", keyId: KEY, retryable: true, mayHaveLanded: false, attempts: 6 }));
    }
    for (const t of tags) this.tags = [...this.tags.filter((x) => x.key !== t.key), t];
    return Promise.resolve();
  }
  removeKeyTags(_keyId: string, tags: readonly KeyTag[]): Promise<void> {
    this.calls.push("untag");
    this.tags = this.tags.filter((x) => !tags.some((t) => t.key === x.key && t.value === x.value));
    return Promise.resolve();
  }
}

const inputs = { keyId: KEY, enabled: true, intervalDays: 90 };

describe("claims", () => {
  it("a create on a key nobody claims costs one tag read and one tag write more than without claims", async () => {
    const kms = new FakeKey();
    const out = await createClaimedRotation(kms, inputs, {}, US);
    expect(kms.calls).toEqual(["show-kms-tags", "get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval", "tag"]);
    expect(kms.tags).toEqual([{ key: CLAIM_TAG_KEY, value: US }]);
    expect(out.claimedBy).toBe(US);
  });

  it("a create on a key another stack claims fails on the tag read, names that stack, and writes nothing", async () => {
    const kms = new FakeKey();
    kms.tags = [{ key: CLAIM_TAG_KEY, value: THEM }];
    const error = await createClaimedRotation(kms, inputs, {}, US).catch((e: unknown) => e);
    expect(ClaimConflictError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`key ${KEY} is claimed by stack ${THEM}`);
    expect(kms.calls).toEqual(["show-kms-tags"]);
  });

  it("a stack's own claim never refuses it and costs no write", async () => {
    const kms = new FakeKey();
    kms.tags = [{ key: CLAIM_TAG_KEY, value: US }];
    await createClaimedRotation(kms, inputs, {}, US);
    expect(kms.calls.filter((c) => c === "tag")).toEqual([]);
  });

  it("when the tag write fails after the rotation changed, the failure records the rotation without a claim", async () => {
    const kms = new FakeKey();
    kms.failTagWrite = true;
    const error = await createClaimedRotation(kms, inputs, {}, US).catch((e: unknown) => e);
    expect(RotationProgressError.isInstance(error)).toBe(true);
    const reached = (error as RotationProgressError).reached;
    expect(reached).toMatchObject({ keyId: KEY, enabled: true, intervalDays: 90 });
    expect(reached.claimedBy).toBeUndefined();
  });

  it("an update of a resource that holds its claim makes no tag call; one that does not takes it", async () => {
    const kms = new FakeKey();
    kms.enabled = true;
    kms.interval = 90;
    kms.tags = [{ key: CLAIM_TAG_KEY, value: US }];
    const held: KeyRotationOutputs = { ...inputs, numberOfRotations: 0, claimedBy: US };
    await updateClaimedRotation(kms, held, { ...inputs, intervalDays: 120 }, US);
    expect(kms.calls).toEqual(["update-key-rotation-interval"]);
    kms.calls = [];
    kms.tags = [];
    const out = await updateClaimedRotation(kms, { ...inputs, intervalDays: 120, numberOfRotations: 0 }, { ...inputs, intervalDays: 120 }, US);
    expect(kms.calls).toEqual(["show-kms-tags", "tag"]);
    expect(out.claimedBy).toBe(US);
  });

  it("a delete turns rotation off, then releases its own claim only (one tag write)", async () => {
    const kms = new FakeKey();
    kms.enabled = true;
    kms.tags = [{ key: CLAIM_TAG_KEY, value: US }, { key: "team", value: "orders" }];
    await deleteClaimedRotation(kms, { ...inputs, numberOfRotations: 0, claimedBy: US }, US);
    expect(kms.calls).toEqual(["disable-key-rotation", "untag"]);
    expect(kms.tags).toEqual([{ key: "team", value: "orders" }]);
  });

  it("a delete of a resource whose key a refresh found claimed by another stack touches nothing", async () => {
    const kms = new FakeKey();
    kms.enabled = true;
    kms.tags = [{ key: CLAIM_TAG_KEY, value: THEM }];
    await deleteClaimedRotation(kms, { ...inputs, numberOfRotations: 0, claimedBy: THEM }, US);
    expect(kms.calls).toEqual([]);
    expect(kms.enabled).toBe(true);
  });

  it("a delete without a recorded claim makes no tag call", async () => {
    const kms = new FakeKey();
    kms.enabled = true;
    await deleteClaimedRotation(kms, { ...inputs, numberOfRotations: 0 }, undefined);
    expect(kms.calls).toEqual(["disable-key-rotation"]);
  });

  it("a refresh and an import record who claims the key now, writing nothing", async () => {
    const kms = new FakeKey();
    kms.enabled = true;
    kms.interval = 90;
    kms.tags = [{ key: CLAIM_TAG_KEY, value: THEM }];
    const read = await readClaimedRotation(kms, KEY, inputs);
    expect(read?.outputs.claimedBy).toBe(THEM);
    expect(kms.calls).toEqual(["get-key-rotation-status", "show-kms-tags"]);
    kms.calls = [];
    const imported = await importClaimedRotation(kms, KEY);
    expect(imported?.outputs.claimedBy).toBe(THEM);
    expect(kms.calls).toEqual(["describe-key", "get-key-rotation-status", "show-kms-tags"]);
    // The next up refuses to take it over.
    const refused = await updateClaimedRotation(kms, imported?.outputs ?? { ...inputs, numberOfRotations: 0 }, inputs, US).catch((e: unknown) => e);
    expect(ClaimConflictError.isInstance(refused)).toBe(true);
  });

  it("an identity too long for a tag value is shortened with a hash, so two never collide", () => {
    const long = `${"p".repeat(30)}/${"s".repeat(30)}`;
    const other = `${"p".repeat(30)}/${"s".repeat(29)}t`;
    expect(claimTagValue(long)).toHaveLength(43);
    expect(claimTagValue(long)).not.toBe(claimTagValue(other));
    expect(claimTagValue(long)).toMatch(/^p{30}\/s{3}~[0-9a-f]{8}$/);
    expect(claimTagValue("infra/prod")).toBe("infra/prod");
  });
});
