import { MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { officialAuthorization } from "../../test/support/official-signer.js";
import type { KmsClientConfig } from "../config/kms-config.js";
import { computeSignature, parseAuthorizationHeader, parseSdkDate } from "../transport/aksk-signer.js";
import { gateForOrigin, resetOriginGates } from "../transport/concurrency.js";
import { KmsClient, type KmsClientOptions } from "./kms-client.js";
import type { KmsOperation } from "./kms-rules.js";
import { kmsError } from "../../test/support/kms-errors.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const PROJECT = "0123456789abcdef0123456789abcdef";
const AK = "HPUAEXAMPLEACCESSKEY";
const SK = "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr";
const STS = "gQpjbi1ub3J0aC00temporarysecuritytoken";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const T0 = Date.parse("2026-03-01T00:00:00Z");

let originCounter = 0;
const agents: MockAgent[] = [];

afterEach(async () => {
  resetOriginGates();
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

interface SentRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  rawBody: string;
}

type ReplyHeaders = Record<string, string>;

/** A client wired to a MockAgent, a fake clock that sleeping advances, and a captured log. */
function setup(configOverrides: Partial<KmsClientConfig> = {}, optionOverrides: Partial<KmsClientOptions> = {}) {
  const origin = `https://kms-${++originCounter}.example.com`;
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(origin);
  let clock = T0;
  const sleeps: number[] = [];
  const logs: string[] = [];
  const config: KmsClientConfig = {
    endpoint: origin,
    projectId: PROJECT,
    credentials: { kind: "aksk", accessKey: AK, secretKey: SK },
    maxRetries: 5,
    requestTimeoutMs: 30_000,
    deadlineMs: 120_000,
    maxConcurrency: 10,
    ...configOverrides,
  };
  const options: KmsClientOptions = {
    dispatcher: agent,
    logger: { debug: (m) => logs.push(m) },
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => new Date(clock),
    ...optionOverrides,
  };
  const client = new KmsClient(config, options);
  const path = (op: KmsOperation): string => `/v1.0/${PROJECT}/kms/${op}`;
  const reply = (op: KmsOperation, status: number, body: unknown, headers: ReplyHeaders = {}) =>
    pool
      .intercept({ path: path(op), method: "POST" })
      .reply(status, typeof body === "string" ? body : JSON.stringify(body), { headers: { "content-type": "application/json", ...headers } });
  const fail = (op: KmsOperation, code: string) =>
    pool.intercept({ path: path(op), method: "POST" }).replyWithError(Object.assign(new Error(`simulated ${code}`), { code }));
  const sent = (): SentRequest[] =>
    (agent.getCallHistory()?.calls() ?? []).map((c) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(c.headers ?? {})) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      const rawBody = c.body ?? "";
      return { path: c.path, headers, rawBody, body: JSON.parse(rawBody) as Record<string, unknown> };
    });
  return { client, config, pool, agent, origin, reply, fail, sent, sleeps, logs, path, advance: (ms: number) => (clock += ms), nowMs: () => clock };
}


const kmsErr = (code: string, msg = "simulated") => ({ error: { error_code: code, error_msg: msg } });

/** Checks that a captured request carries a valid SDK-HMAC-SHA256 signature over what was sent. */
function expectValidSignature(req: SentRequest, origin: string, secretKey = SK): void {
  const authorization = req.headers.Authorization ?? "";
  const parsed = parseAuthorizationHeader(authorization);
  expect(parsed).toBeDefined();
  if (!parsed) return;
  const lower = new Map(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
  // Every header that carries meaning is signed, and every signed header was sent.
  for (const name of ["content-type", "host", "x-sdk-date", "x-project-id"]) expect(parsed.signedHeaders).toContain(name);
  if (lower.has("x-security-token")) expect(parsed.signedHeaders).toContain("x-security-token");
  const signed = Object.fromEntries(parsed.signedHeaders.map((n) => lower.get(n) ?? [n, ""]));
  expect(computeSignature({ method: "POST", path: req.path, headers: signed, body: req.rawBody }, secretKey)).toBe(parsed.signature);
  const { Host: host, ...withoutHost } = signed;
  expect(host).toBe(new URL(origin).host);
  expect(
    officialAuthorization({ url: `${origin}${req.path}`, method: "POST", headers: withoutHost, data: req.body, accessKey: parsed.accessKey, secretKey }),
  ).toBe(authorization);
}

describe("operations", () => {
  it("gets the rotation status and normalizes loose types", async () => {
    const t = setup();
    t.reply("get-key-rotation-status", 200, {
      key_rotation_enabled: "true",
      rotation_interval: "90",
      last_rotation_time: "1501578672",
      number_of_rotations: "2",
    });
    await expect(t.client.getKeyRotationStatus(KEY)).resolves.toEqual({
      enabled: true,
      intervalDays: 90,
      lastRotationTime: "2017-08-01T09:11:12.000Z",
      numberOfRotations: 2,
    });
    const [req] = t.sent();
    expect(req?.path).toBe(`/v1.0/${PROJECT}/kms/get-key-rotation-status`);
    expect(req?.body).toEqual({ key_id: KEY, sequence: expect.stringMatching(UUID) as unknown });
    expect(req?.headers["Content-Type"]).toBe("application/json");
    expect(req?.headers["X-Project-Id"]).toBe(PROJECT);
    expect(parseSdkDate(req?.headers["X-Sdk-Date"] ?? "")?.getTime()).toBe(T0);
  });

  it("enables, disables and updates rotation with the documented bodies", async () => {
    const t = setup();
    t.reply("enable-key-rotation", 200, {});
    t.reply("disable-key-rotation", 200, "");
    t.reply("update-key-rotation-interval", 200, {});
    await expect(t.client.enableKeyRotation(KEY)).resolves.toBeUndefined();
    await expect(t.client.disableKeyRotation(KEY)).resolves.toBeUndefined();
    await expect(t.client.updateKeyRotationInterval(KEY, 30)).resolves.toBeUndefined();
    const bodies = t.sent().map((r) => r.rawBody);
    expect(bodies[0]).toMatch(new RegExp(`^\\{"key_id":"${KEY}","sequence":"[0-9a-f-]{36}"\\}$`));
    expect(bodies[2]).toMatch(new RegExp(`^\\{"key_id":"${KEY}","rotation_interval":30,"sequence":"[0-9a-f-]{36}"\\}$`));
    // Each logical call has its own sequence.
    expect(new Set(t.sent().map((r) => r.body.sequence)).size).toBe(3);
  });

  it("describes a key", async () => {
    const t = setup();
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2", origin: "kms", default_key_flag: "0", key_spec: "AES_256" } });
    await expect(t.client.describeKey(KEY)).resolves.toEqual({
      keyId: KEY,
      keyState: "2",
      origin: "kms",
      defaultKeyFlag: "0",
      isDefaultKey: false,
      keySpec: "AES_256",
    });
  });

  it.each(["", "0D0466B0-E727-4D9C-B35D-F84BB474A37F", "alias/my-key", `${KEY} `, "x".repeat(500)])(
    "rejects key id %j before sending anything",
    async (bad) => {
      const t = setup();
      const e = await kmsError(t.client.describeKey(bad));
      expect(e).toMatchObject({ code: "INVALID_ARGUMENT", status: 0, attempts: 0, retryable: false, operation: "describe-key" });
      expect(e.message).toContain("keyId");
      expect(e.message).toContain("^[0-9a-z]{8}-");
      expect(e.message.length).toBeLessThan(700);
      expect(t.sent()).toHaveLength(0);
    },
  );

  it.each([29, 366, 30.5, Number.NaN, 0])("rejects rotation interval %s before sending anything", async (bad) => {
    const t = setup();
    const e = await kmsError(t.client.updateKeyRotationInterval(KEY, bad));
    expect(e).toMatchObject({ code: "INVALID_ARGUMENT", attempts: 0, operation: "update-key-rotation-interval", keyId: KEY });
    expect(e.message).toContain(`intervalDays ${String(bad)}`);
    expect(e.message).toContain("30 to 365");
    expect(t.sent()).toHaveLength(0);
  });
});

describe("tag operations", () => {
  it("reads a key's tags with a signed GET that names the key in its path and sends no body", async () => {
    const t = setup();
    t.pool
      .intercept({ path: `/v1.0/${PROJECT}/kms/${KEY}/tags`, method: "GET" })
      .reply(200, JSON.stringify({ tags: [{ key: "pulumi-rotation-owner", value: "infra/prod" }, { key: "team", value: null }], existTagsNum: 2 }));
    expect(await t.client.showKeyTags(KEY)).toEqual([
      { key: "pulumi-rotation-owner", value: "infra/prod" },
      { key: "team", value: "" },
    ]);
    const [req] = (t.agent.getCallHistory()?.calls() ?? []).map((c) => c);
    expect(req?.body ?? "").toBe("");
    const authorization = String(req?.headers?.Authorization ?? "");
    const signedNames = parseAuthorizationHeader(authorization)?.signedHeaders ?? [];
    const headers = Object.fromEntries(Object.entries(req?.headers ?? {}).filter(([k]) => signedNames.includes(k.toLowerCase()) && k !== "Host")) as Record<string, string>;
    expect(officialAuthorization({ url: `${t.origin}${req?.path ?? ""}`, method: "GET", headers, data: "", accessKey: AK, secretKey: SK })).toBe(authorization);
  });

  it("adds and removes tags with one batch call each, the key in the path and a sequence in the body", async () => {
    const t = setup();
    const at = `/v1.0/${PROJECT}/kms/${KEY}/tags/action`;
    t.pool.intercept({ path: at, method: "POST" }).reply(204, "");
    t.pool.intercept({ path: at, method: "POST" }).reply(204, "");
    await t.client.addKeyTags(KEY, [{ key: "pulumi-rotation-owner", value: "infra/prod" }]);
    await t.client.removeKeyTags(KEY, [{ key: "pulumi-rotation-owner", value: "infra/prod" }]);
    const bodies = t.sent().map((r) => r.body);
    expect(bodies.map((b) => b.action)).toEqual(["create", "delete"]);
    for (const b of bodies) {
      expect(b.tags).toEqual([{ key: "pulumi-rotation-owner", value: "infra/prod" }]);
      expect(b).not.toHaveProperty("key_id");
      expect(b.sequence).toMatch(UUID);
    }
  });

  it("lists keys by tag with limit and offset as strings, and refuses a page size KMS would refuse before sending", async () => {
    const t = setup();
    t.pool.intercept({ path: `/v1.0/${PROJECT}/kms/resource_instances/action`, method: "POST" }).reply(
      200,
      JSON.stringify({ resources: [{ resource_id: KEY, resource_name: "app", resource_detail: null, tags: [{ key: "pulumi-rotation-owner", value: "a/b" }] }], total_count: "1" }),
    );
    const page = await t.client.listKeysByTags({ tags: [{ key: "pulumi-rotation-owner", values: [] }], limit: 1000, offset: 0 });
    expect(page).toEqual({ resources: [{ resourceId: KEY, resourceName: "app", tags: [{ key: "pulumi-rotation-owner", value: "a/b" }] }], totalCount: 1 });
    expect(t.sent()[0]?.body).toEqual({ action: "filter", tags: [{ key: "pulumi-rotation-owner", values: [] }], limit: "1000", offset: "0" });
    await expect(t.client.listKeysByTags({ limit: 1001 })).rejects.toThrow(/limit 1001 is not a whole number from 1 to 1000/);
    expect(t.sent()).toHaveLength(1);
  });
});

describe("authentication", () => {
  it("signs exactly what it sends (checked with this signer and the official one)", async () => {
    const t = setup({ credentials: { kind: "aksk", accessKey: AK, secretKey: SK, securityToken: STS } });
    t.reply("update-key-rotation-interval", 200, {});
    await t.client.updateKeyRotationInterval(KEY, 180);
    const [req] = t.sent();
    if (!req) throw new Error("no request");
    expect(req.headers["X-Security-Token"]).toBe(STS);
    expect(req.headers.Host).toBe(new URL(t.origin).host);
    expectValidSignature(req, t.origin);
    expect(parseAuthorizationHeader(req.headers.Authorization ?? "")?.signedHeaders).toEqual([
      "content-type",
      "host",
      "x-project-id",
      "x-sdk-date",
      "x-security-token",
    ]);
  });

  it("includes a non-default port in the signed Host", async () => {
    const agent = new MockAgent({ enableCallHistory: true });
    agent.disableNetConnect();
    agents.push(agent);
    const origin = "https://kms.example.com:8443";
    agent.get(origin).intercept({ path: `/v1.0/${PROJECT}/kms/describe-key`, method: "POST" }).reply(200, { key_info: { key_id: KEY, key_state: "2" } });
    const client = new KmsClient(
      { endpoint: origin, projectId: PROJECT, credentials: { kind: "aksk", accessKey: AK, secretKey: SK }, maxRetries: 0, requestTimeoutMs: 1000, deadlineMs: 1000, maxConcurrency: 1 },
      { dispatcher: agent },
    );
    await client.describeKey(KEY);
    const call = agent.getCallHistory()?.lastCall();
    const headers = Object.fromEntries(Object.entries(call?.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
    expect(headers.Host).toBe("kms.example.com:8443");
    expectValidSignature({ path: call?.path ?? "", headers, rawBody: call?.body ?? "", body: JSON.parse(call?.body ?? "{}") as Record<string, unknown> }, origin);
  });

  it("sends X-Auth-Token and no signature in token mode", async () => {
    const t = setup({ credentials: { kind: "token", token: "MIIEXAMPLETOKEN" } });
    t.reply("get-key-rotation-status", 200, { key_rotation_enabled: false });
    await t.client.getKeyRotationStatus(KEY);
    const [req] = t.sent();
    expect(req?.headers["X-Auth-Token"]).toBe("MIIEXAMPLETOKEN");
    expect(req?.headers).not.toHaveProperty("Authorization");
    expect(req?.headers).not.toHaveProperty("X-Sdk-Date");
    expect(req?.headers["X-Project-Id"]).toBe(PROJECT);
  });

  it("refuses a hand-built config with a plain http:// endpoint off loopback", () => {
    expect(
      () =>
        new KmsClient({
          endpoint: "http://kms.cn-north-4.myhuaweicloud.com",
          projectId: PROJECT,
          credentials: { kind: "aksk", accessKey: AK, secretKey: SK },
          maxRetries: 0,
          requestTimeoutMs: 1,
          deadlineMs: 1,
          maxConcurrency: 1,
        }),
    ).toThrow(/plain http:\/\//);
  });
});

describe("errors", () => {
  it("turns a KMS error into a KmsApiError with status, code, message, key and request id", async () => {
    const t = setup();
    t.reply("enable-key-rotation", 400, kmsErr("KMS.0211", "Default key not support"), { "X-Request-Id": "req-abc" });
    const e = await kmsError(t.client.enableKeyRotation(KEY));
    expect(e).toMatchObject({
      name: "KmsApiError",
      status: 400,
      code: "KMS.0211",
      kmsMessage: "Default key not support",
      operation: "enable-key-rotation",
      keyId: KEY,
      requestId: "req-abc",
      retryable: false,
      attempts: 1,
    });
    expect(e.message).toBe(
      `KMS enable-key-rotation for key ${KEY} failed: HTTP 400 KMS.0211 "Default key not support". Default Master Keys are managed by the cloud services and cannot be changed: use a customer master key. (request id req-abc)`,
    );
    expect(t.sent()).toHaveLength(1);
  });

  it.each([
    [401, { error_code: "APIG.0301", error_msg: "Incorrect IAM authentication information" }, "APIG.0301", /Check your credentials/],
    [403, kmsErr("KMS.0303", "token expired"), "KMS.0303", /Check your credentials/],
    [403, kmsErr("KMS.0306", "no permission"), "KMS.0306", /lack permission/],
    [403, kmsErr("KMS.0321", "project mismatch"), "KMS.0321", /projectId does not belong/],
    [404, kmsErr("KMS.0207", "key not found"), "KMS.0207", /does not exist/],
  ] as const)("maps HTTP %i %j to actionable advice", async (status, body, code, advice) => {
    const t = setup();
    t.reply("get-key-rotation-status", status, body);
    const e = await kmsError(t.client.getKeyRotationStatus(KEY));
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.message).toMatch(advice);
    expect(e.retryable).toBe(false);
  });

  it("handles an empty error body", async () => {
    const t = setup();
    t.reply("describe-key", 403, "");
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e).toMatchObject({ status: 403, code: "HTTP_403", attempts: 1 });
    expect(e.kmsMessage).toBeUndefined();
    expect(e.message).toMatch(/^KMS describe-key for key \S+ failed: HTTP 403 HTTP_403\. The credentials lack permission/);
  });

  it("handles non-JSON error bodies (an HTML gateway page) and JSON without a code", async () => {
    const t = setup({ maxRetries: 0 });
    t.reply("describe-key", 502, "<html><body><h1>502 Bad Gateway</h1>\n<hr>nginx</body></html>", { "content-type": "text/html" });
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e).toMatchObject({ status: 502, code: "HTTP_502", kmsMessage: "502 Bad Gateway nginx", retryable: true, attempts: 1 });
    expect(e.message).not.toContain("\n");

    t.reply("describe-key", 400, { message: "something else" });
    const e2 = await kmsError(t.client.describeKey(KEY));
    expect(e2).toMatchObject({ status: 400, code: "HTTP_400", kmsMessage: '{"message":"something else"}' });
  });

  it("takes the request id from the body when the header is missing", async () => {
    const t = setup();
    t.reply("describe-key", 400, { error_code: "APIG.0201", error_msg: "bad", request_id: "body-req-1" });
    expect((await kmsError(t.client.describeKey(KEY))).requestId).toBe("body-req-1");
  });

  it.each([
    ["a non-JSON success body", "OK"],
    ["a success body of the wrong shape", { key_rotation_enabled: "maybe" }],
    ["a JSON array", [1, 2]],
  ])("reports %s as INVALID_RESPONSE without retrying", async (_, body) => {
    const t = setup();
    t.reply("get-key-rotation-status", 200, body, { "X-Request-Id": "r-9" });
    const e = await kmsError(t.client.getKeyRotationStatus(KEY));
    expect(e).toMatchObject({ status: 200, code: "INVALID_RESPONSE", retryable: false, attempts: 1, requestId: "r-9" });
    expect(t.sent()).toHaveLength(1);
  });

  it("never lets a secret reach an error message or a log line", async () => {
    const t = setup({ credentials: { kind: "aksk", accessKey: AK, secretKey: SK, securityToken: STS }, maxRetries: 1 });
    // A hostile or buggy server echoing the credentials back.
    t.reply("enable-key-rotation", 503, kmsErr("KMS.0104", `failed for ${AK} ${SK} ${STS}`), { "X-Request-Id": SK });
    t.reply("enable-key-rotation", 403, kmsErr("KMS.0304", `bad signature with ${SK}`));
    const e = await kmsError(t.client.enableKeyRotation(KEY));
    const everything = [e.message, e.kmsMessage ?? "", e.requestId ?? "", JSON.stringify(e), ...t.logs].join("\n");
    for (const secret of [AK, SK, STS]) expect(everything).not.toContain(secret);
    expect(e.kmsMessage).toContain("[REDACTED]");

    const tok = setup({ credentials: { kind: "token", token: "MIItokenSECRETvalue" } });
    tok.reply("describe-key", 401, { error_code: "APIG.0301", error_msg: "token MIItokenSECRETvalue invalid" });
    const e2 = await kmsError(tok.client.describeKey(KEY));
    expect([e2.message, ...tok.logs].join("\n")).not.toContain("MIItokenSECRETvalue");
  });
});

describe("retries", () => {
  it.each([429, 500, 502, 503, 504])("retries HTTP %i with full-jitter backoff and keeps the sequence", async (status) => {
    const t = setup();
    t.reply("describe-key", status, kmsErr(status === 429 ? "APIG.0308" : "KMS.0100"));
    t.reply("describe-key", status, kmsErr(status === 429 ? "APIG.0308" : "KMS.0100"));
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });
    await expect(t.client.describeKey(KEY)).resolves.toMatchObject({ keyId: KEY, keyState: "2" });
    // random() = 0.5 of ceilings 500 ms and 1000 ms.
    expect(t.sleeps).toEqual([250, 500]);
    const sent = t.sent();
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.body.sequence)).size).toBe(1);
    for (const r of sent) expectValidSignature(r, t.origin);
  });

  it("re-signs each attempt with the current time", async () => {
    const t = setup({}, { random: () => 0.999 });
    t.reply("describe-key", 503, kmsErr("KMS.0104"));
    t.reply("describe-key", 503, kmsErr("KMS.0104"));
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });
    await t.client.describeKey(KEY);
    expect(t.sleeps).toEqual([499, 999]);
    expect(t.sent().map((r) => r.headers["X-Sdk-Date"])).toEqual(["20260301T000000Z", "20260301T000000Z", "20260301T000001Z"]);
  });

  it.each([400, 401, 403, 404, 409, 501])("does not retry HTTP %i", async (status) => {
    const t = setup();
    t.reply("describe-key", status, kmsErr("KMS.0205"));
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e.attempts).toBe(1);
    expect(t.sleeps).toEqual([]);
  });

  it("follows the exponential sequence and stops after maxRetries retries", async () => {
    const t = setup({ maxRetries: 5, deadlineMs: 10 * 60_000 }, { random: () => 0.999999 });
    t.reply("describe-key", 503, kmsErr("KMS.0104")).times(6);
    const e = await kmsError(t.client.describeKey(KEY));
    expect(t.sleeps).toEqual([499, 999, 1999, 3999, 7999]);
    expect(e).toMatchObject({ status: 503, code: "KMS.0104", attempts: 6, retryable: true });
    expect(e.message).toContain("after 6 attempts");
    expect(t.sent()).toHaveLength(6);
  });

  it("makes one attempt when maxRetries is 0", async () => {
    const t = setup({ maxRetries: 0 });
    t.reply("describe-key", 503, kmsErr("KMS.0104"));
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e.attempts).toBe(1);
    expect(t.sleeps).toEqual([]);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const t = setup();
    t.reply("describe-key", 429, { error_code: "APIG.0308", error_msg: "throttled" }, { "Retry-After": "3" });
    t.reply("describe-key", 503, kmsErr("KMS.0104"), { "Retry-After": new Date(T0 + 3000 + 7000).toUTCString() });
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });
    await t.client.describeKey(KEY);
    expect(t.sleeps).toEqual([3000, 7000]);
  });

  it("stops when the next wait would pass the overall deadline", async () => {
    const t = setup({ deadlineMs: 1_000 }, { random: () => 0.999 });
    t.reply("describe-key", 503, kmsErr("KMS.0104")).times(3);
    const e = await kmsError(t.client.describeKey(KEY));
    // 499 ms fits; 499 + 999 would not.
    expect(t.sleeps).toEqual([499]);
    expect(e.attempts).toBe(2);
    expect(t.logs.at(-1)).toContain("giving up: deadline");
  });

  it("does not wait for a Retry-After beyond the deadline", async () => {
    const t = setup({ deadlineMs: 60_000 });
    t.reply("describe-key", 429, { error_code: "APIG.0308", error_msg: "throttled" }, { "Retry-After": "120" });
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e).toMatchObject({ status: 429, code: "APIG.0308", attempts: 1, retryable: true });
    expect(e.message).toMatch(/throttling/);
    expect(t.sleeps).toEqual([]);
  });

  it("times out a slow attempt and retries it", async () => {
    const t = setup({ requestTimeoutMs: 25 });
    t.reply("get-key-rotation-status", 200, { key_rotation_enabled: true }).delay(60_000);
    t.reply("get-key-rotation-status", 200, { key_rotation_enabled: true, rotation_interval: 30 });
    await expect(t.client.getKeyRotationStatus(KEY)).resolves.toMatchObject({ enabled: true, intervalDays: 30 });
    expect(t.sleeps).toEqual([250]);
    expect(t.logs[0]).toContain("status=TIMEOUT");
  });

  it("reports TIMEOUT when every attempt is too slow", async () => {
    const t = setup({ requestTimeoutMs: 20, maxRetries: 1 });
    t.reply("describe-key", 200, {}).delay(60_000).times(2);
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e).toMatchObject({ status: 0, code: "TIMEOUT", attempts: 2, retryable: true });
    expect(e.message).toMatch(/did not answer in time/);
  });

  it.each(["ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT"])("retries a connection error %s", async (code) => {
    const t = setup();
    t.fail("describe-key", code);
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });
    await expect(t.client.describeKey(KEY)).resolves.toMatchObject({ keyState: "2" });
    expect(t.sleeps).toEqual([250]);
    expect(new Set(t.sent().map((r) => r.body.sequence)).size).toBe(1);
  });

  it("fails at once on a connection error that would repeat (unknown host)", async () => {
    const t = setup();
    t.fail("describe-key", "ENOTFOUND");
    const e = await kmsError(t.client.describeKey(KEY));
    expect(e).toMatchObject({ status: 0, code: "NETWORK_ERROR", attempts: 1, retryable: false });
    expect(e.kmsMessage).toContain("ENOTFOUND");
    expect(e.message).toMatch(/Could not reach KMS/);
  });
});

describe("enable/disable rotation are not idempotent on the service", () => {
  const uncertainFirstAttempts: [string, (t: ReturnType<typeof setup>, op: KmsOperation) => void][] = [
    ["a connection reset", (t, op) => t.fail(op, "ECONNRESET")],
    ["a 503", (t, op) => t.reply(op, 503, kmsErr("KMS.0104"))],
    ["a 500", (t, op) => t.reply(op, 500, kmsErr("KMS.0100"))],
    ["a timeout", (t, op) => t.reply(op, 200, {}).delay(60_000)],
  ];

  for (const [what, first] of uncertainFirstAttempts) {
    it(`treats KMS.2901 after ${what} on enable as success`, async () => {
      const t = setup({ requestTimeoutMs: 25 });
      first(t, "enable-key-rotation");
      t.reply("enable-key-rotation", 400, kmsErr("KMS.2901", "The rotation state of key is not disabled"));
      await expect(t.client.enableKeyRotation(KEY)).resolves.toBeUndefined();
      expect(t.logs.at(-1)).toContain("already in the requested state");
    });

    it(`treats KMS.0313 after ${what} on disable as success`, async () => {
      const t = setup({ requestTimeoutMs: 25 });
      first(t, "disable-key-rotation");
      t.reply("disable-key-rotation", 400, kmsErr("KMS.0313", "key rotation is not enabled"));
      await expect(t.client.disableKeyRotation(KEY)).resolves.toBeUndefined();
    });
  }

  it("keeps the answer an error on a first attempt", async () => {
    const t = setup();
    t.reply("enable-key-rotation", 400, kmsErr("KMS.2901", "The rotation state of key is not disabled"));
    t.reply("disable-key-rotation", 400, kmsErr("KMS.0313", "key rotation is not enabled"));
    const enable = await kmsError(t.client.enableKeyRotation(KEY));
    expect(enable).toMatchObject({ code: "KMS.2901", attempts: 1 });
    expect(enable.message).toMatch(/already enabled/);
    const disable = await kmsError(t.client.disableKeyRotation(KEY));
    expect(disable).toMatchObject({ code: "KMS.0313", attempts: 1 });
    expect(disable.message).toMatch(/already disabled/);
  });

  it("keeps the answer an error when the earlier attempt cannot have landed (429, refused connection)", async () => {
    const t = setup();
    t.reply("enable-key-rotation", 429, { error_code: "APIG.0308", error_msg: "throttled" });
    t.reply("enable-key-rotation", 400, kmsErr("KMS.2901"));
    expect(await kmsError(t.client.enableKeyRotation(KEY))).toMatchObject({ code: "KMS.2901", attempts: 2 });

    t.fail("disable-key-rotation", "ECONNREFUSED");
    t.reply("disable-key-rotation", 400, kmsErr("KMS.0313"));
    expect(await kmsError(t.client.disableKeyRotation(KEY))).toMatchObject({ code: "KMS.0313", attempts: 2 });
  });

  it("applies only to enable/disable rotation and their own codes", async () => {
    const t = setup();
    t.reply("update-key-rotation-interval", 503, kmsErr("KMS.0104"));
    t.reply("update-key-rotation-interval", 400, kmsErr("KMS.0313"));
    expect(await kmsError(t.client.updateKeyRotationInterval(KEY, 90))).toMatchObject({ code: "KMS.0313", attempts: 2 });

    t.reply("enable-key-rotation", 503, kmsErr("KMS.0104"));
    t.reply("enable-key-rotation", 400, kmsErr("KMS.0313"));
    expect(await kmsError(t.client.enableKeyRotation(KEY))).toMatchObject({ code: "KMS.0313", attempts: 2 });
  });
});

describe("logging", () => {
  it("logs one line per attempt with operation, key, status, attempt, duration and request id", async () => {
    const t = setup({ credentials: { kind: "aksk", accessKey: AK, secretKey: SK, securityToken: STS } });
    t.reply("describe-key", 503, kmsErr("KMS.0104"), { "X-Request-Id": "req-1" });
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } }, { "X-Request-Id": "req-2" });
    await t.client.describeKey(KEY);
    expect(t.logs).toEqual([
      `kms describe-key key=${KEY} status=503 KMS.0104 attempt=1/6 duration=0ms requestId=req-1 (retrying in 250 ms)`,
      `kms describe-key key=${KEY} status=200 attempt=2/6 duration=0ms requestId=req-2`,
    ]);
    for (const secret of [AK, SK, STS]) expect(t.logs.join("\n")).not.toContain(secret);
  });

  it("measures duration with the injected clock", async () => {
    let clock = T0;
    const t = setup({}, { now: () => new Date((clock += 7)) });
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });
    await t.client.describeKey(KEY);
    expect(t.logs[0]).toMatch(/duration=\d+ms/);
    expect(t.logs[0]).not.toContain("duration=0ms");
  });
});

describe("concurrency and shared throttling", () => {
  it("keeps at most maxConcurrency requests in flight per origin, across clients", async () => {
    const t = setup({ maxConcurrency: 2 });
    const second = new KmsClient(t.config, { dispatcher: t.agent });
    let inFlight = 0;
    let peak = 0;
    const holds: (() => void)[] = [];
    t.pool
      .intercept({ path: t.path("describe-key"), method: "POST" })
      .reply(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => holds.push(resolve));
        inFlight--;
        return { statusCode: 200, data: JSON.stringify({ key_info: { key_id: KEY, key_state: "2" } }) };
      })
      .times(6);
    const calls = [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0 ? t.client : second).describeKey(KEY));
    for (let released = 0; released < 6; ) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(inFlight).toBeLessThanOrEqual(2);
      const next = holds.shift();
      if (next) {
        next();
        released++;
      }
    }
    await Promise.all(calls);
    expect(peak).toBe(2);
    expect(gateForOrigin(t.origin, 2).inFlight).toBe(0);
  });

  it("makes every request to the origin wait out a 429, including other clients'", async () => {
    const t = setup();
    let clock = T0;
    const now = (): Date => new Date(clock);
    let releaseA: (() => void) | undefined;
    const sleptA: number[] = [];
    const sleptB: number[] = [];
    const a = new KmsClient(t.config, {
      dispatcher: t.agent,
      now,
      sleep: (ms) => {
        sleptA.push(ms);
        return new Promise<void>((resolve) => (releaseA = resolve));
      },
    });
    const b = new KmsClient(t.config, {
      dispatcher: t.agent,
      now,
      sleep: (ms) => {
        sleptB.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    });
    t.reply("describe-key", 429, { error_code: "APIG.0308", error_msg: "throttled" }, { "Retry-After": "5" });
    t.reply("get-key-rotation-status", 200, { key_rotation_enabled: false });
    t.reply("describe-key", 200, { key_info: { key_id: KEY, key_state: "2" } });

    const callA = a.describeKey(KEY);
    while (releaseA === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(sleptA).toEqual([5000]);
    expect(gateForOrigin(t.origin, 10).blockedUntil).toBe(T0 + 5000);

    // B was never throttled itself, yet waits for the origin to open before sending.
    await b.getKeyRotationStatus(KEY);
    expect(sleptB).toEqual([5000]);
    expect(t.sent().map((r) => r.path.split("/").at(-1))).toEqual(["describe-key", "get-key-rotation-status"]);

    releaseA();
    await expect(callA).resolves.toMatchObject({ keyState: "2" });
  });
});
