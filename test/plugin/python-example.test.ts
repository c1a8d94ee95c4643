// examples/python-rotation, a Pulumi Python program using the SDK generated into sdk/python, run
// by the real CLI (and its Python language host) with the plugin provider against the emulator,
// through the examples' lifecycle (example-lifecycle.ts).
//
// The program runs in a virtualenv with PyPI's `pulumi` and the local sdk/python
// (harness/python-venv.ts: cached, rebuilt when sdk/python changes; its bin first on the CLI's PATH).
import { resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { pythonVenv, usePythonVenv } from "../../harness/python-venv.js";
import { EXAMPLE_KEY, exampleLifecycle } from "./example-lifecycle.js";

const root = resolve(__dirname, "../..");

describe("examples/python-rotation (Python program, generated SDK, plugin provider)", () => {
  let bed: KmsTestbed;
  let stack: Stack;

  beforeAll(async () => {
    const venvBin = pythonVenv();
    bed = await startKmsTestbed();
    // The same object the stack's workspace is given.
    usePythonVenv(bed.envVars, venvBin);
    await bed.admin.putKey(EXAMPLE_KEY);
    stack = await bed.projectStack("python", resolve(root, "examples/python-rotation"));
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
  });

  exampleLifecycle(() => ({ bed, stack }));
});
