import { describe, expect, it } from "vitest";
import { CLAIM_TAG_KEY } from "../resources/key-rotation/claim.js";
import { besideListing, listKeyOwners, type OwnerPage, type OwnersApi, type OwnersProgress } from "./key-owners.js";

type Request = Parameters<OwnersApi["listKeysByTags"]>[0];

/** Answers the claim-tag filter over `claims` (key id → owner) by offset, as KMS does, and records every request. */
class FakeTags implements OwnersApi {
  readonly requests: Request[] = [];
  constructor(private readonly claims: [string, string][]) {}
  listKeysByTags(request: Request): Promise<OwnerPage> {
    this.requests.push(request);
    const offset = request.offset ?? 0;
    const page = this.claims.slice(offset, offset + (request.limit ?? 10));
    return Promise.resolve({
      resources: page.map(([resourceId, owner]) => ({ resourceId, tags: [{ key: "team", value: "x" }, { key: CLAIM_TAG_KEY, value: owner }] })),
      totalCount: this.claims.length,
    });
  }
}

describe("listKeyOwners", () => {
  it("reads the owners of 2,500 claimed keys in three calls of 1,000, by offset, filtering on the claim tag with any value", async () => {
    const claims = Array.from({ length: 2500 }, (_, i): [string, string] => [`k-${i}`, `team-${i % 3}/prod`]);
    const kms = new FakeTags(claims);
    const progress: OwnersProgress[] = [];
    const { owners, calls } = await listKeyOwners(kms, (p) => progress.push(p));
    expect(calls).toBe(3);
    expect(kms.requests).toEqual([0, 1000, 2000].map((offset) => ({ tags: [{ key: CLAIM_TAG_KEY, values: [] }], limit: 1000, offset })));
    expect(owners.size).toBe(2500);
    expect(owners.get("k-2")).toBe("team-2/prod");
    expect(progress.at(-1)).toEqual({ phase: "owners", calls: 3, keys: 2500, total: 2500 });
  });

  it("makes one call when no key is claimed", async () => {
    const kms = new FakeTags([]);
    expect(await listKeyOwners(kms)).toEqual({ owners: new Map(), calls: 1 });
  });

  it("runs beside the listing; when both fail, the listing's error is thrown whichever came first", async () => {
    const later = <T>(ms: number, outcome: () => T): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms)).then(outcome);
    const listingFails = later(20, () => {
      throw new Error("KMS list-keys failed: HTTP 401");
    });
    const ownersFail = later(0, () => {
      throw new Error("KMS list-kms-by-tags failed: HTTP 401");
    });
    await expect(besideListing(listingFails, ownersFail)).rejects.toThrow("KMS list-keys failed");
    await expect(besideListing(Promise.resolve(1), ownersFail)).rejects.toThrow("KMS list-kms-by-tags failed");
    expect(await besideListing(Promise.resolve(1), Promise.resolve("x"))).toEqual([1, "x"]);
  });

  it("stops on an empty page even when the count said more (keys released since)", async () => {
    const shrinking: OwnersApi = { listKeysByTags: () => Promise.resolve({ resources: [], totalCount: 5 }) };
    expect((await listKeyOwners(shrinking)).calls).toBe(1);
  });
});
