import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationHeader, formatSdkDate } from "../provider/transport/aksk-signer.js";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  DEFAULT_TOKEN,
  emulatorAdmin,
  startEmulator,
  type RunningEmulator,
} from "./index.js";
import { callKms, errorOf, send, type RawResponse } from "./kms-test-client.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const OTHER_PROJECT = "ffffffffffffffffffffffffffffffff";
const PATH = `/v1.0/${DEFAULT_PROJECT_ID}/kms/describe-key`;
const MINUTE = 60_000;

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    seed: { keys: [{ keyId: KEY }, { keyId: "11111111-2222-3333-4444-555555555555", projectId: OTHER_PROJECT }] },
    credentials: [
      { accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY },
      { accessKey: "TEMPORARYACCESSKEY", secretKey: "temp-secret", securityToken: "sts-token" },
      { accessKey: "PROJECTBOUNDKEY", secretKey: "bound-secret", projectId: DEFAULT_PROJECT_ID },
    ],
    tokens: [
      DEFAULT_TOKEN,
      { token: "expired-token", expiresAt: Date.now() - MINUTE },
      { token: "bound-token", projectId: DEFAULT_PROJECT_ID },
    ],
  });
});
afterAll(async () => {
  await emu.close();
});

function expectDenied(res: RawResponse, status: number, code: string, message?: RegExp): void {
  expect({ status: res.status, code: errorOf(res)?.error_code }).toEqual({ status, code });
  if (message) expect(errorOf(res)?.error_msg).toMatch(message);
}

const describeKey = (opts: Parameters<typeof callKms>[3] = {}) => callKms(emu.url, "describe-key", { key_id: KEY }, opts);

/** Signs like callKms but lets a test choose exactly which headers are sent and signed. */
function signManually(headers: Record<string, string>, body: string, sk = DEFAULT_SECRET_KEY): string {
  return authorizationHeader(
    { method: "POST", path: PATH, headers: { ...headers, host: new URL(emu.url).host }, body },
    { accessKey: DEFAULT_ACCESS_KEY, secretKey: sk },
  );
}

describe("the official Node SDK signer", () => {
  function officialSign(path: string, data: unknown, queryParams: Record<string, string> = {}): Record<string, string> {
    const credential = new BasicCredentials().withAk(DEFAULT_ACCESS_KEY).withSk(DEFAULT_SECRET_KEY);
    return AKSKSigner.sign(
      {
        endpoint: `${emu.url}${path}`,
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Project-Id": DEFAULT_PROJECT_ID },
        queryParams,
        data,
      },
      credential,
    );
  }

  it("is accepted, and rejected once one byte of the body changes", async () => {
    const data = { key_id: KEY };
    const headers = officialSign(PATH, data);
    expect(headers.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=KMSEMULATORACCESSKEY, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/);
    // The SDK hashes JSON.stringify(data): send exactly those bytes.
    const body = JSON.stringify(data);
    const ok = await send(emu.url, "POST", PATH, headers, body);
    expect(ok.status).toBe(200);
    expect((ok.json as { key_info: { key_id: string } }).key_info.key_id).toBe(KEY);

    const flipped = Buffer.from(body);
    const at = body.indexOf(KEY) + KEY.length - 1;
    flipped[at] = (flipped[at] ?? 0) ^ 0x01;
    const tampered = await send(emu.url, "POST", PATH, headers, flipped);
    expectDenied(tampered, 401, "APIG.0301", /verify aksk signature fail/);
  });

  it("agrees on the query string", async () => {
    const headers = officialSign(PATH, { key_id: KEY }, { limit: "1", a: "x y" });
    const body = JSON.stringify({ key_id: KEY });
    expect((await send(emu.url, "POST", `${PATH}?limit=1&a=x%20y`, headers, body)).status).toBe(200);
    expectDenied(await send(emu.url, "POST", `${PATH}?limit=2&a=x%20y`, headers, body), 401, "APIG.0301");
  });
});

describe("AK/SK", () => {
  it("accepts the project's own signer and the demo credentials", async () => {
    expect((await describeKey()).status).toBe(200);
  });

  it("missing credentials → 401 APIG.0301", async () => {
    expectDenied(await describeKey({ auth: "none" }), 401, "APIG.0301", /no X-Auth-Token or Authorization/);
  });

  it("unknown AK, wrong SK, non-SDK Authorization → 401 APIG.0301", async () => {
    expectDenied(await describeKey({ accessKey: "NOSUCHKEY" }), 401, "APIG.0301", /ak NOSUCHKEY not exist/);
    expectDenied(await describeKey({ secretKey: "wrong" }), 401, "APIG.0301", /verify aksk signature fail/);
    expectDenied(
      await describeKey({ auth: "none", headers: { Authorization: "Bearer abc" } }),
      401,
      "APIG.0301",
      /not an SDK-HMAC-SHA256/,
    );
  });

  it("a body changed after signing → 401", async () => {
    expectDenied(await describeKey({ tamper: (b) => b.replace("}", " }") }), 401, "APIG.0301", /verify aksk/);
  });

  it("X-Sdk-Date missing, malformed or unsigned → 401", async () => {
    const body = JSON.stringify({ key_id: KEY });
    const date = formatSdkDate(new Date());
    const noDate = { "Content-Type": "application/json" };
    const res1 = await send(emu.url, "POST", PATH, { ...noDate, Authorization: signManually({ ...noDate, "X-Sdk-Date": date }, body) }, body);
    expectDenied(res1, 401, "APIG.0301", /x-sdk-date not found/);

    const bad = { ...noDate, "X-Sdk-Date": "2024-01-01T00:00:00Z" };
    const res2 = await send(emu.url, "POST", PATH, { ...bad, Authorization: signManually({ ...noDate, "X-Sdk-Date": date }, body) }, body);
    expectDenied(res2, 401, "APIG.0301", /YYYYMMDDTHHMMSSZ/);

    const unsigned = `SDK-HMAC-SHA256 Access=${DEFAULT_ACCESS_KEY}, SignedHeaders=content-type;host, Signature=${"0".repeat(64)}`;
    const res3 = await send(emu.url, "POST", PATH, { ...noDate, "X-Sdk-Date": date, Authorization: unsigned }, body);
    expectDenied(res3, 401, "APIG.0301", /x-sdk-date is not among the signed headers/);
  });

  it("a signed header that is not sent → 401", async () => {
    const body = JSON.stringify({ key_id: KEY });
    const headers = { "Content-Type": "application/json", "X-Sdk-Date": formatSdkDate(new Date()) };
    const auth = signManually({ ...headers, "X-Extra": "1" }, body);
    expectDenied(await send(emu.url, "POST", PATH, { ...headers, Authorization: auth }, body), 401, "APIG.0301", /x-extra is missing/);
  });

  it("a signature for another host → 401", async () => {
    const body = JSON.stringify({ key_id: KEY });
    const headers = { "Content-Type": "application/json", "X-Sdk-Date": formatSdkDate(new Date()) };
    const auth = authorizationHeader(
      { method: "POST", path: PATH, headers: { ...headers, host: "kms.eu-de.otc.t-systems.com" }, body },
      { accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY },
    );
    expectDenied(await send(emu.url, "POST", PATH, { ...headers, Authorization: auth }, body), 401, "APIG.0301", /verify aksk/);
  });

  it("X-Sdk-Date within 15 minutes passes, beyond it → 401, either direction", async () => {
    expect((await describeKey({ date: new Date(Date.now() - 14 * MINUTE) })).status).toBe(200);
    expect((await describeKey({ date: new Date(Date.now() + 14 * MINUTE) })).status).toBe(200);
    expectDenied(await describeKey({ date: new Date(Date.now() - 16 * MINUTE) }), 401, "APIG.0301", /away from the server time/);
    expectDenied(await describeKey({ date: new Date(Date.now() + 16 * MINUTE) }), 401, "APIG.0301", /allowed: 900s/);
  });

  it("the skew window and the clock are configurable", async () => {
    const strict = await startEmulator({ clockSkewSeconds: 60, seed: { keys: [{ keyId: KEY }] } });
    const fixedClock = await startEmulator({ now: () => Date.UTC(2020, 0, 1), seed: { keys: [{ keyId: KEY }] } });
    try {
      expectDenied(await callKms(strict.url, "describe-key", { key_id: KEY }, { date: new Date(Date.now() - 2 * MINUTE) }), 401, "APIG.0301");
      expect((await callKms(strict.url, "describe-key", { key_id: KEY })).status).toBe(200);
      expectDenied(await callKms(fixedClock.url, "describe-key", { key_id: KEY }), 401, "APIG.0301");
      expect((await callKms(fixedClock.url, "describe-key", { key_id: KEY }, { date: new Date(Date.UTC(2020, 0, 1)) })).status).toBe(200);
    } finally {
      await strict.close();
      await fixedClock.close();
    }
  });

  it("temporary credentials need their X-Security-Token", async () => {
    const temp = { accessKey: "TEMPORARYACCESSKEY", secretKey: "temp-secret" };
    expectDenied(await describeKey(temp), 401, "APIG.0301", /x-security-token not found/);
    expectDenied(await describeKey({ ...temp, headers: { "X-Security-Token": "other" } }), 401, "APIG.0301", /security token invalid/);
    expect((await describeKey({ ...temp, headers: { "X-Security-Token": "sts-token" } })).status).toBe(200);
  });

  it("X-Project-Id other than the path project → 403 KMS.0321", async () => {
    expect((await describeKey({ headers: { "X-Project-Id": DEFAULT_PROJECT_ID } })).status).toBe(200);
    expectDenied(await describeKey({ headers: { "X-Project-Id": OTHER_PROJECT } }), 403, "KMS.0321");
    expectDenied(await describeKey({ auth: "token", headers: { "X-Project-Id": OTHER_PROJECT } }), 403, "KMS.0321");
  });

  it("credentials bound to another project → 403 KMS.0321", async () => {
    const bound = { accessKey: "PROJECTBOUNDKEY", secretKey: "bound-secret" };
    expect((await describeKey(bound)).status).toBe(200);
    expectDenied(await describeKey({ ...bound, projectId: OTHER_PROJECT }), 403, "KMS.0321");
    // Unbound credentials reach any project, where another project's keys live.
    const other = await callKms(emu.url, "describe-key", { key_id: "11111111-2222-3333-4444-555555555555" }, { projectId: OTHER_PROJECT });
    expect(other.status).toBe(200);
  });
});

describe("tokens", () => {
  it("empty → KMS.0301, unknown → KMS.0302, expired → KMS.0303 (all 403)", async () => {
    expectDenied(await describeKey({ auth: "token", token: " " }), 403, "KMS.0301");
    expectDenied(await describeKey({ auth: "token", token: "nope" }), 403, "KMS.0302");
    expectDenied(await describeKey({ auth: "token", token: "expired-token" }), 403, "KMS.0303");
  });

  it("a token bound to a project → 403 KMS.0321 elsewhere", async () => {
    expect((await describeKey({ auth: "token", token: "bound-token" })).status).toBe(200);
    expectDenied(await describeKey({ auth: "token", token: "bound-token", projectId: OTHER_PROJECT }), 403, "KMS.0321");
  });

  it("authentication runs before validation and is logged without headers", async () => {
    const admin = emulatorAdmin(emu.url);
    await admin.clearRequests();
    expectDenied(await callKms(emu.url, "describe-key", { nonsense: true }, { auth: "token", token: "nope" }), 403, "KMS.0302");
    const log = await admin.requests();
    expect(log).toEqual([
      expect.objectContaining({ operation: "describe-key", body: { nonsense: true }, status: 403, errorCode: "KMS.0302" }),
    ]);
    expect(JSON.stringify(log)).not.toContain("nope");
  });
});
