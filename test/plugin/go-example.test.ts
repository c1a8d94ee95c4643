// examples/go-rotation, a Pulumi Go program on the Go SDK generated into sdk/go, run by the real
// CLI (and its Go language host, which compiles the program on each run) with the plugin provider
// against the emulator: the examples' lifecycle (example-lifecycle.ts), then `pulumi import` of the
// key into the program's stack and the program's listKeys output.
//
// The program and sdk/go are copied into a fresh folder outside the repository, their modules
// downloaded and the program compiled once before the sandbox starts (harness/go-program.ts), so
// the CLI compiles it offline from Go's caches.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareGoProgram, type GoProgram } from "../../harness/go-program.js";
import { installedPackageDir } from "../../harness/installed-package.js";
import { startKmsTestbed, takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import { EXAMPLE_KEY, exampleLifecycle } from "./example-lifecycle.js";

const root = resolve(__dirname, "../..");
const TYPE = "huaweicloud-kms:index:KeyRotation";
// Beside the example's key, so that listKeys has something to sort: one more key KMS lets rotate,
// a disabled key and a Default Master Key, which it does not.
const OTHER_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a380";
const DISABLED_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a381";
const DEFAULT_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a382";

/** The example's Pulumi.yaml without its `packages:` entry (a path into this repository), plus `plugin`. */
function projectFile(example: string, plugin: string): string {
  const text = readFileSync(join(example, "Pulumi.yaml"), "utf8");
  const withoutPackages = text.replace(/^packages:\n(?:[ \t]+.*\n)*/m, "");
  if (withoutPackages === text) throw new Error(`${example}/Pulumi.yaml has no packages: entry to replace`);
  return `${withoutPackages}${plugin}`;
}

describe("examples/go-rotation (Go program, generated SDK, plugin provider)", () => {
  const example = resolve(root, "examples/go-rotation");
  let program: GoProgram;
  let bed: KmsTestbed;
  let stack: Stack;

  beforeAll(async () => {
    program = prepareGoProgram(example);
    writeFileSync(join(program.dir, "Pulumi.yaml"), projectFile(example, `packages:\n  huaweicloud-kms: ${installedPackageDir()}\n`));
    bed = await startKmsTestbed();
    // The same object the stack's workspace is given.
    Object.assign(bed.envVars, program.env);
    await bed.admin.putKey(EXAMPLE_KEY);
    await bed.admin.putKey(OTHER_KEY);
    await bed.admin.putKey(DISABLED_KEY, { keyState: "3" });
    await bed.admin.putKey(DEFAULT_KEY, { defaultKeyFlag: "1" });
    stack = await bed.projectStack("go", program.dir);
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
    await bed.admin.clearRequests();
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
    program.dispose();
  });

  // The program also calls listKeys on every run (one list-keys request, checked below); the
  // shared lifecycle counts the KeyRotation's own requests, so it is shown the others only.
  exampleLifecycle(() => ({
    bed: {
      ...bed,
      admin: { ...bed.admin, requests: async () => (await bed.admin.requests()).filter((r) => r.operation !== "list-keys") },
    },
    stack,
  }));

  it("pulumi import adopts the key into the stack (exit 0, code generation off) with one describe-key and one status read", async () => {
    // Rotation as the program declares it (intervalDays 30 since the lifecycle's change).
    await bed.admin.putKey(EXAMPLE_KEY, { rotationEnabled: true, rotationInterval: 30 });
    await takeCalls(bed);
    // The Go language host built here cannot generate code; `protect: false` so destroy can end the test.
    const result = await stack.import({ resources: [{ type: TYPE, name: "app-key", id: EXAMPLE_KEY }], protect: false, generateCode: false });
    expect(result.summary.resourceChanges).toMatchObject({ import: 1 });
    expect((await takeCalls(bed)).sort()).toEqual(["describe-key", "get-key-rotation-status"]);
    const state = (await stack.exportStack()).deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] };
    expect(state.resources?.find((r) => r.type === TYPE)?.outputs).toMatchObject({ keyId: EXAMPLE_KEY, enabled: true, intervalDays: 30 });
  });

  it("the program then previews with no changes; its only KMS request is listKeys' list-keys", async () => {
    await stack.preview({ expectNoChanges: true });
    expect(await takeCalls(bed)).toEqual(["list-keys"]);
  });

  it("listKeys: up exports the project's 4 keys and the 2 that KMS lets rotate, from one list-keys request", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 2 });
    expect(up.outputs.keyCount?.value).toBe(4);
    expect([...(up.outputs.rotatableKeyIds?.value as string[])].sort()).toEqual([EXAMPLE_KEY, OTHER_KEY].sort());
    expect(up.outputs.rotationIntervalDays?.value).toBe(30);
    expect(await takeCalls(bed)).toEqual(["list-keys"]);
  });

  it("destroy turns the imported key's rotation off", async () => {
    await stack.destroy();
    expect(await takeCalls(bed)).toEqual(["disable-key-rotation"]);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: false });
  });
});
