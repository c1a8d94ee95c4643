// The functions from TypeScript programs (Automation API inline programs, real CLI, emulator)
// through both entry points: `pulumi-huaweicloud-kms/plugin` (invokes the plugin provider serves)
// and `pulumi-huaweicloud-kms` (the dynamic vehicle's SDK, which calls KMS in the program's own
// process). Same arguments, same results, same KMS requests, same messages.
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadPluginSdk,
  loadSdk,
  startKmsTestbed,
  TEST_ACCESS_KEY,
  TEST_PROJECT_ID,
  TEST_SECRET_KEY,
  type KmsTestbed,
  type Vehicle,
  takeCalls,
} from "../../harness/kms-testbed.js";
import { EXPECTED_LISTING, LAST_ROTATION, MIXED_KEYS, ORDERS } from "./function-keys.js";

type Sdk = ReturnType<typeof loadSdk>;
/** What both entry points offer, with the same signatures (the plugin SDK must fit it). */
type Functions = Pick<Sdk, "listKeys" | "listKeysOutput" | "getKeyRotation" | "getKeyRotationOutput">;

function program(fns: Functions): () => Promise<Record<string, unknown>> {
  return async () => {
    const all = await fns.listKeys();
    const rotatable = await fns.listKeys({ rotatableOnly: true });
    const rotation = await fns.getKeyRotation({ keyId: ORDERS });
    return {
      all: all.keys.map((k) => `${k.resourceName} ${k.rotatable ? "rotatable" : (k.cannotRotateReason ?? "?")}`),
      rotatable: rotatable.keys.map((k) => k.keyId),
      rotation,
      // Output forms: arguments that are Outputs; a secret argument keeps the result secret.
      sm4: fns.listKeysOutput({ keySpec: pulumi.output("SM4") }).keys.apply((keys) => keys.map((k) => k.resourceName)),
      secretRotation: fns.getKeyRotationOutput({ keyId: pulumi.secret(ORDERS) }).intervalDays,
    };
  };
}


const VEHICLES: [string, Vehicle][] = [
  ["pulumi-huaweicloud-kms/plugin (plugin provider)", "plugin"],
  ["pulumi-huaweicloud-kms (dynamic vehicle, in the program's process)", "dynamic"],
];

describe.each(VEHICLES)("functions from TypeScript: %s", (_title, vehicle) => {
  let bed: KmsTestbed;
  let fns: Functions;

  // The operations only (no write here carries an interval), sorted: the engine's order varies.
  const operations = async (): Promise<string[]> => (await takeCalls(bed)).sort();

  /**
   * A stack of `run`. The plugin reads the settings from the CLI's environment (HW_*); an inline
   * program's own process is this test's, whose environment has none, so the dynamic vehicle gets
   * them from stack config: this provider's namespace, and the official one's projectId.
   */
  async function stackOf(name: string, run: () => Promise<Record<string, unknown>>, settings = true): Promise<Stack> {
    const stack = await bed.stack(`${name}-${vehicle}`, run, vehicle);
    // The plugin provider takes its settings from the CLI's environment: "without settings" takes the project id away.
    if (vehicle === "plugin" && !settings) stack.workspace.envVars = Object.fromEntries(Object.entries(stack.workspace.envVars).filter(([k]) => k !== "HW_PROJECT_ID"));
    if (vehicle === "dynamic" && settings) {
      await stack.setAllConfig({
        "huaweicloud-kms:endpoint": { value: bed.emulator.url },
        "huaweicloud:projectId": { value: TEST_PROJECT_ID },
        "huaweicloud-kms:accessKey": { value: TEST_ACCESS_KEY, secret: true },
        "huaweicloud-kms:secretKey": { value: TEST_SECRET_KEY, secret: true },
      });
    }
    return stack;
  }

  beforeAll(async () => {
    bed = await startKmsTestbed({ seed: { keys: MIXED_KEYS } });
    fns = vehicle === "plugin" ? loadPluginSdk() : loadSdk();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("returns the listing and the rotation, one list-keys per listing and one status read per getKeyRotation", async () => {
    const stack = await stackOf("fns", program(fns));
    await stack.preview();
    const perRun = ["get-key-rotation-status", "get-key-rotation-status", "list-keys", "list-keys", "list-keys"];
    expect(await operations()).toEqual(perRun);

    const up = await stack.up();
    expect(await operations()).toEqual(perRun);
    const out = up.outputs;
    expect(out.all?.value).toEqual(EXPECTED_LISTING);
    expect(out.rotatable?.value).toEqual([ORDERS, MIXED_KEYS[1]?.keyId]);
    expect(out.rotation?.value).toEqual({
      keyId: ORDERS,
      enabled: true,
      intervalDays: 90,
      lastRotationTime: new Date(LAST_ROTATION).toISOString(),
      numberOfRotations: 2,
    });
    expect(out.sm4?.value).toEqual(["payments"]);
    expect(out.secretRotation).toEqual({ value: 90, secret: true });
    await stack.destroy();
  });

  it("a malformed key id fails with KeyRotation's message before any KMS call", async () => {
    const stack = await stackOf("bad-key", async () => {
      await fns.getKeyRotation({ keyId: "alias/orders" });
      return {};
    });
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain(
      `Invoke of 'huaweicloud-kms:index:getKeyRotation' failed: keyId "alias/orders" is not a KMS key id: a KMS key id is 36 characters: lower-case letters and digits as 8-4-4-4-12, e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f (keyId)`,
    );
    expect(await operations()).toEqual([]);
  });

  it("a KMS refusal fails in one line with the code; no credential is shown", async () => {
    const stack = await stackOf("unknown-key", async () => {
      await fns.getKeyRotation({ keyId: "9f9f9f9f-0000-4000-8000-000000000000" });
      return {};
    });
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain('KMS get-key-rotation-status for key 9f9f9f9f-0000-4000-8000-000000000000 failed: HTTP 404 KMS.0207');
    expect(err).not.toContain(TEST_SECRET_KEY);
    expect(err).not.toContain(TEST_ACCESS_KEY);
    expect(err).not.toMatch(/\n\s+at /);
    expect(await operations()).toEqual(["get-key-rotation-status"]);
  });

  it("without settings, fails naming every way to set the missing one", async () => {
    const stack = await stackOf("no-settings", async () => ({ keys: (await fns.listKeys()).keys.length }), false);
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain("pulumi config set huaweicloud-kms:projectId");
    expect(err).toContain("HW_PROJECT_ID");
    expect(await operations()).toEqual([]);
  });
});
