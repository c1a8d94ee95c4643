// The life of one stack of three KeyRotations, through the real CLI against the emulator:
// up → no-op preview/up → refresh → interval change → toggle → key change (replace) → destroy.
// The same scenario, with the same exact KMS calls, through both vehicles: the dynamic provider
// and the plugin provider.
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../emulator/index.js";
import { opsRecorder } from "../../harness/engine-events.js";
import type * as pulumi from "@pulumi/pulumi";
import { loadPluginSdk, loadSdk, startKmsTestbed, type KmsTestbed, type Vehicle } from "../../harness/kms-testbed.js";

const KEY_A = "aaaaaaaa-0000-4000-8000-000000000001";
const KEY_B = "bbbbbbbb-0000-4000-8000-000000000002";
const KEY_C = "cccccccc-0000-4000-8000-000000000003";
const KEY_D = "dddddddd-0000-4000-8000-000000000004";

interface Spec {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
}

/** "<operation> <key>[ <interval>]" for each KMS request, in order. */
function calls(log: RequestLogEntry[]): string[] {
  return log.map((r) => {
    const body = r.body as { rotation_interval?: number } | undefined;
    const short = (r.keyId ?? "?").slice(0, 1);
    return `${r.operation} ${short}${body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`}`;
  });
}

/** What the scenario needs of either vehicle's KeyRotation class. */
type RotationClass = new (
  name: string,
  args: Spec,
) => { enabled: pulumi.Output<boolean>; intervalDays: pulumi.Output<number>; numberOfRotations: pulumi.Output<number> };

describe.each<Vehicle>(["dynamic", "plugin"])("KeyRotation lifecycle (%s provider)", (vehicle) => {
  let bed: KmsTestbed;
  let stack: Stack;
  // The program reads this on every run, so each step edits it and runs the engine again.
  const specs: Record<string, Spec> = {
    orders: { keyId: KEY_A, intervalDays: 90 },
    billing: { keyId: KEY_B },
    archive: { keyId: KEY_C, enabled: false, intervalDays: 180 },
  };

  async function kmsCalls(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return calls(log);
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    for (const id of [KEY_A, KEY_B, KEY_D]) await bed.admin.putKey(id);
    await bed.admin.putKey(KEY_C, { rotationEnabled: true, rotationInterval: 200 });
    const KeyRotation: RotationClass = vehicle === "dynamic" ? loadSdk().KeyRotation : loadPluginSdk().KeyRotation;
    stack = await bed.stack("lifecycle", () => {
      const out: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(specs)) {
        const r = new KeyRotation(name, spec);
        out[name] = { enabled: r.enabled, intervalDays: r.intervalDays, rotations: r.numberOfRotations };
      }
      return Promise.resolve(out);
    }, vehicle);
  });

  afterAll(async () => {
    await bed.dispose();
  });

  it("1. up creates three rotations with exactly the calls each needs", async () => {
    const rec = opsRecorder();
    const result = await stack.up({ onEvent: rec.onEvent });
    expect(result.summary.resourceChanges).toEqual({ create: 4 });
    expect(rec.ops.sort()).toEqual(["create archive", "create billing", "create orders"]);

    const byKey = (await kmsCalls()).reduce<Record<string, string[]>>((acc, c) => {
      const key = c.split(" ")[1] ?? "?";
      (acc[key] ??= []).push(c);
      return acc;
    }, {});
    expect(byKey).toEqual({
      a: ["get-key-rotation-status a", "enable-key-rotation a", "update-key-rotation-interval a 90"],
      b: ["get-key-rotation-status b", "enable-key-rotation b"],
      c: ["get-key-rotation-status c", "disable-key-rotation c"],
    });
    expect(await bed.admin.getKey(KEY_A)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    expect(await bed.admin.getKey(KEY_B)).toMatchObject({ rotationEnabled: true, rotationInterval: 365 });
    expect(await bed.admin.getKey(KEY_C)).toMatchObject({ rotationEnabled: false });
    expect(result.outputs.orders?.value).toEqual({ enabled: true, intervalDays: 90, rotations: 0 });
    expect(result.outputs.archive?.value).toMatchObject({ enabled: false, intervalDays: 180 });
  });

  it("2. preview and up again change nothing and call KMS zero times", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.changeSummary).toEqual({ same: 4 });
    const up = await stack.up({ expectNoChanges: true });
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(await kmsCalls()).toEqual([]);
  });

  it("3. refresh changes nothing and reads each key once", async () => {
    const result = await stack.refresh({ expectNoChanges: true });
    expect(result.summary.resourceChanges).toEqual({ same: 4 });
    expect((await kmsCalls()).sort()).toEqual([
      "get-key-rotation-status a",
      "get-key-rotation-status b",
      "get-key-rotation-status c",
    ]);
  });

  it("4. an interval change is one update and one request, no replace", async () => {
    specs.orders = { keyId: KEY_A, intervalDays: 30 };
    const rec = opsRecorder();
    const result = await stack.up({ onEvent: rec.onEvent });
    expect(result.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(rec.ops).toEqual(["update orders"]);
    expect(await kmsCalls()).toEqual(["update-key-rotation-interval a 30"]);
    expect(await bed.admin.getKey(KEY_A)).toMatchObject({ rotationEnabled: true, rotationInterval: 30 });
  });

  it("5. turning rotation off and on again sends one disable, then one enable", async () => {
    specs.billing = { keyId: KEY_B, enabled: false };
    await stack.up();
    expect(await kmsCalls()).toEqual(["disable-key-rotation b"]);
    expect(await bed.admin.getKey(KEY_B)).toMatchObject({ rotationEnabled: false });

    specs.billing = { keyId: KEY_B, enabled: true };
    const result = await stack.up();
    expect(result.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(await kmsCalls()).toEqual(["enable-key-rotation b"]);
    expect(await bed.admin.getKey(KEY_B)).toMatchObject({ rotationEnabled: true, rotationInterval: 365 });
  });

  it("6. a new key id replaces: the new key's rotation is enabled, the old key's disabled", async () => {
    specs.orders = { keyId: KEY_D, intervalDays: 30 };
    const rec = opsRecorder();
    const result = await stack.up({ onEvent: rec.onEvent });
    expect(result.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    expect(rec.ops).toEqual(["create-replacement orders", "replace orders", "delete-replaced orders"]);
    expect(await kmsCalls()).toEqual([
      "get-key-rotation-status d",
      "enable-key-rotation d",
      "update-key-rotation-interval d 30",
      "disable-key-rotation a",
    ]);
    expect(await bed.admin.getKey(KEY_D)).toMatchObject({ rotationEnabled: true, rotationInterval: 30 });
    expect(await bed.admin.getKey(KEY_A)).toMatchObject({ rotationEnabled: false });
  });

  it("12. destroy disables every rotation it turned on and empties the stack", async () => {
    const result = await stack.destroy();
    expect(result.summary.resourceChanges).toEqual({ delete: 4 });
    expect((await kmsCalls()).sort()).toEqual(["disable-key-rotation b", "disable-key-rotation d"]);
    for (const id of [KEY_A, KEY_B, KEY_C, KEY_D]) {
      expect(await bed.admin.getKey(id)).toMatchObject({ rotationEnabled: false });
    }
    const state = await stack.exportStack();
    expect((state.deployment as { resources?: unknown[] }).resources ?? []).toHaveLength(0);
  });
});
