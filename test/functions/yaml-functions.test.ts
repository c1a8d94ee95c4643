// The functions from a Pulumi YAML program (`fn::invoke`), run by the real CLI and its YAML
// language host with the plugin provider against the emulator: what they return, and exactly the
// KMS requests they cost (one list-keys per page of the listing, one status read per
// getKeyRotation, nothing else); refused arguments and KMS refusals in one line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedPackageDir } from "../../harness/installed-package.js";
import { startKmsTestbed, TEST_SECRET_KEY, type KmsTestbed } from "../../harness/kms-testbed.js";
import { fillers, LAST_ROTATION, MIXED_KEYS, ORDERS, PAYMENTS } from "./function-keys.js";

const program = (dir: string): string => `name: kms-functions-yaml
runtime: yaml
packages:
  huaweicloud-kms: ${dir}
config:
  keyId:
    type: string
variables:
  sm4:
    fn::invoke:
      function: huaweicloud-kms:index:listKeys
      arguments:
        keySpec: SM4
      return: keys
  rotation:
    fn::invoke:
      function: huaweicloud-kms:index:getKeyRotation
      arguments:
        keyId: \${keyId}
outputs:
  sm4Keys: \${sm4}
  firstSm4Name: \${sm4[0].resourceName}
  rotationEnabled: \${rotation.enabled}
  rotationIntervalDays: \${rotation.intervalDays}
  lastRotationTime: \${rotation.lastRotationTime}
  numberOfRotations: \${rotation.numberOfRotations}
`;

interface Request {
  operation: string;
  keyId?: string;
  body?: { marker?: string; key_spec?: string; key_state?: string };
}

describe("functions from YAML (fn::invoke, plugin provider)", () => {
  let bed: KmsTestbed;
  let dir: string;
  let stack: Stack;

  async function requests(): Promise<Request[]> {
    const log = (await bed.admin.requests()) as Request[];
    await bed.admin.clearRequests();
    return log;
  }

  beforeAll(async () => {
    // 1,006 keys: the listing takes two pages of 1,000.
    bed = await startKmsTestbed({ seed: { keys: [...MIXED_KEYS, ...fillers(1000)] } });
    dir = mkdtempSync(join(tmpdir(), "kms-functions-yaml-"));
    writeFileSync(join(dir, "Pulumi.yaml"), program(installedPackageDir()));
    stack = await bed.projectStack("functions-yaml", dir);
    await stack.setConfig("keyId", { value: ORDERS });
  });
  afterAll(async () => {
    await bed.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a preview lists every page once and reads the one status, and nothing else", async () => {
    await stack.preview();
    const log = await requests();
    expect(log.map((r) => `${r.operation} ${r.keyId ?? r.body?.marker ?? "-"}`).sort()).toEqual([
      `get-key-rotation-status ${ORDERS}`,
      "list-keys -",
      "list-keys 1000",
    ]);
    // The filter is applied to the whole listing (names come from it), not sent to KMS.
    expect(log.filter((r) => r.operation === "list-keys").map((r) => [r.body?.key_spec, r.body?.key_state])).toEqual([
      ["ALL", undefined],
      ["ALL", undefined],
    ]);
  });

  it("up returns the listing and the rotation as KMS has them", async () => {
    const up = await stack.up();
    const out = up.outputs;
    expect(out.sm4Keys?.value).toEqual([
      {
        keyId: PAYMENTS,
        keyAlias: "payments",
        keyState: "2",
        keySpec: "SM4",
        origin: "kms",
        isDefaultKey: false,
        rotationEnabled: false,
        rotatable: true,
        creationDate: "2025-01-02T00:00:00.000Z",
        resourceName: "payments",
      },
    ]);
    expect(out.firstSm4Name?.value).toBe("payments");
    expect(out.rotationEnabled?.value).toBe(true);
    expect(out.rotationIntervalDays?.value).toBe(90);
    expect(out.lastRotationTime?.value).toBe(new Date(LAST_ROTATION).toISOString());
    expect(out.numberOfRotations?.value).toBe(2);
    // The program runs once: its two pages and one read, nothing written.
    expect((await requests()).map((r) => r.operation).sort()).toEqual(["get-key-rotation-status", "list-keys", "list-keys"]);
  });

  it("a malformed key id fails the program with KeyRotation's message, before any KMS call", async () => {
    await stack.setConfig("keyId", { value: "alias/orders" });
    const err = String(await stack.preview().catch((e: unknown) => e));
    expect(err).toContain(
      'huaweicloud-kms:index:getKeyRotation invoke failed: keyId "alias/orders" is not a KMS key id: a KMS key id is 36 characters: lower-case letters and digits as 8-4-4-4-12, e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f (keyId)',
    );
    expect((await requests()).filter((r) => r.operation === "get-key-rotation-status")).toEqual([]);
  });

  it("a key KMS does not know fails in one line with the code, and no credential is shown", async () => {
    await stack.setConfig("keyId", { value: "9f9f9f9f-0000-4000-8000-000000000000" });
    const err = String(await stack.preview().catch((e: unknown) => e));
    expect(err).toContain(
      'invocation of huaweicloud-kms:index:getKeyRotation returned an error: KMS get-key-rotation-status for key 9f9f9f9f-0000-4000-8000-000000000000 failed: HTTP 404 KMS.0207',
    );
    expect(err).not.toContain(TEST_SECRET_KEY);
    expect(err).not.toMatch(/\n\s+at /);
    await requests();
  });
});
