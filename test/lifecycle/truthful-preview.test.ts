// A preview is green only where `up` can succeed: through the real CLI against the emulator,
// missing settings and keys that KMS would refuse fail the preview with the code and advice `up`
// then shows, a create costs one describe-key in preview and nothing more in `up`, and unchanged
// resources cost no call at all. Also: customTimeouts bounds an operation, and a failing delete
// is reported once, with the ways out.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AdminKeyPatch } from "../../emulator/index.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const KEY = "c3c3c3c3-0000-4000-8000-000000000003";

interface Spec {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

/** The text of a failed Automation API run: what the user saw on the terminal. */
async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("expected the run to fail");
}

describe("truthful preview", () => {
  let bed: KmsTestbed;
  let stack: Stack;
  let specs: Record<string, Spec> = {};

  async function operations(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.map((r) => r.operation);
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    const { KeyRotation } = loadSdk();
    stack = await bed.stack("truthful-preview", () => {
      for (const [name, { customTimeouts, ...args }] of Object.entries(specs)) {
        new KeyRotation(name, args, customTimeouts ? { customTimeouts } : {});
      }
      return Promise.resolve({});
    });
  });
  beforeEach(async () => {
    await bed.admin.clearFaults();
    await stack.destroy();
    await bed.admin.reset();
    await bed.admin.putKey(KEY);
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("a create costs one describe-key in preview and none extra in up; unchanged resources cost nothing", async () => {
    specs = { app: { keyId: KEY, intervalDays: 90 } };
    await operations();
    await stack.preview();
    expect(await operations()).toEqual(["describe-key"]);
    await stack.up();
    expect(await operations()).toEqual(["get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval"]);
    await stack.preview({ expectNoChanges: true });
    await stack.up({ expectNoChanges: true });
    expect(await operations()).toEqual([]);
  });

  it("an unset project id fails preview with the message up gives, naming this provider's settings", async () => {
    specs = { app: { keyId: KEY } };
    const env = stack.workspace.envVars;
    const projectId = env.HW_PROJECT_ID;
    delete env.HW_PROJECT_ID;
    try {
      const preview = await failure(stack.preview());
      const up = await failure(stack.up());
      const message = /KMS setting "projectId" is not set[^\n]*/.exec(preview)?.[0];
      expect(message).toBeDefined();
      expect(up).toContain(message);
      expect(message).toContain("pulumi config set huaweicloud-kms:projectId");
      expect(message).toContain("HW_PROJECT_ID");
      expect(message).not.toContain("provider argument");
    } finally {
      env.HW_PROJECT_ID = projectId ?? "";
    }
  });

  it("a key that does not exist fails preview with the KMS code and advice up gives", async () => {
    specs = { app: { keyId: "dddddddd-0000-4000-8000-00000000dead" } };
    const preview = await failure(stack.preview());
    const up = await failure(stack.up());
    for (const text of [preview, up]) {
      expect(text).toContain("KMS.0207");
      expect(text).toContain("The key does not exist in this project and region");
    }
  });

  const refused: [string, AdminKeyPatch, string, string][] = [
    ["disabled", { keyState: "3" }, "KMS.0209", "The key is disabled: enable it first"],
    ["pending deletion", { keyState: "4" }, "KMS.0210", "The key is scheduled for deletion"],
    ["a Default Master Key", { defaultKeyFlag: "1" }, "KMS.0211", "Default Master Keys are managed by the cloud services"],
    ["of imported material", { origin: "external" }, "KMS.0312", "Keys with imported key material"],
    ["an RSA key", { keySpec: "RSA_2048" }, "KMS.0324", "RSA keys cannot rotate"],
    ["an EC key", { keySpec: "EC_P256" }, "KMS.0325", "Asymmetric keys cannot rotate"],
  ];
  it.each(refused)("a key that is %s fails preview with the code and advice up gives, with no write", async (_what, patch, code, advice) => {
    await bed.admin.putKey(KEY, patch);
    specs = { app: { keyId: KEY } };
    await operations();
    const preview = await failure(stack.preview());
    expect(preview).toContain(`KMS would refuse enable-key-rotation for key ${KEY}: ${code}`);
    expect(preview).toContain(advice);
    expect(await operations()).toEqual(["describe-key"]);
    const up = await failure(stack.up());
    expect(up).toContain(code);
    expect(up).toContain(advice);
  });

  it("a key that cannot rotate passes preview when the program asks for no change (rotation off)", async () => {
    await bed.admin.putKey(KEY, { keyState: "3" });
    specs = { app: { keyId: KEY, enabled: false } };
    await stack.preview();
    await stack.up();
    expect(await operations()).toEqual(["describe-key", "get-key-rotation-status"]);
  });

  it("customTimeouts.update bounds an update: an 8 s answer under 2s fails in about 2 s, and the next up converges", async () => {
    specs = { app: { keyId: KEY, intervalDays: 90, customTimeouts: { update: "2s" } } };
    await stack.up();
    await bed.admin.addFault({ kind: "latency", ms: 8000, operation: "update-key-rotation-interval" });
    specs = { app: { keyId: KEY, intervalDays: 60, customTimeouts: { update: "2s" } } };
    const started = Date.now();
    const text = await failure(stack.up());
    const elapsed = Date.now() - started;
    expect(text).toContain("customTimeouts.update of 2s passed");
    expect(elapsed).toBeLessThan(7000);
    await bed.admin.clearFaults();
    await stack.up();
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 60 });
    await stack.refresh({ expectNoChanges: true });
  });

  it("a malformed customTimeouts value fails the program, naming the option and the value", async () => {
    specs = { app: { keyId: KEY, customTimeouts: { create: "soon" } } };
    const text = await failure(stack.preview());
    expect(text).toContain('customTimeouts.create "soon" is not a duration');
  });

  it("with PULUMI_KMS_DEBUG=1, each KMS call's line is shown under its resource in up, refresh and destroy", async () => {
    specs = { app: { keyId: KEY, intervalDays: 90 } };
    // The CLI (and so the provider) and the program (inline: this process) both see the variable.
    const env = stack.workspace.envVars;
    env.PULUMI_KMS_DEBUG = "1";
    process.env.PULUMI_KMS_DEBUG = "1";
    try {
      const lines: { urn: string; message: string }[] = [];
      const onEvent = (e: EngineEvent): void => {
        const d = e.diagnosticEvent;
        if (d?.message.includes("kms ")) lines.push({ urn: d.urn ?? "", message: d.message });
      };
      await stack.up({ onEvent });
      await stack.refresh({ onEvent });
      await stack.destroy({ onEvent });
      const ops = lines.map((l) => /kms (\S+)/.exec(l.message)?.[1]);
      expect(ops).toEqual([
        "get-key-rotation-status",
        "enable-key-rotation",
        "update-key-rotation-interval",
        "get-key-rotation-status",
        "disable-key-rotation",
      ]);
      for (const line of lines) expect(line.urn).toMatch(/::pulumi-nodejs:dynamic\/huaweicloud-kms:KeyRotation::app$/);
    } finally {
      delete env.PULUMI_KMS_DEBUG;
      delete process.env.PULUMI_KMS_DEBUG;
    }
  });

  it("a delete that KMS refuses is reported once, with the ways out", async () => {
    specs = { app: { keyId: KEY } };
    await stack.up();
    await bed.admin.putKey(KEY, { keyState: "3" });
    const text = await failure(stack.destroy());
    // The CLI's Diagnostics block lists what went wrong, once per problem.
    const diagnostics = text.slice(text.indexOf("Diagnostics:"), text.indexOf("Resources:"));
    expect(diagnostics.split("KMS.0209").length - 1).toBe(1);
    expect(text).toContain("pulumi state delete");
    expect(text).toContain("retainOnDelete");
    await bed.admin.putKey(KEY, { keyState: "2" });
  });
});
