import { describe, expect, it } from "vitest";
import { KmsApiError } from "../kms/kms-api-error.js";
import type { KeyInfo, KeyPage, ListKeysRequest, RotationStatus } from "../kms/kms-client.js";
import { CLAIM_TAG_KEY } from "../resources/key-rotation/claim.js";
import type { OwnerPage } from "./key-owners.js";
import { listAllKeys, takeInventory, type InventoryApi, type InventoryProgress } from "./key-inventory.js";

function key(i: number, patch: Partial<KeyInfo> = {}): KeyInfo {
  return { keyId: `k-${i}`, keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256", rotationEnabled: i % 2 === 0, ...patch };
}

/** Pages `keys` by offset, as the emulator does, and records every call. */
class FakeKms implements InventoryApi {
  readonly calls: string[] = [];
  constructor(
    private readonly keys: KeyInfo[],
    private readonly refuse: ReadonlyMap<string, KmsApiError> = new Map(),
    private readonly claims: ReadonlyMap<string, string> = new Map(),
  ) {}
  listKeysByTags(): Promise<OwnerPage> {
    this.calls.push("owners");
    return Promise.resolve({ resources: [...this.claims].map(([resourceId, value]) => ({ resourceId, tags: [{ key: CLAIM_TAG_KEY, value }] })), totalCount: this.claims.size });
  }
  listKeys(request: ListKeysRequest): Promise<KeyPage> {
    this.calls.push(`list ${request.marker ?? ""}`);
    const start = Number(request.marker ?? "0");
    const end = Math.min(start + (request.limit ?? 1000), this.keys.length);
    const truncated = end < this.keys.length;
    return Promise.resolve({ keys: this.keys.slice(start, end), truncated, total: this.keys.length, ...(truncated ? { nextMarker: String(end) } : {}) });
  }
  getKeyRotationStatus(keyId: string): Promise<RotationStatus> {
    this.calls.push(`status ${keyId}`);
    const refusal = this.refuse.get(keyId);
    if (refusal) return Promise.reject(refusal);
    return Promise.resolve({ enabled: true, intervalDays: 90, numberOfRotations: 1 });
  }
}

const refusal = (status: number, code: string): KmsApiError =>
  new KmsApiError({ status, code, operation: "get-key-rotation-status", retryable: false, mayHaveLanded: false, attempts: 1 });

describe("takeInventory", () => {
  it("makes one list-keys call per page and one status read per rotating key, no more", async () => {
    const kms = new FakeKms(Array.from({ length: 25 }, (_, i) => key(i)));
    const progress: InventoryProgress[] = [];
    const inventory = await takeInventory(kms, { request: { limit: 10 }, onProgress: (p) => progress.push(p) });
    expect(kms.calls.filter((c) => c.startsWith("list"))).toEqual(["list ", "list 10", "list 20"]);
    expect(kms.calls.filter((c) => c.startsWith("status"))).toHaveLength(13);
    expect(inventory.calls).toEqual({ pages: 3, statusReads: 13, ownerListings: 1 });
    expect(kms.calls.filter((c) => c === "owners")).toHaveLength(1);
    expect(inventory.entries.filter((e) => e.status !== undefined).map((e) => e.key.keyId)).toEqual(
      Array.from({ length: 13 }, (_, i) => `k-${i * 2}`),
    );
    expect(progress.filter((p) => p.phase === "list")).toEqual([
      { phase: "list", pages: 1, keys: 10, total: 25 },
      { phase: "list", pages: 2, keys: 20, total: 25 },
      { phase: "list", pages: 3, keys: 25, total: 25 },
    ]);
    expect(progress.at(-1)).toEqual({ phase: "status", done: 13, of: 13 });
  });

  it("gives each claimed key its owner, from one owners' listing beside the key listing", async () => {
    const kms = new FakeKms([key(0), key(1), key(2)], new Map(), new Map([["k-1", "payments/prod"], ["k-gone", "old/prod"]]));
    const inventory = await takeInventory(kms);
    expect(inventory.entries.map((e) => e.owner)).toEqual([undefined, "payments/prod", undefined]);
    expect(inventory.calls.ownerListings).toBe(1);
  });

  it("reads the status of a key whose listing does not say whether it rotates", async () => {
    const kms = new FakeKms([{ keyId: "k-x", keyState: "2", isDefaultKey: false }]);
    expect((await takeInventory(kms)).calls.statusReads).toBe(1);
  });

  it("records a refusal for one key and goes on; anything else fails the inventory", async () => {
    const keys = [key(0), key(2), key(4)];
    const partial = await takeInventory(new FakeKms(keys, new Map([["k-2", refusal(400, "KMS.0210")]])));
    expect(partial.entries.map((e) => e.statusError ?? e.status?.intervalDays)).toEqual([90, "KMS.0210", 90]);
    await expect(takeInventory(new FakeKms(keys, new Map([["k-2", refusal(403, "KMS.0306")]])))).rejects.toThrow(/KMS.0306/);
  });

  it("stops a listing that would repeat the same page forever", async () => {
    const stuck = { listKeys: () => Promise.resolve({ keys: [key(1)], truncated: true, nextMarker: "5" }) };
    await expect(listAllKeys(stuck)).rejects.toThrow(/gave the same next_marker "5" after page 2/);
  });
});
