import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "./index.js";
import { KMS_OPERATIONS } from "../provider/kms/kms-rules.js";
import type { KmsRoute } from "../provider/kms/kms-routes.js";
import { callKms, callKmsRoute, errorOf, send, type CallOptions } from "./kms-test-client.js";
import { isTagOperation } from "./tag-handlers.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const OTHER_PROJECT = "ffffffffffffffffffffffffffffffff";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let emu: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await startEmulator();
  admin = emulatorAdmin(emu.url);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await admin.reset();
  await admin.putKey(KEY);
});

const call = (op: string, body: unknown, opts?: Parameters<typeof callKms>[3]) => callKms(emu.url, op, body, opts);

async function expectError(
  res: Promise<Awaited<ReturnType<typeof callKms>>>,
  status: number,
  code: string,
): Promise<void> {
  const r = await res;
  expect({ status: r.status, code: errorOf(r)?.error_code }).toEqual({ status, code });
  expect(errorOf(r)?.error_msg).toEqual(expect.any(String));
}

describe("happy paths", () => {
  it("starts on an ephemeral loopback port", () => {
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    expect(emu.port).toBeGreaterThan(0);
  });

  it("enable sets interval 365 without rotating; update changes it; disable keeps it", async () => {
    await admin.putKey(KEY, { rotationInterval: 90 });
    const enabled = await call("enable-key-rotation", { key_id: KEY, sequence: "919c82d4-8046-4722-9094-35c3c6524cff" });
    expect(enabled.status).toBe(200);
    expect(enabled.json).toEqual({});
    expect(await admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 365, numberOfRotations: 0 });

    expect((await call("update-key-rotation-interval", { key_id: KEY, rotation_interval: 30 })).json).toEqual({});
    expect((await admin.getKey(KEY))?.rotationInterval).toBe(30);
    expect((await call("update-key-rotation-interval", { key_id: KEY, rotation_interval: 365 })).status).toBe(200);

    expect((await call("disable-key-rotation", { key_id: KEY })).json).toEqual({});
    expect(await admin.getKey(KEY)).toMatchObject({ rotationEnabled: false, rotationInterval: 365 });
  });

  it("get-key-rotation-status answers booleans and numbers, omitting last_rotation_time until a rotation", async () => {
    const before = await call("get-key-rotation-status", { key_id: KEY });
    expect(before.status).toBe(200);
    expect(before.json).toEqual({ key_rotation_enabled: false, rotation_interval: 365, number_of_rotations: 0 });

    await call("enable-key-rotation", { key_id: KEY });
    const t0 = Date.now();
    await admin.rotate(KEY);
    const after = (await call("get-key-rotation-status", { key_id: KEY })).json as Record<string, unknown>;
    expect(after).toMatchObject({ key_rotation_enabled: true, rotation_interval: 365, number_of_rotations: 1 });
    // Milliseconds, like the documented example "1501578672000".
    expect(after.last_rotation_time).toBeGreaterThanOrEqual(t0 - 1000);
    expect(after.last_rotation_time).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("describe-key answers key_info with string fields", async () => {
    await admin.putKey(KEY, { keyState: "3", keySpec: "SM4", rotationEnabled: true });
    const res = await call("describe-key", { key_id: KEY });
    expect(res.status).toBe(200);
    expect((res.json as { key_info: unknown }).key_info).toMatchObject({
      key_id: KEY,
      key_state: "3",
      origin: "kms",
      default_key_flag: "0",
      key_spec: "SM4",
      key_rotation_enabled: "true",
      creation_date: expect.stringMatching(/^\d+$/) as unknown,
    });
  });

  it("disable-key and enable-key move between states 2 and 3", async () => {
    const disabled = await call("disable-key", { key_id: KEY });
    expect(disabled.json).toEqual({ key_info: { key_id: KEY, key_state: "3" } });
    await expectError(call("disable-key", { key_id: KEY }), 400, "KMS.0209");
    const enabled = await call("enable-key", { key_id: KEY });
    expect(enabled.json).toEqual({ key_info: { key_id: KEY, key_state: "2" } });
    await expectError(call("enable-key", { key_id: KEY }), 400, "KMS.0208");
  });

  it("works with a token instead of a signature", async () => {
    expect((await call("describe-key", { key_id: KEY }, { auth: "token" })).status).toBe(200);
  });

  it("puts X-Request-Id and a JSON content type on successes and errors", async () => {
    const ok = await call("describe-key", { key_id: KEY });
    const bad = await call("describe-key", {});
    const unauth = await call("describe-key", { key_id: KEY }, { auth: "none" });
    for (const r of [ok, bad, unauth]) {
      expect(r.headers["x-request-id"]).toMatch(UUID);
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
    }
    expect(ok.headers["x-request-id"]).not.toBe(bad.headers["x-request-id"]);
  });
});

describe("loose types", () => {
  it("answers rotation status with strings and milliseconds as a string", async () => {
    const loose = await startEmulator({ looseTypes: true, seed: { keys: [{ keyId: KEY, rotationEnabled: true, rotationInterval: 90 }] } });
    try {
      expect((await callKms(loose.url, "get-key-rotation-status", { key_id: KEY })).json).toEqual({
        key_rotation_enabled: "true",
        rotation_interval: "90",
        number_of_rotations: "0",
      });
      await emulatorAdmin(loose.url).putKey(KEY, { lastRotationTime: 1501578672000, numberOfRotations: 2 });
      expect((await callKms(loose.url, "get-key-rotation-status", { key_id: KEY })).json).toEqual({
        key_rotation_enabled: "true",
        rotation_interval: "90",
        last_rotation_time: "1501578672000",
        number_of_rotations: "2",
      });
    } finally {
      await loose.close();
    }
  });
});

describe("request validation", () => {
  // Every operation that names its key in the body (list-keys takes none; tag operations take it in the path).
  const ops = KMS_OPERATIONS.filter((op) => op !== "list-keys" && !isTagOperation(op));

  it.each(ops)("%s: bad JSON → KMS.0202, missing key_id → KMS.0204, malformed → KMS.0205, long sequence → KMS.0206", async (op) => {
    await expectError(call(op, undefined, { rawBody: '{"key_id": ' }), 400, "KMS.0202");
    await expectError(call(op, undefined, { rawBody: "" }), 400, "KMS.0202");
    await expectError(call(op, [KEY]), 400, "KMS.0202");
    await expectError(call(op, { rotation_interval: 90 }), 400, "KMS.0204");
    await expectError(call(op, { key_id: null }), 400, "KMS.0204");
    await expectError(call(op, { key_id: KEY.toUpperCase(), rotation_interval: 90 }), 400, "KMS.0205");
    await expectError(call(op, { key_id: `${KEY}0`, rotation_interval: 90 }), 400, "KMS.0205");
    await expectError(call(op, { key_id: 42, rotation_interval: 90 }), 400, "KMS.0205");
    await expectError(call(op, { key_id: KEY, sequence: "x".repeat(37), rotation_interval: 90 }), 400, "KMS.0206");
    await expectError(call(op, { key_id: KEY, sequence: 7, rotation_interval: 90 }), 400, "KMS.0206");
  });

  it.each(ops)("%s: unknown key and another project's key → 404 KMS.0207", async (op) => {
    const unknown = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    await expectError(call(op, { key_id: unknown, rotation_interval: 90 }), 404, "KMS.0207");
    await expectError(call(op, { key_id: KEY, rotation_interval: 90 }, { projectId: OTHER_PROJECT }), 404, "KMS.0207");
  });

  it.each([29, 366, 0, -30, 90.5, "90", null, true])("rotation_interval %j → KMS.3001 or KMS.0204", async (interval) => {
    await call("enable-key-rotation", { key_id: KEY });
    const code = interval === null ? "KMS.0204" : "KMS.3001";
    await expectError(call("update-key-rotation-interval", { key_id: KEY, rotation_interval: interval }), 400, code);
  });

  it("rotation_interval is validated before the key is looked up", async () => {
    await expectError(
      call("update-key-rotation-interval", { key_id: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", rotation_interval: 10 }),
      400,
      "KMS.3001",
    );
  });

  it("unknown operations, other methods and other paths → 404 APIG.0101", async () => {
    await expectError(call("create-key", { key_id: KEY }), 404, "APIG.0101");
    const get = await send(emu.url, "GET", "/v1.0/p/kms/describe-key");
    expect([get.status, errorOf(get)?.error_code]).toEqual([404, "APIG.0101"]);
    const root = await send(emu.url, "GET", "/");
    expect(root.status).toBe(404);
  });
});

describe("rotation semantics", () => {
  it("enabling an enabled rotation → KMS.2901 and changes nothing", async () => {
    await call("enable-key-rotation", { key_id: KEY });
    await call("update-key-rotation-interval", { key_id: KEY, rotation_interval: 45 });
    await expectError(call("enable-key-rotation", { key_id: KEY }), 400, "KMS.2901");
    expect((await admin.getKey(KEY))?.rotationInterval).toBe(45);
  });

  it("disabling a disabled rotation and updating the interval while disabled → KMS.0313", async () => {
    await expectError(call("disable-key-rotation", { key_id: KEY }), 400, "KMS.0313");
    await expectError(call("update-key-rotation-interval", { key_id: KEY, rotation_interval: 90 }), 400, "KMS.0313");
    expect((await admin.getKey(KEY))?.rotationInterval).toBe(365);
  });

  const refusals: [string, Parameters<EmulatorAdmin["putKey"]>[1], string][] = [
    ["disabled", { keyState: "3" }, "KMS.0209"],
    ["pending deletion", { keyState: "4" }, "KMS.0210"],
    ["pending activation", { keyState: "1" }, "KMS.0208"],
    ["frozen", { keyState: "7" }, "KMS.0208"],
    ["a Default Master Key", { defaultKeyFlag: "1" }, "KMS.0211"],
    ["external", { origin: "external" }, "KMS.0312"],
    ["RSA", { keySpec: "RSA_2048" }, "KMS.0324"],
    ["EC", { keySpec: "EC_P256" }, "KMS.0325"],
    ["SM2", { keySpec: "SM2" }, "KMS.0325"],
  ];

  it.each(refusals)("a %s key refuses the rotation mutations but answers reads", async (_name, patch, code) => {
    await admin.putKey(KEY, { ...patch, rotationEnabled: true });
    await expectError(call("enable-key-rotation", { key_id: KEY }), 400, code);
    await expectError(call("disable-key-rotation", { key_id: KEY }), 400, code);
    await expectError(call("update-key-rotation-interval", { key_id: KEY, rotation_interval: 90 }), 400, code);
    expect((await call("get-key-rotation-status", { key_id: KEY })).status).toBe(200);
    expect((await call("describe-key", { key_id: KEY })).status).toBe(200);
  });

  it("enable-key and disable-key refuse keys pending deletion and Default Master Keys", async () => {
    await admin.putKey(KEY, { keyState: "4" });
    await expectError(call("enable-key", { key_id: KEY }), 400, "KMS.0210");
    await expectError(call("disable-key", { key_id: KEY }), 400, "KMS.0210");
    await admin.putKey(KEY, { keyState: "2", defaultKeyFlag: "1" });
    await expectError(call("disable-key", { key_id: KEY }), 400, "KMS.0211");
  });

  it("a key that vanishes out of band is unknown", async () => {
    await admin.deleteKey(KEY);
    await expectError(call("get-key-rotation-status", { key_id: KEY }), 404, "KMS.0207");
  });
});

describe("list-keys", () => {
  const id = (i: number): string => `2b2b2b2b-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
  beforeEach(async () => {
    for (let i = 1; i <= 6; i++) await admin.putKey(id(i), { keySpec: i <= 4 ? "AES_256" : "EC_P256", keyState: i === 2 ? "4" : "2", keyAlias: `k${i}` });
    await admin.putKey(id(9), { projectId: OTHER_PROJECT });
  });

  it("answers the documented shape: ids, string-typed details, next_marker, truncated as a string, total", async () => {
    const r = await call("list-keys", { limit: "2", key_spec: "ALL" });
    expect(r.status).toBe(200);
    const body = r.json as Record<string, unknown>;
    expect(body).toMatchObject({ keys: [KEY, id(1)], next_marker: "2", truncated: "true", total: 7 });
    const details = body.key_details as Record<string, unknown>[];
    expect(details[1]).toMatchObject({ key_id: id(1), key_alias: "k1", key_state: "2", key_spec: "AES_256", default_key_flag: "0", origin: "kms" });
    for (const value of Object.values(details[1] ?? {})) expect(typeof value).toBe("string");
  });

  it("pages with marker until truncated is \"false\"", async () => {
    const last = await call("list-keys", { limit: "5", marker: "5", key_spec: "ALL" });
    expect(last.json).toMatchObject({ keys: [id(5), id(6)], next_marker: "", truncated: "false", total: 7 });
  });

  it("lists AES_256 keys only when key_spec is left out, as KMS does; and filters on key_state", async () => {
    expect((await call("list-keys", {})).json).toMatchObject({ keys: [KEY, id(1), id(2), id(3), id(4)], truncated: "false" });
    expect((await call("list-keys", { key_state: "4", key_spec: "ALL" })).json).toMatchObject({ keys: [id(2)], total: 1 });
    expect((await call("list-keys", { key_spec: "EC_P256" })).json).toMatchObject({ keys: [id(5), id(6)] });
  });

  it("refuses bad paging and filters with KMS.0203", async () => {
    await expectError(call("list-keys", { limit: "0" }), 400, "KMS.0203");
    await expectError(call("list-keys", { limit: "ten" }), 400, "KMS.0203");
    await expectError(call("list-keys", { marker: "-1" }), 400, "KMS.0203");
    await expectError(call("list-keys", { key_state: "7" }), 400, "KMS.0203");
    await expectError(call("list-keys", { key_spec: "AES_128" }), 400, "KMS.0203");
  });
});

describe("key tags over HTTP", () => {
  const OWNER = { key: "pulumi-rotation-owner", value: "infra/prod" };
  const tagCall = (route: KmsRoute, body?: unknown, opts?: CallOptions) => callKmsRoute(emu.url, route, body, opts);

  it("GET, POST and DELETE are signed over their real method, path and body; writes answer 204 without a body", async () => {
    const added = await tagCall({ operation: "batch-create-kms-tags", keyId: KEY }, { action: "create", tags: [OWNER, { key: "team", value: "a" }] });
    expect([added.status, added.text, added.headers["content-type"]]).toEqual([204, "", undefined]);
    expect(added.headers["x-request-id"]).toMatch(UUID);

    const shown = await tagCall({ operation: "show-kms-tags", keyId: KEY });
    expect([shown.status, shown.json]).toEqual([200, { tags: [OWNER, { key: "team", value: "a" }], existTagsNum: 2 }]);

    expect((await tagCall({ operation: "delete-tag", keyId: KEY, tagKey: "team" })).status).toBe(204);
    expect((await tagCall({ operation: "create-kms-tag", keyId: KEY }, { tag: { key: "env", value: "prod" } })).status).toBe(204);
    expect((await admin.getKey(KEY))?.tags).toEqual([OWNER, { key: "env", value: "prod" }]);
    expect((await tagCall({ operation: "show-kms-tags", keyId: KEY }, undefined, { auth: "token" })).status).toBe(200);
  });

  it("a signature for another method or another key's path is refused (401 APIG.0301) and changes nothing", async () => {
    await admin.putKey(KEY, { tags: [OWNER] });
    const other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    await admin.putKey(other, { tags: [OWNER] });
    await expectError(tagCall({ operation: "show-kms-tags", keyId: KEY }, undefined, { sendAs: { method: "POST" } }), 401, "APIG.0301");
    await expectError(
      tagCall({ operation: "delete-tag", keyId: KEY, tagKey: OWNER.key }, undefined, { sendAs: { relativePath: `${other}/tags/${OWNER.key}` } }),
      401,
      "APIG.0301",
    );
    await expectError(
      tagCall({ operation: "batch-create-kms-tags", keyId: KEY }, { action: "delete", tags: [OWNER] }, { tamper: (b) => b.replace("delete", "create") }),
      401,
      "APIG.0301",
    );
    expect([(await admin.getKey(KEY))?.tags, (await admin.getKey(other))?.tags]).toEqual([[OWNER], [OWNER]]);
  });

  it("tag keys are percent-decoded from the path; a path key id that is not a key id → KMS.0205; an unknown key → 404 KMS.0207", async () => {
    await admin.putKey(KEY, { tags: [{ key: "cost center/键", value: "1" }, OWNER] });
    expect((await tagCall({ operation: "delete-tag", keyId: KEY, tagKey: "cost center/键" })).status).toBe(204);
    expect((await admin.getKey(KEY))?.tags).toEqual([OWNER]);
    await expectError(tagCall({ operation: "show-kms-tags", keyId: "not-a-key" }), 400, "KMS.0205");
    await expectError(tagCall({ operation: "show-kms-tags", keyId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" }), 404, "KMS.0207");
    await expectError(tagCall({ operation: "create-kms-tag", keyId: KEY }, { tag: { key: "a", value: "b" } }, { projectId: OTHER_PROJECT }), 404, "KMS.0207");
  });

  it("other methods on tag paths → 404 APIG.0101", async () => {
    await expectError(tagCall({ operation: "show-kms-tags", keyId: KEY }, undefined, { sendAs: { method: "PUT" } }), 404, "APIG.0101");
    await expectError(tagCall({ operation: "list-kms-tags" }, undefined, { sendAs: { method: "POST" } }), 404, "APIG.0101");
    await expectError(tagCall({ operation: "list-kms-by-tags" }, { action: "count" }, { sendAs: { method: "GET" } }), 404, "APIG.0101");
  });

  it("list-kms-tags and list-kms-by-tags answer the project's tags and tagged keys", async () => {
    await admin.putKey(KEY, { tags: [OWNER], keyAlias: "orders" });
    const tags = await tagCall({ operation: "list-kms-tags" });
    expect([tags.status, tags.json]).toEqual([200, { tags: [{ key: OWNER.key, values: [OWNER.value] }] }]);
    const found = await tagCall({ operation: "list-kms-by-tags" }, { action: "filter", limit: "1000", offset: "0", tags: [{ key: OWNER.key, values: [] }] });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ resources: [{ resource_id: KEY, tags: [OWNER], resource_name: "orders" }], total_count: 1 });
    await expectError(tagCall({ operation: "list-kms-by-tags" }, { action: "filter", offset: "-1" }), 400, "KMS.0417");
  });

  it("the request log names each tag operation and its path key id; faults target tag operations by name and key", async () => {
    await admin.clearRequests();
    await admin.addFault({ operation: "show-kms-tags", keyId: KEY, kind: "status", status: 503, times: 1 });
    await expectError(tagCall({ operation: "show-kms-tags", keyId: KEY }), 503, "KMS.0104");
    await tagCall({ operation: "show-kms-tags", keyId: KEY });
    await tagCall({ operation: "batch-create-kms-tags", keyId: KEY }, { action: "create", tags: [OWNER] });
    await tagCall({ operation: "list-kms-by-tags" }, { action: "count" });
    const log = await admin.requests();
    expect(log.map((e) => [e.operation, e.keyId, e.status])).toEqual([
      ["show-kms-tags", KEY, 503],
      ["show-kms-tags", KEY, 200],
      ["batch-create-kms-tags", KEY, 204],
      ["list-kms-by-tags", undefined, 200],
    ]);
    expect(log[2]?.body).toEqual({ action: "create", tags: [OWNER] });
  });
});
