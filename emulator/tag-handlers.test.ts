// The tag operations as pure functions of state and request: every limit and error code of
// docs/kms-api.md "Key tags", and the semantics emulator/README.md lists as assumed.
import { beforeEach, describe, expect, it } from "vitest";
import { kmsMethod, kmsRelativePath, type KmsRoute } from "../provider/kms/kms-routes.js";
import { KMS_OPERATIONS } from "../provider/kms/kms-rules.js";
import { handleKmsOperation } from "./kms-handlers.js";
import { KmsState, type KeyTag } from "./kms-state.js";
import type { Outcome } from "./kms-wire.js";
import { isTagOperation } from "./tag-handlers.js";

const PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const OTHER_PROJECT = "ffffffffffffffffffffffffffffffff";
const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const UNKNOWN = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

let state: KmsState;
let clock: number;

beforeEach(() => {
  clock = 1_700_000_000_000;
  state = new KmsState(PROJECT, () => clock++);
  state.put(KEY, { keyAlias: "orders-db" });
});

function run(route: KmsRoute, body?: unknown, projectId = PROJECT): Outcome {
  const raw = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return handleKmsOperation(state, route, projectId, raw, { looseTypes: false });
}

const show = (keyId = KEY, projectId = PROJECT) => run({ operation: "show-kms-tags", keyId }, undefined, projectId);
const createOne = (tag: unknown, keyId = KEY) => run({ operation: "create-kms-tag", keyId }, { tag });
const batch = (action: unknown, tags: unknown, keyId = KEY) => run({ operation: "batch-create-kms-tags", keyId }, { action, tags });
const deleteOne = (tagKey: string | undefined, body?: unknown, keyId = KEY) => run({ operation: "delete-tag", keyId, tagKey }, body);
const byTags = (body: unknown, projectId = PROJECT) => run({ operation: "list-kms-by-tags" }, body, projectId);

function tagsOf(keyId = KEY): KeyTag[] {
  return state.get(keyId)?.tags ?? [];
}

/** The error code, or "ok" / "204" for successes, so one assertion shows what was answered. */
function answer(outcome: Outcome): string {
  if (!outcome.ok) return `${outcome.status} ${outcome.code}`;
  return outcome.body === undefined ? "204" : "200";
}

function bodyOf(outcome: Outcome): Record<string, unknown> {
  if (!outcome.ok || outcome.body === undefined) throw new Error(`expected a 200 body, got ${answer(outcome)}`);
  return outcome.body;
}

const tens = (n: number, prefix = "k"): KeyTag[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

describe("the tag operations", () => {
  it("are exactly the operations kms-routes.ts places outside POST <operation>", () => {
    const routed = KMS_OPERATIONS.filter((op) => kmsMethod(op) !== "POST" || kmsRelativePath({ operation: op, keyId: KEY, tagKey: "t" }) !== op);
    expect(KMS_OPERATIONS.filter(isTagOperation)).toEqual(routed);
  });
});

describe("show-kms-tags", () => {
  it("answers the key's tags in order with their count", () => {
    expect(bodyOf(show())).toEqual({ tags: [], existTagsNum: 0 });
    state.put(KEY, { tags: [{ key: "b", value: "2" }, { key: "a", value: "" }] });
    expect(bodyOf(show())).toEqual({ tags: [{ key: "b", value: "2" }, { key: "a", value: "" }], existTagsNum: 2 });
  });

  it("a path key id that is not a key id → KMS.0205; an unknown key or another project's → 404 KMS.0207", () => {
    for (const bad of [KEY.toUpperCase(), `${KEY}0`, "nope", "%20"]) expect(answer(show(bad))).toBe("400 KMS.0205");
    expect(answer(run({ operation: "show-kms-tags" }))).toBe("400 KMS.0205");
    expect(answer(show(UNKNOWN))).toBe("404 KMS.0207");
    expect(answer(show(KEY, OTHER_PROJECT))).toBe("404 KMS.0207");
  });
});

describe("create-kms-tag", () => {
  it("adds a tag (204); a tag key the key carries keeps its place and takes the new value; no value is the empty value", () => {
    expect(answer(createOne({ key: "owner", value: "a/b" }))).toBe("204");
    expect(answer(createOne({ key: "team" }))).toBe("204");
    expect(answer(createOne({ key: "owner", value: "c/d" }))).toBe("204");
    expect(tagsOf()).toEqual([{ key: "owner", value: "c/d" }, { key: "team", value: "" }]);
  });

  it("the body: not JSON → KMS.0202, no tag → KMS.0204, a tag that is not an object → KMS.0203, a bad sequence → KMS.0206", () => {
    expect(answer(run({ operation: "create-kms-tag", keyId: KEY }, "{"))).toBe("400 KMS.0202");
    expect(answer(run({ operation: "create-kms-tag", keyId: KEY }, ""))).toBe("400 KMS.0202");
    expect(answer(run({ operation: "create-kms-tag", keyId: KEY }, {}))).toBe("400 KMS.0204");
    expect(answer(createOne("owner=a"))).toBe("400 KMS.0203");
    expect(answer(createOne([{ key: "a", value: "b" }]))).toBe("400 KMS.0203");
    expect(answer(run({ operation: "create-kms-tag", keyId: KEY }, { tag: { key: "a", value: "b" }, sequence: "x".repeat(37) }))).toBe("400 KMS.0206");
    expect(tagsOf()).toEqual([]);
  });

  it("tag keys: 1 to 36 characters (counted as characters, not bytes), without ASCII 0-31 or * < > \\ =", () => {
    expect(answer(createOne({ value: "v" }))).toBe("400 KMS.0406");
    expect(answer(createOne({ key: "", value: "v" }))).toBe("400 KMS.0406");
    expect(answer(createOne({ key: 7, value: "v" }))).toBe("400 KMS.0406");
    expect(answer(createOne({ key: "k".repeat(37), value: "v" }))).toBe("400 KMS.0411");
    for (const ch of ["\u0000", "\n", "\u001f", "*", "<", ">", "\\", "="]) {
      expect(answer(createOne({ key: `a${ch}b`, value: "v" })), JSON.stringify(ch)).toBe("400 KMS.0406");
    }
    expect(tagsOf()).toEqual([]);
    expect(answer(createOne({ key: "k".repeat(36), value: "v" }))).toBe("204");
    expect(answer(createOne({ key: "键".repeat(36), value: "v" }))).toBe("204");
    expect(answer(createOne({ key: "a b-c_d.e/f:g@h+", value: "v" }))).toBe("204");
  });

  it("tag values: 0 to 43 characters, a string, without ASCII 0-31 or * < > \\ =", () => {
    expect(answer(createOne({ key: "a", value: "v".repeat(44) }))).toBe("400 KMS.0410");
    expect(answer(createOne({ key: "a", value: 1 }))).toBe("400 KMS.0405");
    for (const ch of ["\u0000", "\t", "*", "<", ">", "\\", "="]) {
      expect(answer(createOne({ key: "a", value: `x${ch}` })), JSON.stringify(ch)).toBe("400 KMS.0405");
    }
    expect(tagsOf()).toEqual([]);
    expect(answer(createOne({ key: "a", value: "v".repeat(43) }))).toBe("204");
    expect(answer(createOne({ key: "b", value: "值".repeat(43) }))).toBe("204");
  });

  it("an 11th tag key → KMS.0409 and nothing changes; a new value for one of ten is fine", () => {
    state.put(KEY, { tags: tens(10) });
    expect(answer(createOne({ key: "k10", value: "x" }))).toBe("400 KMS.0409");
    expect(tagsOf()).toEqual(tens(10));
    expect(answer(createOne({ key: "k3", value: "x" }))).toBe("204");
    expect(tagsOf()[3]).toEqual({ key: "k3", value: "x" });
  });

  it("an unknown key → 404 KMS.0207, once the tag is valid", () => {
    expect(answer(createOne({ key: "a", value: "b" }, UNKNOWN))).toBe("404 KMS.0207");
    expect(answer(createOne({ key: "a=", value: "b" }, UNKNOWN))).toBe("400 KMS.0406");
  });
});

describe("batch-create-kms-tags", () => {
  it("create adds tags and replaces the values of tag keys the key carries", () => {
    state.put(KEY, { tags: [{ key: "owner", value: "a/b" }] });
    expect(answer(batch("create", [{ key: "team", value: "t" }, { key: "owner", value: "c/d" }]))).toBe("204");
    expect(tagsOf()).toEqual([{ key: "owner", value: "c/d" }, { key: "team", value: "t" }]);
  });

  it("create beyond ten tags → KMS.0409, all or nothing", () => {
    state.put(KEY, { tags: tens(8) });
    expect(answer(batch("create", [{ key: "k0", value: "new" }, { key: "x", value: "1" }, { key: "y", value: "2" }, { key: "z", value: "3" }]))).toBe("400 KMS.0409");
    expect(tagsOf()).toEqual(tens(8));
    expect(answer(batch("create", [{ key: "k0", value: "new" }, { key: "x", value: "1" }, { key: "y", value: "2" }]))).toBe("204");
    expect(tagsOf()).toHaveLength(10);
  });

  it("one invalid tag fails the whole batch, naming its rule", () => {
    expect(answer(batch("create", [{ key: "ok", value: "1" }, { key: "k".repeat(37), value: "2" }]))).toBe("400 KMS.0411");
    expect(answer(batch("create", [{ key: "ok", value: "1" }, { key: "b", value: "v".repeat(44) }]))).toBe("400 KMS.0410");
    expect(answer(batch("create", [{ key: "ok", value: "1" }, "b"]))).toBe("400 KMS.0203");
    expect(answer(batch("delete", [{ key: "ok", value: "<" }]))).toBe("400 KMS.0405");
    expect(tagsOf()).toEqual([]);
  });

  it("the list: absent or empty → KMS.0401, not a list → KMS.0203, more than ten → KMS.0407", () => {
    expect(answer(batch("create", []))).toBe("400 KMS.0401");
    expect(answer(batch("create", undefined))).toBe("400 KMS.0401");
    expect(answer(batch("create", { key: "a", value: "b" }))).toBe("400 KMS.0203");
    expect(answer(batch("create", tens(11)))).toBe("400 KMS.0407");
    expect(answer(batch("delete", tens(11)))).toBe("400 KMS.0407");
    expect(answer(batch("create", tens(10)))).toBe("204");
  });

  it("the action: absent → KMS.0204, anything but create or delete → KMS.0203", () => {
    expect(answer(batch(undefined, [{ key: "a", value: "b" }]))).toBe("400 KMS.0204");
    for (const action of ["update", "CREATE", 1]) expect(answer(batch(action, [{ key: "a", value: "b" }]))).toBe("400 KMS.0203");
  });

  it("delete with a value removes the tag only where the value matches too; without one, whatever its value", () => {
    state.put(KEY, { tags: [{ key: "owner", value: "a/b" }, { key: "team", value: "t" }, { key: "env", value: "" }] });
    expect(answer(batch("delete", [{ key: "owner", value: "c/d" }]))).toBe("204");
    expect(tagsOf().map((t) => t.key)).toEqual(["owner", "team", "env"]);
    expect(answer(batch("delete", [{ key: "owner", value: "a/b" }, { key: "team" }, { key: "env", value: "" }]))).toBe("204");
    expect(tagsOf()).toEqual([]);
  });

  it("delete of tags the key does not carry succeeds and changes nothing", () => {
    state.put(KEY, { tags: [{ key: "team", value: "t" }] });
    expect(answer(batch("delete", [{ key: "owner", value: "a/b" }, { key: "nope" }]))).toBe("204");
    expect(tagsOf()).toEqual([{ key: "team", value: "t" }]);
  });

  it("path key id and key: KMS.0205, then 404 KMS.0207 for an unknown key or another project's", () => {
    expect(answer(batch("create", [{ key: "a", value: "b" }], "nope"))).toBe("400 KMS.0205");
    expect(answer(batch("delete", [{ key: "a" }], UNKNOWN))).toBe("404 KMS.0207");
    const other = run({ operation: "batch-create-kms-tags", keyId: KEY }, { action: "create", tags: [{ key: "a", value: "b" }] }, OTHER_PROJECT);
    expect(answer(other)).toBe("404 KMS.0207");
    expect(tagsOf()).toEqual([]);
  });
});

describe("delete-tag", () => {
  it("removes the tag named in the path (204); a tag the key lacks succeeds too", () => {
    state.put(KEY, { tags: [{ key: "owner", value: "a/b" }, { key: "team", value: "t" }] });
    expect(answer(deleteOne("owner"))).toBe("204");
    expect(tagsOf()).toEqual([{ key: "team", value: "t" }]);
    expect(answer(deleteOne("owner"))).toBe("204");
    expect(tagsOf()).toEqual([{ key: "team", value: "t" }]);
  });

  it("checks the path's tag key like any tag key; a body may carry only a valid sequence", () => {
    expect(answer(deleteOne("k".repeat(37)))).toBe("400 KMS.0411");
    expect(answer(deleteOne("a*"))).toBe("400 KMS.0406");
    expect(answer(deleteOne(undefined))).toBe("400 KMS.0406");
    expect(answer(deleteOne("team", { sequence: "919c82d4-8046-4722-9094-35c3c6524cff" }))).toBe("204");
    expect(answer(deleteOne("team", { sequence: 7 }))).toBe("400 KMS.0206");
    expect(answer(deleteOne("team", "nope"))).toBe("400 KMS.0202");
  });

  it("an unknown key → 404 KMS.0207; a bad path key id → KMS.0205", () => {
    expect(answer(deleteOne("team", undefined, UNKNOWN))).toBe("404 KMS.0207");
    expect(answer(deleteOne("team", undefined, "nope"))).toBe("400 KMS.0205");
  });
});

describe("list-kms-tags", () => {
  it("answers every tag key of the project's keys with its distinct values, in the order first seen", () => {
    expect(bodyOf(run({ operation: "list-kms-tags" }))).toEqual({ tags: [] });
    state.put(KEY, { tags: [{ key: "owner", value: "a/b" }, { key: "team", value: "x" }] });
    state.put(UNKNOWN, { tags: [{ key: "team", value: "y" }, { key: "owner", value: "a/b" }] });
    state.put("bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee", { projectId: OTHER_PROJECT, tags: [{ key: "elsewhere", value: "1" }] });
    expect(bodyOf(run({ operation: "list-kms-tags" }))).toEqual({
      tags: [
        { key: "owner", values: ["a/b"] },
        { key: "team", values: ["x", "y"] },
      ],
    });
  });
});

describe("list-kms-by-tags", () => {
  const keyIds = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(8, "0")}-0000-0000-0000-000000000000`);

  beforeEach(() => {
    state.clear();
    for (const [i, keyId] of keyIds.entries()) {
      state.put(keyId, {
        keyAlias: `app-${i}`,
        tags: i % 3 === 0 ? [{ key: "owner", value: `p/s${i % 2}` }] : i % 3 === 1 ? [{ key: "team", value: "t" }] : [],
      });
    }
    state.put("ffffffff-0000-0000-0000-000000000000", { projectId: OTHER_PROJECT, tags: [{ key: "owner", value: "p/s0" }] });
  });

  const ids = (outcome: Outcome): unknown[] => (bodyOf(outcome).resources as { resource_id: string }[]).map((r) => r.resource_id);

  it("filter: the project's keys carrying the tag key with one of the values (none listed: any value), in creation order", () => {
    const anyOwner = byTags({ action: "filter", tags: [{ key: "owner", values: [] }], limit: "1000" });
    expect(ids(anyOwner)).toEqual([keyIds[0], keyIds[3], keyIds[6], keyIds[9]]);
    expect(bodyOf(anyOwner).total_count).toBe(4);
    expect(ids(byTags({ action: "filter", tags: [{ key: "owner" }], limit: "1000" }))).toEqual([keyIds[0], keyIds[3], keyIds[6], keyIds[9]]);
    expect(ids(byTags({ action: "filter", tags: [{ key: "owner", values: ["p/s1"] }] }))).toEqual([keyIds[3], keyIds[9]]);
    expect(ids(byTags({ action: "filter", tags: [{ key: "owner", values: ["p/s1", "p/s0"] }] }))).toHaveLength(4);
    // Several filters: a key must carry every one.
    expect(ids(byTags({ action: "filter", tags: [{ key: "owner", values: [] }, { key: "team", values: [] }] }))).toEqual([]);
  });

  it("each resource: id, the key as describe-key shows it, all its tags, the alias", () => {
    state.put(keyIds[0] ?? "", { tags: [{ key: "owner", value: "p/s0" }, { key: "env", value: "prod" }] });
    const [first] = bodyOf(byTags({ action: "filter", tags: [{ key: "env", values: ["prod"] }] })).resources as unknown[];
    const described = bodyOf(run({ operation: "describe-key" }, { key_id: keyIds[0] }));
    expect(first).toEqual({
      resource_id: keyIds[0],
      resource_detail: described.key_info,
      tags: [{ key: "owner", value: "p/s0" }, { key: "env", value: "prod" }],
      resource_name: "app-0",
    });
  });

  it("without tags: every key of the project; pages of limit (10 unless told) from offset; count answers only the total", () => {
    const first = byTags({ action: "filter" });
    expect(ids(first)).toEqual(keyIds.slice(0, 10));
    expect(bodyOf(first).total_count).toBe(12);
    expect(ids(byTags({ action: "filter", offset: "10" }))).toEqual(keyIds.slice(10));
    expect(ids(byTags({ action: "filter", limit: "5", offset: "5" }))).toEqual(keyIds.slice(5, 10));
    expect(ids(byTags({ action: "filter", limit: 3, offset: 0 }))).toEqual(keyIds.slice(0, 3));
    expect(ids(byTags({ action: "filter", offset: "50" }))).toEqual([]);
    expect(bodyOf(byTags({ action: "count" }))).toEqual({ total_count: 12 });
    expect(bodyOf(byTags({ action: "count", tags: [{ key: "team", values: ["t"] }] }))).toEqual({ total_count: 4 });
    expect(bodyOf(byTags({ action: "count" }, OTHER_PROJECT))).toEqual({ total_count: 1 });
  });

  it("matches: resource_name keeps keys whose alias contains the value; other fields and empty values → KMS.0203", () => {
    expect(ids(byTags({ action: "filter", matches: [{ key: "resource_name", value: "app-1" }] }))).toEqual([keyIds[1], keyIds[10], keyIds[11]]);
    expect(answer(byTags({ action: "filter", matches: [{ key: "key_alias", value: "app" }] }))).toBe("400 KMS.0203");
    expect(answer(byTags({ action: "filter", matches: [{ key: "resource_name", value: "" }] }))).toBe("400 KMS.0203");
    expect(answer(byTags({ action: "filter", matches: [{ key: "resource_name", value: "a".repeat(256) }] }))).toBe("400 KMS.0203");
    expect(answer(byTags({ action: "filter", matches: { key: "resource_name", value: "a" } }))).toBe("400 KMS.0203");
  });

  it("action: absent → KMS.0204, other than filter or count → KMS.0203", () => {
    expect(answer(byTags({}))).toBe("400 KMS.0204");
    expect(answer(byTags({ action: "list" }))).toBe("400 KMS.0203");
    expect(answer(byTags("nope"))).toBe("400 KMS.0202");
  });

  it("limit 1 to 1000, offset 0 or more: a bad limit → KMS.0203, an offset below 0 → KMS.0417, one not a number → KMS.0203", () => {
    for (const limit of ["0", "1001", "abc", "1.5", -1, true]) {
      expect(answer(byTags({ action: "filter", limit })), JSON.stringify(limit)).toBe("400 KMS.0203");
    }
    expect(answer(byTags({ action: "filter", limit: "1000" }))).toBe("200");
    expect(answer(byTags({ action: "filter", limit: "1" }))).toBe("200");
    expect(answer(byTags({ action: "filter", offset: "-1" }))).toBe("400 KMS.0417");
    expect(answer(byTags({ action: "filter", offset: -5 }))).toBe("400 KMS.0417");
    expect(answer(byTags({ action: "filter", offset: "x" }))).toBe("400 KMS.0203");
  });

  it("the filter: more than ten tag keys → KMS.0412, more than ten values of one → KMS.0413, each checked like a tag", () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, values: [] }));
    expect(answer(byTags({ action: "filter", tags: keys(11) }))).toBe("400 KMS.0412");
    expect(answer(byTags({ action: "filter", tags: keys(10) }))).toBe("200");
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    expect(answer(byTags({ action: "filter", tags: [{ key: "owner", values: values(11) }] }))).toBe("400 KMS.0413");
    expect(answer(byTags({ action: "filter", tags: [{ key: "owner", values: values(10) }] }))).toBe("200");
    expect(answer(byTags({ action: "filter", tags: [{ key: "", values: [] }] }))).toBe("400 KMS.0406");
    expect(answer(byTags({ action: "filter", tags: [{ key: "k".repeat(37), values: [] }] }))).toBe("400 KMS.0411");
    expect(answer(byTags({ action: "filter", tags: [{ key: "owner", values: ["v".repeat(44)] }] }))).toBe("400 KMS.0410");
    expect(answer(byTags({ action: "filter", tags: [{ key: "owner", values: ["a=b"] }] }))).toBe("400 KMS.0405");
    expect(answer(byTags({ action: "filter", tags: [{ key: "owner", values: "p/s0" }] }))).toBe("400 KMS.0203");
    expect(answer(byTags({ action: "filter", tags: { key: "owner" } }))).toBe("400 KMS.0203");
    expect(answer(byTags({ action: "filter", sequence: "x".repeat(37) }))).toBe("400 KMS.0206");
  });
});
