// KeyRotation through the plugin provider (pulumi-resource-huaweicloud-kms, started by the real
// CLI from the installed package's folder) against the emulator: the lifecycle with exact KMS
// calls, settings from stack config (secrets included), a preview that reads the key of a create,
// and no serialized provider in the state.
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectSettingsFor, loadPluginSdk, startKmsTestbed, TEST_SECRET_KEY, testbedStackConfig, type KmsTestbed } from "../../harness/kms-testbed.js";

const KEY_A = "aaaaaaaa-0000-4000-8000-0000000000a1";
const KEY_B = "bbbbbbbb-0000-4000-8000-0000000000b2";

interface Spec {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("plugin provider: KeyRotation lifecycle", () => {
  let bed: KmsTestbed;
  let stack: Stack;
  const specs: Record<string, Spec> = { orders: { keyId: KEY_A, intervalDays: 90 }, billing: { keyId: KEY_B } };

  async function calls(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.map((r) => {
      const body = r.body as { rotation_interval?: number } | undefined;
      return `${r.operation} ${r.keyId === KEY_A ? "a" : "b"}${body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`}`;
    });
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    await bed.admin.putKey(KEY_A);
    await bed.admin.putKey(KEY_B);
    const { KeyRotation } = loadPluginSdk();
    // Settings come from stack config only: the plugin reads its own namespace, secrets included.
    const SETTINGS_ENV = new Set(["HW_KMS_ENDPOINT", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY"]);
    const envVars = Object.fromEntries(Object.entries(bed.envVars).filter(([k]) => !SETTINGS_ENV.has(k)));
    stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: "plugin",
        projectName: "kms-plugin",
        program: () => {
          const out: Record<string, unknown> = {};
          for (const [name, spec] of Object.entries(specs)) {
            const r = new KeyRotation(name, spec);
            out[name] = { enabled: r.enabled, intervalDays: r.intervalDays, rotations: r.numberOfRotations };
          }
          return Promise.resolve(out);
        },
      },
      {
        pulumiCommand: bed.sandbox.pulumiCommand,
        envVars,
        workDir: bed.sandbox.workDir,
        projectSettings: projectSettingsFor("kms-plugin", "plugin"),
      },
    );
    await stack.setAllConfig(testbedStackConfig(bed));
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("preview reads each key to be created once; up sends exactly what each key needs", async () => {
    await stack.preview();
    expect((await calls()).sort()).toEqual(["describe-key a", "describe-key b"]);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    expect((await calls()).sort()).toEqual([
      "enable-key-rotation a",
      "enable-key-rotation b",
      "get-key-rotation-status a",
      "get-key-rotation-status b",
      "update-key-rotation-interval a 90",
    ]);
    expect(up.outputs.orders?.value).toEqual({ enabled: true, intervalDays: 90, rotations: 0 });
    expect(await bed.admin.getKey(KEY_A)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
  });

  it("preview and up again change nothing and call KMS zero times", async () => {
    await stack.preview({ expectNoChanges: true });
    await stack.up({ expectNoChanges: true });
    expect(await calls()).toEqual([]);
  });

  it("an interval change is one update and one request", async () => {
    specs.orders = { keyId: KEY_A, intervalDays: 30 };
    await stack.preview();
    expect(await calls()).toEqual([]);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect(await calls()).toEqual(["update-key-rotation-interval a 30"]);
  });

  it("refresh after drift reads each key once and records what KMS holds", async () => {
    await bed.admin.putKey(KEY_B, { rotationEnabled: true, rotationInterval: 200 });
    await stack.refresh();
    expect((await calls()).sort()).toEqual(["get-key-rotation-status a", "get-key-rotation-status b"]);
    const state = await stack.exportStack();
    const billing = (state.deployment as { resources: { urn: string; outputs: Record<string, unknown> }[] }).resources.find((r) =>
      r.urn.endsWith("::billing"),
    );
    expect(billing?.outputs).toMatchObject({ keyId: KEY_B, enabled: true, intervalDays: 200 });
    expect(JSON.stringify(state)).not.toContain("__provider");
    // The secret settings are recorded as secrets: encrypted in the backend's files.
    const provider = (state.deployment as { resources: { type: string; inputs?: Record<string, unknown> }[] }).resources.find(
      (r) => r.type === "pulumi:providers:huaweicloud-kms",
    );
    expect(provider?.inputs?.secretKey).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
    for (const file of filesUnder(bed.sandbox.stateDir)) expect(readFileSync(file, "utf8")).not.toContain(TEST_SECRET_KEY);
  });

  it("destroy turns off every rotation", async () => {
    await stack.destroy();
    expect((await calls()).sort()).toEqual(["disable-key-rotation a", "disable-key-rotation b"]);
    expect(await bed.admin.getKey(KEY_A)).toMatchObject({ rotationEnabled: false });
  });
});
