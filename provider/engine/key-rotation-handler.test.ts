// The engine layer against the KMS emulator (in-process, loopback): what any vehicle gets back
// from an engine call, with the requests KMS saw.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  emulatorAdmin,
  startEmulator,
  type EmulatorAdmin,
  type RunningEmulator,
} from "../../emulator/index.js";
import { PartialFailure } from "./engine-errors.js";
import { KeyRotationHandler, UNKNOWN } from "./key-rotation-handler.js";
import { KmsSession } from "./kms-session.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const OTHER = "1d0466b0-e727-4d9c-b35d-f84bb474a37f";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let env: Record<string, string | undefined>;

function handler(): KeyRotationHandler {
  return new KeyRotationHandler(new KmsSession({ sources: () => ({ env }) }));
}

async function operations(): Promise<string[]> {
  const log = await admin.requests();
  await admin.clearRequests();
  return log.map((r) => `${r.operation} ${r.keyId === KEY ? "key" : "other"}`);
}

beforeAll(async () => {
  emulator = await startEmulator({ credentials: [{ accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY }] });
  admin = emulatorAdmin(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  env = { HW_KMS_ENDPOINT: emulator.url, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ACCESS_KEY: DEFAULT_ACCESS_KEY, HW_SECRET_KEY: DEFAULT_SECRET_KEY };
  await admin.reset();
  await admin.putKey(KEY);
  await admin.putKey(OTHER);
});

describe("check", () => {
  it("normalizes without calling KMS outside a preview, and passes unknowns through", async () => {
    const h = handler();
    expect(await h.check({}, { keyId: KEY, intervalDays: "90" })).toEqual({ inputs: { keyId: KEY, enabled: true, intervalDays: 90 }, failures: [] });
    expect((await h.check({}, { keyId: UNKNOWN }, { preview: true })).inputs.keyId).toBe(UNKNOWN);
    expect(await operations()).toEqual([]);
  });

  it("in a preview, reads the key of a create once and fails as up would; unchanged resources cost nothing", async () => {
    const h = handler();
    await h.check({}, { keyId: KEY }, { preview: true });
    await h.check({ keyId: OTHER, enabled: true, intervalDays: 365 }, { keyId: OTHER }, { preview: true });
    expect(await operations()).toEqual(["describe-key key"]);
    await admin.putKey(KEY, { keyState: "3" });
    await expect(h.check({}, { keyId: KEY }, { preview: true })).rejects.toThrow(`KMS would refuse enable-key-rotation for key ${KEY}: KMS.0209`);
  });

  it("a second resource of the run declaring a key fails its check, naming both (vehicles that know URNs)", async () => {
    const h = handler();
    const urn = (name: string) => `urn:pulumi:dev::p::huaweicloud-kms:index:KeyRotation::${name}`;
    expect((await h.check({}, { keyId: KEY }, { urn: urn("payments") })).failures).toEqual([]);
    expect((await h.check({}, { keyId: KEY }, { urn: urn("payments") })).failures).toEqual([]);
    expect((await h.check({}, { keyId: KEY }, { urn: urn("ledger") })).failures).toEqual([
      { property: "keyId", reason: expect.stringContaining(`KeyRotation "payments" and "ledger" both manage key ${KEY}`) as unknown },
    ]);
  });

  it("in a preview, a change without settings fails with the settings error", async () => {
    env = {};
    await expect(handler().check({ keyId: KEY, enabled: true, intervalDays: 365 }, { keyId: KEY, intervalDays: 90 }, { preview: true })).rejects.toThrow(
      'KMS setting "projectId" is not set',
    );
  });
});

describe("diff", () => {
  it("replaces on keyId, updates in place otherwise, and replaceOnChanges turns an update into a replace", () => {
    const h = handler();
    const olds = { keyId: KEY, enabled: true, intervalDays: 90 };
    expect(h.diff(olds, { ...olds, intervalDays: 30 })).toEqual({ changes: true, replaces: [], updates: ["intervalDays"] });
    expect(h.diff(olds, { ...olds, intervalDays: 30 }, ["intervalDays"])).toEqual({ changes: true, replaces: ["intervalDays"], updates: [] });
    expect(h.diff(olds, { ...olds, keyId: OTHER })).toEqual({ changes: true, replaces: ["keyId"], updates: [] });
    expect(h.diff(olds, { ...olds })).toEqual({ changes: false, replaces: [], updates: [] });
  });
});

describe("create, update, delete", () => {
  it("create sends only what is needed and returns the outputs; a refused later call is a partial failure with what KMS holds", async () => {
    const h = handler();
    expect(await h.create({ keyId: KEY, enabled: true, intervalDays: 90 })).toEqual({
      id: KEY,
      outputs: { keyId: KEY, enabled: true, intervalDays: 90, numberOfRotations: 0 },
    });
    await admin.addFault({ kind: "status", status: 400, errorCode: "KMS.3001", operation: "update-key-rotation-interval", keyId: OTHER });
    const failure = await h.create({ keyId: OTHER, enabled: true, intervalDays: 60 }).catch((e: unknown) => e);
    expect(PartialFailure.isInstance(failure)).toBe(true);
    if (!PartialFailure.isInstance(failure)) return;
    expect(failure.id).toBe(OTHER);
    expect(failure.properties).toMatchObject({ keyId: OTHER, enabled: true, intervalDays: 365 });
    expect(failure.message).toContain("KMS.3001");
    expect(failure.stack).toBe(failure.message);
  });

  it("update plans from the recorded state, without a read", async () => {
    const h = handler();
    await h.create({ keyId: KEY, enabled: true, intervalDays: 90 });
    await operations();
    await h.update(KEY, { keyId: KEY, enabled: true, intervalDays: 90, numberOfRotations: 0 }, { keyId: KEY, enabled: true, intervalDays: 30 });
    expect(await operations()).toEqual(["update-key-rotation-interval key"]);
  });

  it("delete turns rotation off, except for a key a resource of this run declares", async () => {
    await admin.putKey(KEY, { rotationEnabled: true });
    await admin.putKey(OTHER, { rotationEnabled: true });
    const h = handler();
    await h.check({}, { keyId: KEY });
    await h.delete({ keyId: KEY, enabled: true, intervalDays: 365, numberOfRotations: 0 });
    await h.delete({ keyId: OTHER, enabled: true, intervalDays: 365, numberOfRotations: 0 });
    expect(await operations()).toEqual(["disable-key-rotation other"]);
  });

  it("a refused delete says how to let the key go", async () => {
    await admin.putKey(KEY, { rotationEnabled: true, keyState: "3" });
    await expect(handler().delete({ keyId: KEY, enabled: true, intervalDays: 365 })).rejects.toThrow(/KMS\.0209.*pulumi state delete <urn>.*retainOnDelete/);
  });
});

describe("read", () => {
  it("reports the live rotation, and undefined for a key that is gone", async () => {
    await admin.putKey(KEY, { rotationEnabled: true, rotationInterval: 120 });
    const h = handler();
    expect(await h.read(KEY, {})).toEqual({
      id: KEY,
      outputs: { keyId: KEY, enabled: true, intervalDays: 120, numberOfRotations: 0 },
      inputs: { keyId: KEY, enabled: true, intervalDays: 120 },
    });
    await admin.deleteKey(KEY);
    expect(await h.read(KEY, {})).toBeUndefined();
  });
});
