import { describe, expect, it } from "vitest";
import { checkFunctionArgs } from "../../engine/function-spec.js";
import type { KeyInfo, KeyPage, ListKeysRequest } from "../../kms/kms-client.js";
import { CLAIM_TAG_KEY } from "../../resources/key-rotation/claim.js";
import type { OwnerPage } from "../../discovery/key-owners.js";
import { listedKeys, listKeys, type ListingApi } from "./list-keys.js";
import { listKeysSpec } from "./spec.js";

const ID = (n: number): string => `${String(n).padStart(8, "0")}-0000-4000-8000-${String(n).padStart(12, "0")}`;

function key(n: number, patch: Partial<KeyInfo> = {}): KeyInfo {
  return {
    keyId: ID(n),
    keyState: "2",
    isDefaultKey: false,
    origin: "kms",
    keySpec: "AES_256",
    keyAlias: `key${n}`,
    rotationEnabled: false,
    creationDate: `2025-01-0${n}T00:00:00.000Z`,
    ...patch,
  };
}

class FakeListing implements ListingApi {
  readonly requests: ListKeysRequest[] = [];
  readonly tagRequests: number[] = [];
  constructor(
    private readonly keys: KeyInfo[],
    private readonly pageSize = 1000,
    private readonly claims: ReadonlyMap<string, string> = new Map(),
  ) {}
  listKeysByTags(request: { offset?: number }): Promise<OwnerPage> {
    this.tagRequests.push(request.offset ?? 0);
    return Promise.resolve({ resources: [...this.claims].map(([resourceId, value]) => ({ resourceId, tags: [{ key: CLAIM_TAG_KEY, value }] })), totalCount: this.claims.size });
  }
  listKeys(request: ListKeysRequest): Promise<KeyPage> {
    this.requests.push(request);
    const start = Number(request.marker ?? "0");
    const end = Math.min(start + this.pageSize, this.keys.length);
    const truncated = end < this.keys.length;
    return Promise.resolve({ keys: this.keys.slice(start, end), truncated, ...(truncated ? { nextMarker: String(end) } : {}) });
  }
}

const mixed = [
  key(1, { keyAlias: "orders" }),
  key(2, { keyAlias: "Orders", keySpec: "SM4", rotationEnabled: true }),
  key(3, { keyAlias: "obs/default", isDefaultKey: true }),
  key(4, { keyAlias: "signing", keySpec: "RSA_2048" }),
  key(5, { keyAlias: "legacy", origin: "external" }),
  key(6, { keyAlias: "paused", keyState: "3", rotationEnabled: true }),
];

describe("listedKeys", () => {
  it("reports every key with its rotatability, the reason if not, and a stable name", () => {
    expect(listedKeys(mixed).map((k) => [k.resourceName, k.rotatable, k.cannotRotateReason])).toEqual([
      ["orders", true, undefined],
      ["orders-00000002", true, undefined],
      ["obs-default", false, "default key"],
      ["signing", false, "asymmetric"],
      ["legacy", false, "imported material"],
      ["paused", false, "disabled"],
    ]);
    expect(listedKeys(mixed)[1]).toEqual({
      keyId: ID(2),
      keyAlias: "Orders",
      keyState: "2",
      keySpec: "SM4",
      origin: "kms",
      isDefaultKey: false,
      rotationEnabled: true,
      rotatable: true,
      creationDate: "2025-01-02T00:00:00.000Z",
      resourceName: "orders-00000002",
    });
  });

  it("leaves out what KMS did not say", () => {
    expect(listedKeys([{ keyId: ID(7), keyState: "2", isDefaultKey: false }])).toEqual([
      { keyId: ID(7), keyState: "2", isDefaultKey: false, rotatable: true, resourceName: "key-00000007" },
    ]);
  });

  it("filters by state, spec and rotatability, naming over the whole listing so a filter never renames a key", () => {
    expect(listedKeys(mixed, { keySpec: "SM4" }).map((k) => k.resourceName)).toEqual(["orders-00000002"]);
    expect(listedKeys(mixed, { keySpec: "ALL" })).toHaveLength(6);
    expect(listedKeys(mixed, { keyState: "3" }).map((k) => k.resourceName)).toEqual(["paused"]);
    expect(listedKeys(mixed, { rotatableOnly: true }).map((k) => k.resourceName)).toEqual(["orders", "orders-00000002"]);
    expect(listedKeys(mixed, { rotatableOnly: false })).toHaveLength(6);
  });
});

describe("listKeys", () => {
  it("makes one list-keys request per page of every key, whatever the filters", async () => {
    const kms = new FakeListing(
      Array.from({ length: 25 }, (_, i) => key(i + 1, { keyAlias: `k${i}` })),
      10,
    );
    const { keys } = await listKeys(kms, { keySpec: "SM4" });
    expect(keys).toEqual([]);
    expect(kms.requests).toEqual([{}, { marker: "10" }, { marker: "20" }]);
    expect(kms.tagRequests).toEqual([]);
  });

  it("with withClaims, names each claimed key's stack from one list-kms-by-tags request", async () => {
    const kms = new FakeListing([key(1), key(2)], 1000, new Map([[ID(2), "payments/prod"]]));
    const { keys } = await listKeys(kms, { withClaims: true });
    expect(keys.map((k) => k.claimedBy)).toEqual([undefined, "payments/prod"]);
    expect(kms.tagRequests).toEqual([0]);
  });
});

describe("listKeys arguments", () => {
  it("accepts the states and specs KMS lists by, a state written as a number, and text booleans", () => {
    expect(checkFunctionArgs(listKeysSpec, { keyState: 2, keySpec: "SM4", rotatableOnly: "true" })).toEqual({
      args: { keyState: "2", keySpec: "SM4", rotatableOnly: true },
      failures: [],
    });
    expect(checkFunctionArgs(listKeysSpec, {})).toEqual({ args: {}, failures: [] });
  });

  it("refuses others naming the argument, the value and the rule", () => {
    expect(checkFunctionArgs(listKeysSpec, { keyState: "7", keySpec: "aes_256", rotatableOnly: "yes", limit: 5 }).failures).toEqual([
      {
        property: "keyState",
        reason: 'keyState "7" is not a key state KMS lists by: use "1" (pending activation), "2" (enabled), "3" (disabled), "4" (pending deletion) or "5" (pending import)',
      },
      {
        property: "keySpec",
        reason:
          'keySpec "aes_256" is not a KMS key spec: use one of AES_256, SM4, RSA_2048, RSA_3072, RSA_4096, EC_P256, EC_P384, SM2, ALL; key specs are written in upper case',
      },
      { property: "rotatableOnly", reason: 'rotatableOnly must be true or false; got "yes"' },
      { property: "limit", reason: "listKeys has no argument limit (it takes keyState, keySpec, rotatableOnly, withClaims)" },
    ]);
  });
});
