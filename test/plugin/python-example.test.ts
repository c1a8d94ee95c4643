// examples/python-rotation, a Pulumi Python program using the SDK generated into sdk/python, run
// by the real CLI (and its Python language host) with the plugin provider against the emulator:
// up, a preview with no changes, an interval change that is exactly one request, a refresh after
// drift, and destroy.
//
// The program runs in a virtualenv with PyPI's `pulumi` and the local sdk/python
// (harness/python-venv.ts: cached, rebuilt when sdk/python changes; its bin first on the CLI's PATH).
import { resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKmsTestbed, takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import { pythonVenv, usePythonVenv } from "../../harness/python-venv.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const root = resolve(__dirname, "../..");

describe("examples/python-rotation (Python program, generated SDK, plugin provider)", () => {
  let bed: KmsTestbed;
  let stack: Stack;

  const calls = (): Promise<string[]> => takeCalls(bed);

  beforeAll(async () => {
    const venvBin = pythonVenv();
    bed = await startKmsTestbed();
    // The same object the stack's workspace is given.
    usePythonVenv(bed.envVars, venvBin);
    await bed.admin.putKey(KEY);
    stack = await bed.projectStack("python", resolve(root, "examples/python-rotation"));
    await stack.setConfig("keyId", { value: KEY });
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
  });

  it("up rotates the key every 90 days with read + enable + interval", async () => {
    const up = await stack.up();
    expect(up.outputs.rotationIntervalDays?.value).toBe(90);
    expect(up.outputs.rotationEnabled?.value).toBe(true);
    expect(await calls()).toEqual(["get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval 90"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
  });

  it("a preview then shows no changes and calls KMS zero times", async () => {
    await stack.preview({ expectNoChanges: true });
    expect(await calls()).toEqual([]);
  });

  it("an interval change is exactly one update-key-rotation-interval", async () => {
    await stack.setConfig("intervalDays", { value: "30" });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs.rotationIntervalDays?.value).toBe(30);
    expect(await calls()).toEqual(["update-key-rotation-interval 30"]);
  });

  it("refresh after drift records what KMS holds", async () => {
    await bed.admin.putKey(KEY, { rotationInterval: 200 });
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
    await stack.destroy();
    expect(await calls()).toEqual(["disable-key-rotation"]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: false });
  });
});
