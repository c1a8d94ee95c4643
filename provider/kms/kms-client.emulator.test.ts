// The client against the KMS emulator (in-process, loopback): real signing checks, real KMS
// semantics, and injected faults that land or not.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  DEFAULT_TOKEN,
  emulatorAdmin,
  startEmulator,
  type EmulatorAdmin,
  type RunningEmulator,
} from "../../emulator/index.js";
import { resolveKmsConfig, type KmsClientConfig } from "../config/kms-config.js";
import { resetOriginGates } from "../transport/concurrency.js";
import { KmsClient } from "./kms-client.js";
import { kmsError } from "../../test/support/kms-errors.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const STS_AK = "TEMPORARYACCESSKEY01";
const STS_SK = "temporary-secret-key";
const STS_TOKEN = "temporary-security-token-value";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator({
    credentials: [
      { accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY },
      { accessKey: STS_AK, secretKey: STS_SK, securityToken: STS_TOKEN },
    ],
    tokens: [DEFAULT_TOKEN],
  });
  admin = emulatorAdmin(emulator.url);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  resetOriginGates();
  await admin.reset();
  await admin.putKey(KEY, { keySpec: "AES_256" });
});

function client(overrides: Partial<KmsClientConfig> = {}, logs?: string[]): KmsClient {
  const config = resolveKmsConfig({
    explicit: { endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY, requestTimeoutMs: 2_000 },
    env: {},
  });
  return new KmsClient({ ...config, ...overrides }, { sleep: () => Promise.resolve(), ...(logs ? { logger: { debug: (m) => logs.push(m) } } : {}) });
}


describe("KmsClient against the emulator", () => {
  it("runs the rotation lifecycle", async () => {
    const kms = client();
    expect(await kms.getKeyRotationStatus(KEY)).toMatchObject({ enabled: false, numberOfRotations: 0 });
    await kms.enableKeyRotation(KEY);
    expect(await kms.getKeyRotationStatus(KEY)).toMatchObject({ enabled: true, intervalDays: 365 });
    await kms.updateKeyRotationInterval(KEY, 90);
    expect(await kms.getKeyRotationStatus(KEY)).toMatchObject({ enabled: true, intervalDays: 90 });
    await admin.rotate(KEY);
    const rotated = await kms.getKeyRotationStatus(KEY);
    expect(rotated.numberOfRotations).toBe(1);
    expect(rotated.lastRotationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await kms.disableKeyRotation(KEY);
    expect((await kms.getKeyRotationStatus(KEY)).enabled).toBe(false);
  });

  it("describes the key", async () => {
    const kms = client();
    expect(await kms.describeKey(KEY)).toMatchObject({ keyId: KEY, keyState: "2", isDefaultKey: false, keySpec: "AES_256" });
  });

  it("reads the emulator's loose types", async () => {
    const loose = await startEmulator({ looseTypes: true });
    try {
      const looseAdmin = emulatorAdmin(loose.url);
      await looseAdmin.putKey(KEY, { rotationEnabled: true, rotationInterval: 45, numberOfRotations: 2, lastRotationTime: "2025-01-02T03:04:05Z" });
      const config = resolveKmsConfig({
        explicit: { endpoint: loose.url, projectId: DEFAULT_PROJECT_ID, accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY },
        env: {},
      });
      expect(await new KmsClient(config).getKeyRotationStatus(KEY)).toEqual({
        enabled: true,
        intervalDays: 45,
        numberOfRotations: 2,
        lastRotationTime: "2025-01-02T03:04:05.000Z",
      });
    } finally {
      await loose.close();
    }
  });

  it("authenticates with temporary credentials and with a token", async () => {
    const sts = client({ credentials: { kind: "aksk", accessKey: STS_AK, secretKey: STS_SK, securityToken: STS_TOKEN } });
    await expect(sts.describeKey(KEY)).resolves.toMatchObject({ keyId: KEY });
    const token = client({ credentials: { kind: "token", token: DEFAULT_TOKEN } });
    await expect(token.describeKey(KEY)).resolves.toMatchObject({ keyId: KEY });
  });

  it("fails with credentials advice and no secret when the secret key is wrong", async () => {
    const e = await kmsError(client({ credentials: { kind: "aksk", accessKey: DEFAULT_ACCESS_KEY, secretKey: "wrong-secret-key" } }).describeKey(KEY));
    expect(e.status === 401 || e.status === 403).toBe(true);
    expect(e.message).toMatch(/Check your credentials/);
    expect(e.message).not.toContain("wrong-secret-key");
    expect(e.retryable).toBe(false);
  });

  it("reports a missing key as KMS.0207 and a Default Master Key as KMS.0211", async () => {
    const kms = client();
    expect(await kmsError(kms.describeKey("11111111-2222-3333-4444-555555555555"))).toMatchObject({ status: 404, code: "KMS.0207" });
    await admin.putKey(KEY, { defaultKeyFlag: "1" });
    expect(await kmsError(kms.enableKeyRotation(KEY))).toMatchObject({ status: 400, code: "KMS.0211" });
  });

  it("keeps enabling an enabled rotation an error on a first attempt", async () => {
    await admin.putKey(KEY, { rotationEnabled: true });
    expect(await kmsError(client().enableKeyRotation(KEY))).toMatchObject({ code: "KMS.2901", attempts: 1 });
  });

  it.each([
    ["a reset after the change landed", { kind: "reset-after" as const }],
    ["a 503 after the change landed", { kind: "status" as const, status: 503, afterApply: true }],
  ])("succeeds when enable is retried after %s", async (_, fault) => {
    await admin.addFault({ ...fault, operation: "enable-key-rotation", times: 1 });
    const logs: string[] = [];
    await expect(client({}, logs).enableKeyRotation(KEY)).resolves.toBeUndefined();
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(true);
    expect(logs.at(-1)).toContain("already in the requested state");
    const sequences = (await admin.requests())
      .filter((r) => r.operation === "enable-key-rotation")
      .map((r) => (r.body as { sequence?: unknown }).sequence);
    expect(sequences).toHaveLength(2);
    expect(sequences[0]).toBe(sequences[1]);
    expect(sequences[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("succeeds when disable is retried after a reset that landed", async () => {
    await admin.putKey(KEY, { rotationEnabled: true });
    await admin.addFault({ kind: "reset-after", operation: "disable-key-rotation", times: 1 });
    await expect(client().disableKeyRotation(KEY)).resolves.toBeUndefined();
    expect((await admin.getKey(KEY))?.rotationEnabled).toBe(false);
  });

  it("retries throttling and reset-before faults", async () => {
    await admin.addFault({ kind: "status", status: 429, retryAfter: 0, operation: "describe-key", times: 2 });
    await admin.addFault({ kind: "reset-before", operation: "get-key-rotation-status", times: 1 });
    const kms = client();
    await expect(kms.describeKey(KEY)).resolves.toMatchObject({ keyId: KEY });
    await expect(kms.getKeyRotationStatus(KEY)).resolves.toMatchObject({ enabled: false });
  });

  it("times out a hanging request and reports TIMEOUT", async () => {
    await admin.addFault({ kind: "hang", operation: "describe-key" });
    const e = await kmsError(client({ requestTimeoutMs: 50, maxRetries: 1 }).describeKey(KEY));
    expect(e).toMatchObject({ code: "TIMEOUT", attempts: 2 });
  });

  it("lists every key page by page, one list-keys call per page, with the filters KMS offers", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `1a1a1a1a-0000-4000-8000-${i.toString(16).padStart(12, "0")}`);
    for (const [i, id] of ids.entries()) {
      await admin.putKey(id, { keySpec: i % 5 === 0 ? "RSA_2048" : i % 5 === 1 ? "SM4" : "AES_256", keyState: i % 4 === 0 ? "3" : "2", keyAlias: `alias-${i}` });
    }
    await admin.clearRequests();
    const kms = client();
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await kms.listKeys({ limit: 10, ...(marker === undefined ? {} : { marker }) });
      pages++;
      seen.push(...page.keys.map((k) => k.keyId));
      expect(page.total).toBe(26);
      if (!page.truncated) break;
      marker = page.nextMarker;
    }
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set([KEY, ...ids]));
    expect((await admin.requests()).map((r) => r.operation)).toEqual(["list-keys", "list-keys", "list-keys"]);

    const rsaDisabled = await kms.listKeys({ keySpec: "RSA_2048", keyState: "3" });
    expect(rsaDisabled.keys.map((k) => k.keyId).sort()).toEqual(ids.filter((_, i) => i % 5 === 0 && i % 4 === 0).sort());
    expect(rsaDisabled.keys[0]).toMatchObject({ keySpec: "RSA_2048", keyState: "3", isDefaultKey: false, origin: "kms" });
    expect(rsaDisabled.truncated).toBe(false);
  });

  it("refuses a bad filter before sending, naming the field, the value and the rule", async () => {
    await admin.clearRequests();
    const e = await kmsError(client().listKeys({ keyState: "9" }));
    expect(e.message).toContain('keyState "9" is not one of 1, 2, 3, 4, 5');
    const limit = await kmsError(client().listKeys({ limit: 0 }));
    expect(limit.message).toContain("limit 0 is not a whole number from 1 to 1000");
    expect(await admin.requests()).toEqual([]);
  });

  it("retries a throttled page and pages on", async () => {
    await admin.addFault({ kind: "status", status: 429, retryAfter: 0, operation: "list-keys", times: 2 });
    const page = await client().listKeys({ limit: 1 });
    expect(page.keys.map((k) => k.keyId)).toEqual([KEY]);
    expect((await admin.requests()).filter((r) => r.operation === "list-keys")).toHaveLength(3);
  });
});
