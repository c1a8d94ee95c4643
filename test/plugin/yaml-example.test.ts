// examples/yaml-rotation, a Pulumi YAML program, run by the real CLI (and its YAML language host)
// with the plugin provider against the emulator, through the examples' lifecycle
// (example-lifecycle.ts).
import { resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { EXAMPLE_KEY, exampleLifecycle } from "./example-lifecycle.js";

describe("examples/yaml-rotation (YAML program, plugin provider)", () => {
  let bed: KmsTestbed;
  let stack: Stack;

  beforeAll(async () => {
    bed = await startKmsTestbed();
    await bed.admin.putKey(EXAMPLE_KEY);
    stack = await bed.projectStack("yaml", resolve(__dirname, "../../examples/yaml-rotation"));
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
  });
  afterAll(async () => {
    await bed.dispose();
  });

  exampleLifecycle(() => ({ bed, stack }));
});
