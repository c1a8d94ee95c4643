// One key, one KeyRotation: through the real CLI against the emulator, a key declared twice fails
// before any KMS call, and every run that creates and deletes resources for the same key (rename
// without alias, `up --replace`, swapped keys, a key handed to another resource,
// replaceOnChanges) leaves KMS as the surviving resources declare, with no needless write and a
// state equal to KMS.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diagnosticsRecorder, opsRecorder } from "../../harness/engine-events.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const K1 = "a1a1a1a1-0000-4000-8000-000000000001";
const K2 = "b2b2b2b2-0000-4000-8000-000000000002";

interface Spec {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
  replaceOnChanges?: string[];
}

describe("one key, one KeyRotation", () => {
  let bed: KmsTestbed;
  let stack: Stack;
  let specs: Record<string, Spec> = {};

  /** "<operation> <k1|k2>[ <interval>]" per KMS request since the last call. */
  async function kmsCalls(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.map((r) => {
      const body = r.body as { rotation_interval?: number } | undefined;
      const key = r.keyId === K1 ? "k1" : r.keyId === K2 ? "k2" : (r.keyId ?? "?");
      return `${r.operation} ${key}${body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`}`;
    });
  }

  /** After every run: a refresh finds nothing to change and a preview expects none. */
  async function expectStateEqualsKms(): Promise<void> {
    await stack.refresh({ expectNoChanges: true });
    await stack.preview({ expectNoChanges: true });
    await bed.admin.clearRequests();
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    const { KeyRotation } = loadSdk();
    stack = await bed.stack("one-key", () => {
      for (const [name, { replaceOnChanges, ...args }] of Object.entries(specs)) {
        new KeyRotation(name, args, replaceOnChanges ? { replaceOnChanges } : {});
      }
      return Promise.resolve({});
    });
  });
  beforeEach(async () => {
    await stack.destroy();
    await bed.admin.reset();
    await bed.admin.putKey(K1);
    await bed.admin.putKey(K2);
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("a key declared by two resources fails preview and up, naming both and the key, before any KMS call", async () => {
    specs = { payments: { keyId: K1, intervalDays: 50 }, ledger: { keyId: K1, intervalDays: 100 } };
    const expected = new RegExp(`KeyRotation "payments" and "ledger" both manage key ${K1}`);
    const diags = diagnosticsRecorder();
    await expect(stack.preview({ onEvent: diags.onEvent })).rejects.toThrow(expected);
    expect(diags.messages.join("\n")).toMatch(expected);
    await expect(stack.up()).rejects.toThrow(expected);
    expect(await kmsCalls()).toEqual([]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: false });
    const state = await stack.exportStack();
    const types = ((state.deployment as { resources?: { type: string }[] }).resources ?? []).map((r) => r.type);
    expect(types.filter((t) => t.endsWith(":KeyRotation"))).toEqual([]);
  });

  it("a rename without alias hands the rotation over with one read and no write", async () => {
    specs = { old: { keyId: K1, intervalDays: 90 } };
    await stack.up();
    await kmsCalls();
    specs = { renamed: { keyId: K1, intervalDays: 90 } };
    const rec = opsRecorder();
    await stack.up({ onEvent: rec.onEvent });
    expect(rec.ops.sort()).toEqual(["create renamed", "delete old"]);
    expect(await kmsCalls()).toEqual(["get-key-rotation-status k1"]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    await expectStateEqualsKms();
  });

  it("up --replace of an unchanged resource reads once, writes nothing and keeps rotation on", async () => {
    specs = { app: { keyId: K1, intervalDays: 60 } };
    const first = await stack.up();
    expect(first.summary.result).toBe("succeeded");
    await kmsCalls();
    const urn = await resourceUrn("app");
    const rec = opsRecorder();
    await stack.up({ replace: [urn], onEvent: rec.onEvent });
    expect(rec.ops).toEqual(["create-replacement app", "replace app", "delete-replaced app"]);
    expect(await kmsCalls()).toEqual(["get-key-rotation-status k1"]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: true, rotationInterval: 60 });
    await expectStateEqualsKms();
  });

  it("two resources swapping keys leave each key as its new resource declares, with no disable", async () => {
    specs = { a: { keyId: K1, intervalDays: 60 }, b: { keyId: K2, intervalDays: 120 } };
    await stack.up();
    await kmsCalls();
    specs = { a: { keyId: K2, intervalDays: 60 }, b: { keyId: K1, intervalDays: 120 } };
    await stack.up();
    expect((await kmsCalls()).sort()).toEqual([
      "get-key-rotation-status k1",
      "get-key-rotation-status k2",
      "update-key-rotation-interval k1 120",
      "update-key-rotation-interval k2 60",
    ]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: true, rotationInterval: 120 });
    expect(await bed.admin.getKey(K2)).toMatchObject({ rotationEnabled: true, rotationInterval: 60 });
    await expectStateEqualsKms();
  });

  it("a resource moving to the key of a resource removed in the same run keeps that key rotating", async () => {
    specs = { a: { keyId: K1, intervalDays: 90 }, b: { keyId: K2, intervalDays: 90 } };
    await stack.up();
    await kmsCalls();
    specs = { b: { keyId: K1, intervalDays: 45 } };
    await stack.up();
    expect((await kmsCalls()).sort()).toEqual([
      "disable-key-rotation k2",
      "get-key-rotation-status k1",
      "update-key-rotation-interval k1 45",
    ]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: true, rotationInterval: 45 });
    expect(await bed.admin.getKey(K2)).toMatchObject({ rotationEnabled: false });
    await expectStateEqualsKms();
  });

  it("replaceOnChanges: [\"intervalDays\"] replaces on an interval change, sending only the new interval", async () => {
    specs = { app: { keyId: K1, intervalDays: 90, replaceOnChanges: ["intervalDays"] } };
    await stack.up();
    await kmsCalls();
    specs = { app: { keyId: K1, intervalDays: 30, replaceOnChanges: ["intervalDays"] } };
    const rec = opsRecorder();
    await stack.up({ onEvent: rec.onEvent });
    expect(rec.ops).toEqual(["create-replacement app", "replace app", "delete-replaced app"]);
    expect(await kmsCalls()).toEqual(["get-key-rotation-status k1", "update-key-rotation-interval k1 30"]);
    expect(await bed.admin.getKey(K1)).toMatchObject({ rotationEnabled: true, rotationInterval: 30 });
    await expectStateEqualsKms();
  });

  it("destroy still turns off every key the stack rotates", async () => {
    specs = { a: { keyId: K1 }, b: { keyId: K2, intervalDays: 200 } };
    await stack.up();
    await kmsCalls();
    await stack.destroy();
    expect((await kmsCalls()).sort()).toEqual(["disable-key-rotation k1", "disable-key-rotation k2"]);
  });

  async function resourceUrn(name: string): Promise<string> {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources?: { urn: string; type: string }[] }).resources ?? [];
    const found = resources.find((r) => r.type.endsWith(":KeyRotation") && r.urn.endsWith(`::${name}`));
    if (!found) throw new Error(`no KeyRotation ${name} in the state`);
    return found.urn;
  }
});
