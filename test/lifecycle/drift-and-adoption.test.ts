// Changes made outside Pulumi: drift, keys that vanish, and keys adopted with their rotation as is.
import type { CustomResourceOptions } from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { opsRecorder } from "../../harness/engine-events.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const KEY = "e0e0e0e0-0000-4000-8000-000000000007";
const ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";

/** The recorded outputs of the stack's KeyRotation (refresh updates these, not stack outputs). */
async function recorded(stack: Stack): Promise<Record<string, unknown> | undefined> {
  const state = await stack.exportStack();
  const resources = (state.deployment as { resources?: { type: string; outputs: Record<string, unknown> }[] }).resources;
  return resources?.find((r) => r.type === ROTATION_TYPE)?.outputs;
}

describe("changes made outside Pulumi", () => {
  let bed: KmsTestbed;
  const { KeyRotation } = loadSdk();

  async function operations(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.map((r) => r.operation);
  }

  /** A stack with one rotation of KEY. */
  function oneRotation(name: string, args: { enabled?: boolean; intervalDays?: number }, opts?: CustomResourceOptions) {
    return bed.stack(name, () => {
      const r = new KeyRotation("key", { keyId: KEY, ...args }, opts);
      return Promise.resolve({ enabled: r.enabled, intervalDays: r.intervalDays });
    });
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  beforeEach(async () => {
    await bed.admin.reset();
    await bed.admin.putKey(KEY);
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("7. drift: refresh reports the out-of-band change and the next up restores the program's values", async () => {
    const stack = await oneRotation("drift", { intervalDays: 90 });
    await stack.up();
    await bed.admin.putKey(KEY, { rotationInterval: 200 });
    await bed.admin.clearRequests();

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await recorded(stack)).toMatchObject({ enabled: true, intervalDays: 200 });
    expect(await operations()).toEqual(["get-key-rotation-status"]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await operations()).toEqual(["update-key-rotation-interval"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });

    // Rotation turned off by hand: refresh sees it, up turns it back on with the program's interval.
    await bed.admin.putKey(KEY, { rotationEnabled: false });
    await bed.admin.clearRequests();
    await stack.refresh();
    expect(await operations()).toEqual(["get-key-rotation-status"]);
    expect(await recorded(stack)).toMatchObject({ enabled: false });
    await stack.up();
    expect(await operations()).toEqual(["enable-key-rotation", "update-key-rotation-interval"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    await stack.destroy();
  });

  it("7b. an up without refresh after drift still converges: KMS's refusal makes it re-read once", async () => {
    const stack = await oneRotation("drift-no-refresh", { intervalDays: 90 });
    await stack.up();
    await bed.admin.putKey(KEY, { rotationEnabled: false });
    await bed.admin.clearRequests();

    await (await oneRotation("drift-no-refresh", { intervalDays: 60 })).up();
    expect(await operations()).toEqual([
      "update-key-rotation-interval", // refused: rotation is off (KMS.0313)
      "get-key-rotation-status",
      "enable-key-rotation",
      "update-key-rotation-interval",
    ]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 60 });
    await stack.destroy();
  });

  it("8. a key deleted out of band: refresh drops the resource and destroy succeeds", async () => {
    const stack = await oneRotation("vanished", {});
    await stack.up();
    await bed.admin.deleteKey(KEY);

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ delete: 1 });
    const state = await stack.exportStack();
    const types = ((state.deployment as { resources?: { type: string }[] }).resources ?? []).map((r) => r.type);
    expect(types).not.toContain(ROTATION_TYPE);

    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
  });

  it("8b. destroy without a refresh after the key vanished counts the delete as done", async () => {
    const stack = await oneRotation("vanished-no-refresh", {});
    await stack.up();
    await bed.admin.deleteKey(KEY);
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 2 });
  });

  it("9. adopting (the import option) a key whose rotation was configured by hand reads it once and writes nothing", async () => {
    await bed.admin.putKey(KEY, { rotationEnabled: true, rotationInterval: 120, numberOfRotations: 4 });
    await bed.admin.clearRequests();
    const rec = opsRecorder();
    const stack = await oneRotation("adopt", { enabled: true, intervalDays: 120 }, { import: KEY });
    const up = await stack.up({ onEvent: rec.onEvent });
    expect(rec.ops).toEqual(["create key"]);
    expect(up.summary.result).toBe("succeeded");
    expect(await operations()).toEqual(["get-key-rotation-status"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 120 });
    expect(await recorded(stack)).toMatchObject({ enabled: true, intervalDays: 120, numberOfRotations: 4 });

    // From then on it is managed like any other: the import option may stay or go, edits apply.
    const again = await (await oneRotation("adopt", { enabled: true, intervalDays: 120 })).up({ expectNoChanges: true });
    expect(again.summary.resourceChanges).toMatchObject({ same: 2 });
    await (await oneRotation("adopt", { enabled: true, intervalDays: 100 }, { import: KEY })).up();
    expect(await operations()).toEqual(["update-key-rotation-interval"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationInterval: 100 });
  });

  it("9b. adopting with arguments that differ from the key's live rotation fails and changes nothing", async () => {
    await bed.admin.putKey(KEY, { rotationEnabled: true, rotationInterval: 120 });
    await bed.admin.clearRequests();
    const stack = await oneRotation("adopt-mismatch", { enabled: true, intervalDays: 90 }, { import: KEY });
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain(
      `cannot adopt the rotation of key ${KEY}: KMS has it on, every 120 days, the program declares it on, every 90 days`,
    );
    expect(await operations()).toEqual(["get-key-rotation-status"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 120 });
    expect(await recorded(stack)).toBeUndefined();
  });

  it("9c. an import id other than the key id is refused before any KMS call", async () => {
    const stack = await oneRotation("adopt-wrong-id", {}, { import: "aaaaaaaa-0000-4000-8000-000000000000" });
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain(`the import id "aaaaaaaa-0000-4000-8000-000000000000" must be the keyId "${KEY}"`);
    expect(await operations()).toEqual([]);
  });

  it("KeyRotation.get looks up a key's live rotation without managing it", async () => {
    await bed.admin.putKey(KEY, { rotationEnabled: true, rotationInterval: 75 });
    const stack = await bed.stack("lookup", () => {
      const r = KeyRotation.get("existing", KEY);
      return Promise.resolve({ enabled: r.enabled, intervalDays: r.intervalDays });
    });
    const up = await stack.up();
    expect(up.outputs.enabled?.value).toBe(true);
    expect(up.outputs.intervalDays?.value).toBe(75);
    await stack.destroy();
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 75 });
  });
});
