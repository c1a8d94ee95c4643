import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isLoopbackAddress } from "./admin-api.js";
import { DEFAULT_PROJECT_ID, DEFAULT_REGION, emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "./index.js";
import { callKms, callKmsRoute, errorOf, send } from "./kms-test-client.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const KEY2 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

let emu: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await startEmulator({ seed: { keys: [{ keyId: KEY, rotationEnabled: true, rotationInterval: 90 }] } });
  admin = emulatorAdmin(emu.url);
});
afterAll(async () => {
  await emu.close();
});

describe("keys", () => {
  beforeEach(async () => {
    await admin.reset();
  });

  it("PUT creates a key with defaults (201) and GET returns the same shape", async () => {
    const created = await send(emu.url, "PUT", `/__admin/keys/${KEY}`, { "Content-Type": "application/json" }, "{}");
    expect(created.status).toBe(201);
    const key = await admin.getKey(KEY);
    expect(key).toEqual(created.json);
    expect(key).toEqual({
      keyId: KEY,
      projectId: DEFAULT_PROJECT_ID,
      keyState: "2",
      origin: "kms",
      defaultKeyFlag: "0",
      keySpec: "AES_256",
      keyAlias: "emulated-0d0466b0",
      rotationEnabled: false,
      rotationInterval: 365,
      numberOfRotations: 0,
      lastRotationTime: null,
      creationDate: expect.any(Number) as unknown,
      tags: [],
    });
  });

  it("PUT changes only the given fields of an existing key (drift) and answers 200", async () => {
    await admin.putKey(KEY);
    const res = await send(
      emu.url,
      "PUT",
      `/__admin/keys/${KEY}`,
      { "Content-Type": "application/json" },
      JSON.stringify({ rotationEnabled: true, rotationInterval: 7, lastRotationTime: "2024-05-01T12:00:00Z", numberOfRotations: 4 }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      keyState: "2",
      rotationEnabled: true,
      rotationInterval: 7,
      numberOfRotations: 4,
      lastRotationTime: Date.UTC(2024, 4, 1, 12),
    });
    const status = await callKms(emu.url, "get-key-rotation-status", { key_id: KEY });
    expect(status.json).toEqual({
      key_rotation_enabled: true,
      rotation_interval: 7,
      last_rotation_time: Date.UTC(2024, 4, 1, 12),
      number_of_rotations: 4,
    });
    expect((await admin.putKey(KEY, { lastRotationTime: null })).lastRotationTime).toBeNull();
  });

  it("PUT refuses bad ids, unknown fields and bad values", async () => {
    const put = (id: string, body: string) => send(emu.url, "PUT", `/__admin/keys/${id}`, { "Content-Type": "application/json" }, body);
    expect((await put("not-a-key", "{}")).status).toBe(400);
    expect((await put(KEY, "{")).status).toBe(400);
    expect((await put(KEY, '{"keyState":"9"}')).status).toBe(400);
    expect((await put(KEY, '{"origin":"hsm"}')).status).toBe(400);
    expect((await put(KEY, '{"rotationEnabled":"yes"}')).status).toBe(400);
    const typo = await put(KEY, '{"rotationEnabeld":true}');
    expect(typo.status).toBe(400);
    expect(errorOf(typo)?.error_msg).toContain("rotationEnabeld");
    expect(await admin.getKey(KEY)).toBeUndefined();
  });

  it("a key put into another project is unknown to this one", async () => {
    await admin.putKey(KEY, { projectId: "ffffffffffffffffffffffffffffffff" });
    expect((await callKms(emu.url, "describe-key", { key_id: KEY })).status).toBe(404);
    expect((await callKms(emu.url, "describe-key", { key_id: KEY }, { projectId: "ffffffffffffffffffffffffffffffff" })).status).toBe(200);
  });

  it("DELETE makes the key vanish (204, then 404)", async () => {
    await admin.putKey(KEY);
    expect(await admin.deleteKey(KEY)).toBe(true);
    expect(await admin.deleteKey(KEY)).toBe(false);
    expect(await admin.getKey(KEY)).toBeUndefined();
    expect((await send(emu.url, "GET", `/__admin/keys/${KEY}`)).status).toBe(404);
  });

  it("rotate bumps numberOfRotations and sets lastRotationTime to now", async () => {
    await admin.putKey(KEY, { numberOfRotations: 2 });
    const before = Date.now();
    const rotated = await admin.rotate(KEY);
    expect(rotated.numberOfRotations).toBe(3);
    expect(rotated.lastRotationTime).toBeGreaterThanOrEqual(before);
    expect(rotated.lastRotationTime).toBeLessThanOrEqual(Date.now());
    expect((await send(emu.url, "POST", `/__admin/keys/${KEY2}/rotate`)).status).toBe(404);
  });

  it("tags: PUT sets the whole list in order, PATCH changes an existing key only, the API reads them", async () => {
    const owner = { key: "pulumi-rotation-owner", value: "infra/prod" };
    const created = await admin.putKey(KEY, { tags: [owner, { key: "team", value: "" }] });
    expect(created.tags).toEqual([owner, { key: "team", value: "" }]);
    const shown = await callKmsRoute(emu.url, { operation: "show-kms-tags", keyId: KEY });
    expect(shown.json).toEqual({ tags: [owner, { key: "team", value: "" }], existTagsNum: 2 });
    // Other fields leave the tags alone; tags replace the list.
    expect((await admin.putKey(KEY, { rotationEnabled: true })).tags).toEqual([owner, { key: "team", value: "" }]);
    expect((await admin.patchKey(KEY, { tags: [{ key: "team", value: "b" }] })).tags).toEqual([{ key: "team", value: "b" }]);
    expect(await admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, tags: [{ key: "team", value: "b" }] });

    const patchMissing = await send(emu.url, "PATCH", `/__admin/keys/${KEY2}`, { "Content-Type": "application/json" }, '{"tags":[]}');
    expect(patchMissing.status).toBe(404);
    expect(await admin.getKey(KEY2)).toBeUndefined();
  });

  it("tags: refuses a tag key twice and tags that are not {key, value} strings, but allows what the API would refuse", async () => {
    const put = (body: unknown) => send(emu.url, "PUT", `/__admin/keys/${KEY}`, { "Content-Type": "application/json" }, JSON.stringify(body));
    const twice = await put({ tags: [{ key: "a", value: "1" }, { key: "a", value: "2" }] });
    expect(twice.status).toBe(400);
    expect(errorOf(twice)?.error_msg).toContain('"a" appears more than once');
    expect((await put({ tags: [{ key: "a" }] })).status).toBe(400);
    expect((await put({ tags: [{ key: "a", value: 1 }] })).status).toBe(400);
    expect((await put({ tags: [{ key: "a", value: "1", owner: "x" }] })).status).toBe(400);
    expect(await admin.getKey(KEY)).toBeUndefined();
    // Eleven tags and a 50-character value: a state a client must still read.
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: "v".repeat(50) }));
    expect((await put({ tags: eleven })).status).toBe(201);
  });

  it("lists keys", async () => {
    await admin.putKey(KEY);
    await admin.putKey(KEY2);
    expect((await admin.listKeys()).map((k) => k.keyId).sort()).toEqual([KEY, KEY2].sort());
  });
});

describe("request log", () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.putKey(KEY);
  });

  it("records every API request in order, rejected ones too, without headers", async () => {
    await callKms(emu.url, "enable-key-rotation", { key_id: KEY, sequence: "s-1" });
    await callKms(emu.url, "enable-key-rotation", { key_id: KEY });
    await callKms(emu.url, "describe-key", undefined, { rawBody: "not json" });
    await callKms(emu.url, "describe-key", { key_id: KEY }, { auth: "none" });
    await callKms(emu.url, "nope", { key_id: KEY });
    await admin.getKey(KEY);
    const log = await admin.requests();
    expect(log).toEqual([
      { operation: "enable-key-rotation", keyId: KEY, projectId: DEFAULT_PROJECT_ID, region: DEFAULT_REGION, body: { key_id: KEY, sequence: "s-1" }, status: 200, at: expect.any(String) as unknown },
      expect.objectContaining({ operation: "enable-key-rotation", keyId: KEY, status: 400, errorCode: "KMS.2901" }),
      expect.objectContaining({ operation: "describe-key", body: "not json", status: 400, errorCode: "KMS.0202" }),
      expect.objectContaining({ operation: "describe-key", keyId: KEY, status: 401, errorCode: "APIG.0301" }),
      expect.objectContaining({ operation: "nope", status: 404, errorCode: "APIG.0101" }),
    ]);
    expect(JSON.stringify(log)).not.toMatch(/Authorization|SDK-HMAC|X-Sdk-Date/i);
  });

  it("DELETE /__admin/requests clears it; reset empties keys, log and faults", async () => {
    await callKms(emu.url, "describe-key", { key_id: KEY });
    await admin.clearRequests();
    expect(await admin.requests()).toEqual([]);
    await callKms(emu.url, "describe-key", { key_id: KEY });
    await admin.addFault({ kind: "latency", ms: 1 });
    await admin.reset();
    expect([await admin.listKeys(), await admin.requests(), await admin.faults()]).toEqual([[], [], []]);
  });
});

describe("admin access", () => {
  it("is served to loopback peers only", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ["10.0.0.5", "192.168.1.2", "::ffff:10.0.0.1", "fe80::1", "", undefined]) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });

  it("refuses requests relayed by a proxy (403)", async () => {
    const res = await send(emu.url, "GET", "/__admin/requests", { "X-Forwarded-For": "203.0.113.7" });
    expect(res.status).toBe(403);
    expect((await send(emu.url, "GET", "/__admin/requests", { Forwarded: "for=203.0.113.7" })).status).toBe(403);
  });

  it("answers 404 for unknown admin routes and needs no credentials", async () => {
    expect((await send(emu.url, "GET", "/__admin/nope")).status).toBe(404);
    expect((await send(emu.url, "PATCH", "/__admin/requests")).status).toBe(404);
    expect((await send(emu.url, "GET", "/__admin/requests")).status).toBe(200);
  });
});

describe("seed", () => {
  it("starts with the seeded keys", async () => {
    const seeded = await startEmulator({
      seed: {
        keys: [
          { keyId: KEY, rotationEnabled: true, rotationInterval: 90, keySpec: "SM4", tags: [{ key: "pulumi-rotation-owner", value: "infra/prod" }] },
          { keyId: KEY2, origin: "external" },
        ],
      },
    });
    try {
      const a = emulatorAdmin(seeded.url);
      expect(await a.getKey(KEY)).toMatchObject({
        rotationEnabled: true,
        rotationInterval: 90,
        keySpec: "SM4",
        tags: [{ key: "pulumi-rotation-owner", value: "infra/prod" }],
      });
      expect(await a.getKey(KEY2)).toMatchObject({ origin: "external" });
    } finally {
      await seeded.close();
    }
  });

  it("refuses an invalid seed", async () => {
    await expect(startEmulator({ seed: { keys: [{ keyId: "bad" }] } })).rejects.toThrow();
  });
});
