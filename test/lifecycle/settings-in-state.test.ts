// What the state records of the provider's settings, and how a stack moves to another endpoint
// and other credentials. The engine records the stack config in the state as the default
// provider's configuration, and `refresh` and `destroy` configure the provider from that record,
// not from the current stack config; settings from the environment are never recorded.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LocalWorkspace, type ConfigMap, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "../../emulator/index.js";
import { pulumiCli } from "../faults/fault-support.js";
import { TEST_ACCESS_KEY, TEST_PROJECT_ID, TEST_SECRET_KEY, loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

/** Credentials the old endpoint accepts (and the new one does not). */
const OLD_ACCESS_KEY = "AKOLDENDPOINTCANARY1";
const OLD_SECRET_KEY = "sk-old-endpoint-canary-7c2a91";
/** Pulumi's marker of a secret value in a state or export. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
const ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";

interface StateResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A refused endpoint fails at once (one attempt, a short timeout) instead of after six attempts. */
const FAST_FAILURE_ENV = { HW_MAX_RETRIES: "0", HW_KMS_REQUEST_TIMEOUT_MS: "3000" };

describe("settings in the state", () => {
  let bed: KmsTestbed;
  const { KeyRotation } = loadSdk();

  /** A stack with one rotation of `keyId` every 90 days, whose CLI environment is `envVars` only. */
  function rotationStack(name: string, keyId: string, envVars: Record<string, string>): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
      {
        stackName: name,
        projectName: "kms-settings",
        program: () => {
          new KeyRotation("key", { keyId, intervalDays: 90 });
          return Promise.resolve({});
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars, workDir: bed.sandbox.workDir },
    );
  }

  /** The sandbox environment with no KMS setting in it: the stack config is the only source. */
  function configOnlyEnv(): Record<string, string> {
    return { ...bed.sandbox.envVars, ...FAST_FAILURE_ENV };
  }

  /** `pulumi stack export` as a user runs it (without --show-secrets, unlike the Automation API's). */
  async function exportText(stack: Stack): Promise<string> {
    const result = await pulumiCli(bed, stack, ["stack", "export"]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  }

  async function recordedResources(stack: Stack): Promise<StateResource[]> {
    const exported = JSON.parse(await exportText(stack)) as { deployment: { resources?: StateResource[] } };
    return exported.deployment.resources ?? [];
  }

  async function recordedProvider(stack: Stack): Promise<StateResource> {
    const providers = (await recordedResources(stack)).filter((r) => r.type === PROVIDER_TYPE);
    expect(providers).toHaveLength(1);
    return providers[0] as StateResource;
  }

  /** "<operation> <key id>" of every request the emulator received since the last call, then clears its log. */
  async function callsTo(admin: EmulatorAdmin): Promise<string[]> {
    const log = await admin.requests();
    await admin.clearRequests();
    return log.map((r) => `${r.operation} ${r.keyId ?? "?"}`);
  }

  /** Stack config pointing at `url` with `accessKey`/`secretKey`, the secret key stored with --secret. */
  function kmsConfig(url: string, accessKey: string, secretKey: string, accessKeySecret: boolean): ConfigMap {
    return {
      "huaweicloud-kms:endpoint": { value: url },
      "huaweicloud-kms:projectId": { value: TEST_PROJECT_ID },
      "huaweicloud-kms:accessKey": { value: accessKey, secret: accessKeySecret },
      "huaweicloud-kms:secretKey": { value: secretKey, secret: true },
    };
  }

  /**
   * An "old endpoint" with its own credentials, the key rotating every 90 days, and a stack brought
   * up against it through stack config alone; the testbed's emulator is the "new endpoint".
   */
  async function stackOnOldEndpoint(name: string, keyId: string): Promise<{ stack: Stack; old: RunningEmulator; oldAdmin: EmulatorAdmin }> {
    const old = await startEmulator({ port: 0, credentials: [{ accessKey: OLD_ACCESS_KEY, secretKey: OLD_SECRET_KEY }] });
    const oldAdmin = emulatorAdmin(old.url);
    try {
      await oldAdmin.putKey(keyId, { rotationEnabled: true, rotationInterval: 90 });
      await bed.admin.putKey(keyId, { rotationEnabled: true, rotationInterval: 90 });
      const stack = await rotationStack(name, keyId, configOnlyEnv());
      await stack.setAllConfig(kmsConfig(old.url, OLD_ACCESS_KEY, OLD_SECRET_KEY, false));
      await stack.up();
      expect(await callsTo(oldAdmin)).toEqual([`get-key-rotation-status ${keyId}`]);
      await bed.admin.clearRequests();
      return { stack, old, oldAdmin };
    } catch (e) {
      await old.close();
      throw e;
    }
  }

  /** Points the stack config at the new endpoint with its credentials (the access key as a secret too). */
  async function moveConfigToNewEndpoint(stack: Stack): Promise<void> {
    await stack.setAllConfig(kmsConfig(bed.emulator.url, TEST_ACCESS_KEY, TEST_SECRET_KEY, true));
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  beforeEach(async () => {
    await bed.admin.clearRequests();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("records every stack config value as the provider's configuration: secrets as ciphertext only, the rest in clear", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000001";
    await bed.admin.putKey(keyId);
    const stack = await rotationStack("from-config", keyId, configOnlyEnv());
    await stack.setAllConfig({
      ...kmsConfig(bed.emulator.url, TEST_ACCESS_KEY, TEST_SECRET_KEY, false),
      // The official provider's namespace, and a value of the program's own: recorded as well.
      "huaweicloud:region": { value: "cn-north-4" },
      "kms-settings:team": { value: "payments" },
    });
    await stack.up();

    const provider = await recordedProvider(stack);
    const ciphertext = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.stringMatching(/^v1:/) as unknown };
    const recorded = {
      "huaweicloud-kms:endpoint": bed.emulator.url,
      "huaweicloud-kms:projectId": TEST_PROJECT_ID,
      "huaweicloud-kms:accessKey": TEST_ACCESS_KEY,
      "huaweicloud-kms:secretKey": ciphertext,
      "huaweicloud:region": "cn-north-4",
      "kms-settings:team": "payments",
    };
    // Inputs and outputs alike (each secret encrypted on its own, so the ciphertexts may differ).
    expect(provider.inputs).toEqual(recorded);
    expect(provider.outputs).toEqual(recorded);

    // The plain secret key is nowhere: not in the export, not in the backend's files.
    const exported = await exportText(stack);
    const backendFiles: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else backendFiles.push(readFileSync(path, "utf8"));
      }
    };
    walk(bed.sandbox.stateDir);
    expect(backendFiles.length).toBeGreaterThan(0);
    expect(exported.includes(TEST_SECRET_KEY), "plain secret key in the export").toBe(false);
    expect(backendFiles.join("\n").includes(TEST_SECRET_KEY), "plain secret key in the backend's files").toBe(false);
    expect(exported).toContain(TEST_ACCESS_KEY); // set without --secret: in clear, as docs/settings-in-state.md says
    await stack.destroy();
  });

  it("records nothing of settings given through the environment", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000002";
    await bed.admin.putKey(keyId);
    const stack = await rotationStack("from-env", keyId, bed.envVars);
    await stack.up();
    expect(await callsTo(bed.admin)).toContain(`get-key-rotation-status ${keyId}`);

    const provider = await recordedProvider(stack);
    expect(provider.inputs ?? {}).toEqual({});
    expect(provider.outputs ?? {}).toEqual({});
    const exported = await exportText(stack);
    for (const [name, value] of Object.entries({ endpoint: bed.emulator.url, projectId: TEST_PROJECT_ID, accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY })) {
      expect(exported.includes(value), `${name} from the environment in the export`).toBe(false);
    }
    await stack.destroy();
  });

  it("environment settings are read by every command: changing HW_KMS_ENDPOINT moves a plain refresh at once", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000003";
    const other = await startEmulator({ port: 0, credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }] });
    try {
      const otherAdmin = emulatorAdmin(other.url);
      await otherAdmin.putKey(keyId, { rotationEnabled: true, rotationInterval: 90 });
      await bed.admin.putKey(keyId, { rotationEnabled: true, rotationInterval: 90 });
      const stack = await rotationStack("env-move", keyId, { ...bed.envVars, ...FAST_FAILURE_ENV });
      await stack.up();
      expect(await callsTo(bed.admin)).toEqual([`get-key-rotation-status ${keyId}`]);

      stack.workspace.envVars.HW_KMS_ENDPOINT = other.url;
      await stack.refresh();
      expect(await callsTo(otherAdmin)).toEqual([`get-key-rotation-status ${keyId}`]);
      expect(await callsTo(bed.admin)).toEqual([]);
      await stack.destroy();
      expect(await callsTo(otherAdmin)).toEqual([`disable-key-rotation ${keyId}`]);
    } finally {
      await other.close();
    }
  });

  it("after the endpoint and credentials change in stack config, plain refresh and destroy still go to the recorded (old) endpoint", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000004";
    const { stack, old, oldAdmin } = await stackOnOldEndpoint("stale-refresh", keyId);
    try {
      await moveConfigToNewEndpoint(stack);
      await stack.refresh(); // succeeds only with the old credentials: the old endpoint accepts no others
      expect(await callsTo(oldAdmin)).toEqual([`get-key-rotation-status ${keyId}`]);
      expect(await callsTo(bed.admin)).toEqual([]);

      // With the old endpoint gone, the plain refresh fails on it (naming it), and the new one sees nothing.
      await old.close();
      const failure = await stack.refresh().then(
        () => "succeeded",
        (e: unknown) => String(e),
      );
      expect(failure).toContain("NETWORK_ERROR");
      expect(failure).toContain(`(${old.url})`);
      // So does a plain destroy, and the rotation stays in the state.
      const destroyFailure = await stack.destroy().then(
        () => "succeeded",
        (e: unknown) => String(e),
      );
      expect(destroyFailure).toContain(`(${old.url})`);
      expect((await recordedResources(stack)).map((r) => r.type)).toContain(ROTATION_TYPE);
      expect(await callsTo(bed.admin)).toEqual([]);
      expect((await recordedProvider(stack)).inputs?.["huaweicloud-kms:endpoint"]).toBe(old.url);
    } finally {
      await old.close().catch(() => undefined);
    }
  });

  it("`pulumi up` first records the new settings (with no KMS call); refresh and destroy then reach the new endpoint", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000005";
    const { stack, old } = await stackOnOldEndpoint("move-by-up", keyId);
    try {
      await moveConfigToNewEndpoint(stack);
      await old.close(); // the old endpoint is gone: nothing below may need it

      const up = await stack.up();
      expect(up.summary.resourceChanges).toEqual({ same: 2 }); // the user sees no change...
      expect(await callsTo(bed.admin)).toEqual([]); // ...and KMS no call,
      const provider = await recordedProvider(stack); // but the state now holds the new settings
      expect(provider.inputs?.["huaweicloud-kms:endpoint"]).toBe(bed.emulator.url);
      expect(provider.inputs?.["huaweicloud-kms:accessKey"]).toMatchObject({ [SECRET_SIG]: expect.any(String) as unknown });
      expect(JSON.stringify(provider)).not.toContain(OLD_ACCESS_KEY);

      await stack.refresh();
      expect(await callsTo(bed.admin)).toEqual([`get-key-rotation-status ${keyId}`]);
      await stack.destroy();
      expect(await callsTo(bed.admin)).toEqual([`disable-key-rotation ${keyId}`]);
      expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: false });
    } finally {
      await old.close().catch(() => undefined);
    }
  });

  it("`pulumi refresh --run-program` reaches the new endpoint at once and records it for the commands after it", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000006";
    const { stack, old, oldAdmin } = await stackOnOldEndpoint("move-by-refresh", keyId);
    try {
      await moveConfigToNewEndpoint(stack);
      await stack.refresh({ runProgram: true });
      expect(await callsTo(bed.admin)).toEqual([`get-key-rotation-status ${keyId}`]);
      expect(await callsTo(oldAdmin)).toEqual([]);
      expect((await recordedProvider(stack)).inputs?.["huaweicloud-kms:endpoint"]).toBe(bed.emulator.url);

      await old.close();
      await stack.refresh();
      expect(await callsTo(bed.admin)).toEqual([`get-key-rotation-status ${keyId}`]);
      await stack.destroy();
      expect(await callsTo(bed.admin)).toEqual([`disable-key-rotation ${keyId}`]);
    } finally {
      await old.close().catch(() => undefined);
    }
  });

  it("`pulumi destroy --run-program` reaches the new endpoint without a prior up", async () => {
    const keyId = "5e770000-0000-4000-8000-000000000007";
    const { stack, old, oldAdmin } = await stackOnOldEndpoint("move-by-destroy", keyId);
    try {
      await moveConfigToNewEndpoint(stack);
      await stack.destroy({ runProgram: true });
      expect(await callsTo(bed.admin)).toEqual([`disable-key-rotation ${keyId}`]);
      expect(await callsTo(oldAdmin)).toEqual([]);
      expect(await oldAdmin.getKey(keyId)).toMatchObject({ rotationEnabled: true });
    } finally {
      await old.close();
    }
  });
});
