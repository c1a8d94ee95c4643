// The plugin provider's own settings through the real CLI: a missing setting fails when the
// provider is checked, naming every way to set it and with no KMS call; an explicit provider
// resource with its own endpoint and credentials serves the resources given it, beside the default
// provider configured from the environment.
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PROJECT_ID, emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "../../emulator/index.js";
import { projectSettingsFor, loadPluginSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const KEY_DEFAULT = "d0d0d0d0-0000-4000-8000-000000000001";
const KEY_OTHER = "d0d0d0d0-0000-4000-8000-000000000002";
const OTHER_AK = "AKOTHERACCOUNT000001";
const OTHER_SK = "sk-other-account-secret";

describe("plugin provider settings", () => {
  let bed: KmsTestbed;
  let other: RunningEmulator;
  let otherAdmin: EmulatorAdmin;
  let sdk: ReturnType<typeof loadPluginSdk>;

  async function stackOf(name: string, envVars: Record<string, string>, program: () => void): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
      {
        stackName: name,
        projectName: "kms-plugin-config",
        program: () => {
          program();
          return Promise.resolve({});
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars, workDir: bed.sandbox.workDir, projectSettings: projectSettingsFor("kms-plugin-config", "plugin") },
    );
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    other = await startEmulator({ port: 0, credentials: [{ accessKey: OTHER_AK, secretKey: OTHER_SK }] });
    otherAdmin = emulatorAdmin(other.url);
    await bed.admin.putKey(KEY_DEFAULT);
    await otherAdmin.putKey(KEY_OTHER);
    sdk = loadPluginSdk();
  });
  afterAll(async () => {
    await other.close();
    await bed.dispose();
  });

  it("a missing project id fails preview at the provider's check, naming every way to set it, with no KMS call", async () => {
    const env = Object.fromEntries(Object.entries(bed.envVars).filter(([k]) => k !== "HW_PROJECT_ID"));
    const stack = await stackOf("missing", env, () => new sdk.KeyRotation("app", { keyId: KEY_DEFAULT }));
    await bed.admin.clearRequests();
    const failure = await stack.preview().then(
      () => "",
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(failure).toContain('KMS setting "projectId" is not set');
    for (const way of ['the provider argument "projectId"', "pulumi config set huaweicloud-kms:projectId", "HW_PROJECT_ID"]) {
      expect(failure).toContain(way);
    }
    expect(await bed.admin.requests()).toEqual([]);
  });

  it("an explicit provider with its own endpoint and credentials serves its resources; the default one the rest", async () => {
    const stack = await stackOf("explicit", bed.envVars, () => {
      const otherAccount = new sdk.Provider("other-account", {
        endpoint: other.url,
        projectId: DEFAULT_PROJECT_ID,
        accessKey: OTHER_AK,
        secretKey: OTHER_SK,
      });
      new sdk.KeyRotation("default-key", { keyId: KEY_DEFAULT, intervalDays: 90 });
      new sdk.KeyRotation("other-key", { keyId: KEY_OTHER, intervalDays: 120 }, { provider: otherAccount });
    });
    await stack.up();
    expect(await bed.admin.getKey(KEY_DEFAULT)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    expect(await otherAdmin.getKey(KEY_OTHER)).toMatchObject({ rotationEnabled: true, rotationInterval: 120 });
    expect((await bed.admin.requests()).every((r) => r.keyId === KEY_DEFAULT)).toBe(true);
    expect((await otherAdmin.requests()).every((r) => r.keyId === KEY_OTHER)).toBe(true);
    const exported = JSON.stringify((await stack.exportStack()).deployment);
    // The secret key is recorded as a secret (the export here decrypts, so look at its marker).
    expect(exported).toContain('"secretKey":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270"');
    await stack.destroy();
    expect(await otherAdmin.getKey(KEY_OTHER)).toMatchObject({ rotationEnabled: false });
  });
});
