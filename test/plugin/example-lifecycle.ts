// The lifecycle every example program of the plugin provider goes through, whatever its language
// (examples/yaml-rotation, examples/python-rotation: one KeyRotation "app-key" of config `keyId`,
// `intervalDays` default 90, exporting rotationEnabled and rotationIntervalDays): up, a preview
// with no changes, an interval change that is exactly one request, a refresh after drift, destroy.
import type { Stack } from "@pulumi/pulumi/automation";
import { expect, it } from "vitest";
import { takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";

/** The key every example is pointed at. */
export const EXAMPLE_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

/** Registers the lifecycle's tests; `current` gives the suite's testbed and example stack once set up. */
export function exampleLifecycle(current: () => { bed: KmsTestbed; stack: Stack }): void {
  const calls = (): Promise<string[]> => takeCalls(current().bed);

  it("up rotates the key every 90 days with read + enable + interval", async () => {
    const { bed, stack } = current();
    const up = await stack.up();
    expect(up.outputs.rotationIntervalDays?.value).toBe(90);
    expect(up.outputs.rotationEnabled?.value).toBe(true);
    expect(await calls()).toEqual(["get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval 90"]);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
  });

  it("a preview then shows no changes and calls KMS zero times", async () => {
    await current().stack.preview({ expectNoChanges: true });
    expect(await calls()).toEqual([]);
  });

  it("an interval change is exactly one update-key-rotation-interval", async () => {
    const { stack } = current();
    await stack.setConfig("intervalDays", { value: "30" });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs.rotationIntervalDays?.value).toBe(30);
    expect(await calls()).toEqual(["update-key-rotation-interval 30"]);
  });

  it("refresh after drift records what KMS holds", async () => {
    const { bed, stack } = current();
    await bed.admin.putKey(EXAMPLE_KEY, { rotationInterval: 200 });
    await stack.refresh();
    expect(await calls()).toEqual(["get-key-rotation-status"]);
    const state = (await stack.exportStack()).deployment as { resources?: { type: string; outputs?: { intervalDays?: number } }[] };
    expect(state.resources?.find((r) => r.type === "huaweicloud-kms:index:KeyRotation")?.outputs?.intervalDays).toBe(200);
    expect((await stack.outputs()).rotationIntervalDays?.value).toBe(30);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    await calls();
  });

  it("destroy turns rotation off", async () => {
    const { bed, stack } = current();
    await stack.destroy();
    expect(await calls()).toEqual(["disable-key-rotation"]);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: false });
  });
}
