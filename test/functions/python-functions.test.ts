// The functions from a Python program on the SDK generated into sdk/python (`list_keys`,
// `list_keys_output`, `get_key_rotation`), run by the real CLI and its Python language host with
// the plugin provider against the emulator: results in Python's names, one list-keys per listing,
// one status read per get_key_rotation, and a refused key id in one line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedPackageDir } from "../../harness/installed-package.js";
import { startKmsTestbed, type KmsTestbed, takeCalls } from "../../harness/kms-testbed.js";
import { pythonVenv, usePythonVenv } from "../../harness/python-venv.js";
import { EXPECTED_LISTING, LAST_ROTATION, MIXED_KEYS, ORDERS, PAYMENTS } from "./function-keys.js";

const MAIN = `"""The provider's functions from Python."""

import pulumi
import pulumi_huaweicloud_kms as kms

config = pulumi.Config()

listed = kms.list_keys()
rotation = kms.get_key_rotation(key_id=config.require("keyId"))
rotatable = kms.list_keys_output(rotatable_only=True)

pulumi.export("names", [f"{k.resource_name} {'rotatable' if k.rotatable else k.cannot_rotate_reason}" for k in listed.keys])
pulumi.export("rotation", {
    "keyId": rotation.key_id,
    "enabled": rotation.enabled,
    "intervalDays": rotation.interval_days,
    "lastRotationTime": rotation.last_rotation_time,
    "numberOfRotations": rotation.number_of_rotations,
})
pulumi.export("rotatable", rotatable.keys.apply(lambda keys: [k.key_id for k in keys]))
`;

describe("functions from Python (generated SDK, plugin provider)", () => {
  let bed: KmsTestbed;
  let dir: string;
  let stack: Stack;

  // The operations only (no write here carries an interval), sorted: the engine's order varies.
  const operations = async (): Promise<string[]> => (await takeCalls(bed)).sort();

  beforeAll(async () => {
    const venvBin = pythonVenv();
    bed = await startKmsTestbed({ seed: { keys: MIXED_KEYS } });
    usePythonVenv(bed.envVars, venvBin);
    dir = mkdtempSync(join(tmpdir(), "kms-functions-python-"));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      `name: kms-functions-python\nruntime: python\npackages:\n  huaweicloud-kms: ${installedPackageDir()}\n`,
    );
    writeFileSync(join(dir, "__main__.py"), MAIN);
    stack = await bed.projectStack("functions-python", dir);
    await stack.setConfig("keyId", { value: ORDERS });
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("up returns the listing and the rotation: one list-keys per listing, one status read", async () => {
    const up = await stack.up();
    expect(await operations()).toEqual(["get-key-rotation-status", "list-keys", "list-keys"]);
    expect(up.outputs.names?.value).toEqual(EXPECTED_LISTING);
    expect(up.outputs.rotation?.value).toEqual({
      keyId: ORDERS,
      enabled: true,
      intervalDays: 90,
      lastRotationTime: new Date(LAST_ROTATION).toISOString(),
      numberOfRotations: 2,
    });
    expect(up.outputs.rotatable?.value).toEqual([ORDERS, PAYMENTS]);
  });

  it("a malformed key id fails with KeyRotation's message, before any KMS call", async () => {
    await stack.setConfig("keyId", { value: "alias/orders" });
    const err = String(await stack.preview().catch((e: unknown) => e));
    // Python's SDK words the failure itself ("invoke of <token> failed: <reason> (<argument>)").
    expect(err).toContain(
      'invoke of huaweicloud-kms:index:getKeyRotation failed: keyId "alias/orders" is not a KMS key id: a KMS key id is 36 characters: lower-case letters and digits as 8-4-4-4-12, e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f (keyId)',
    );
    expect(await operations()).not.toContain("get-key-rotation-status");
  });
});
