// `pulumi import` of existing keys' rotations through the plugin provider, in a YAML project, with
// the real CLI against the emulator: one read per key and no write; the code the CLI prints,
// pasted into the program, previews with no changes; a bulk import of 50 keys; an unknown key and
// a malformed id fail clearly and leave nothing in the state.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installedPackageDir } from "../../harness/installed-package.js";
import { loadPluginSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const TYPE = "huaweicloud-kms:index:KeyRotation";
const PAYMENTS = "a0a0a0a0-0000-4000-8000-000000000001";
const ARCHIVE = "a0a0a0a0-0000-4000-8000-000000000002";

function keyId(i: number): string {
  return `b1b1b1b1-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

describe("pulumi import (plugin provider, YAML project)", () => {
  let bed: KmsTestbed;
  let project: string;
  let stack: Stack;
  let run = 0;

  const projectFile = (): string => join(project, "Pulumi.yaml");
  const header = (): string =>
    [`name: kms-import`, `runtime: yaml`, `packages:`, `  huaweicloud-kms: ${installedPackageDir()}`, ""].join("\n");

  async function requests(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.map((r) => r.operation);
  }

  async function kinds(): Promise<string[]> {
    const state = await stack.exportStack();
    return ((state.deployment as { resources?: { type: string }[] }).resources ?? []).map((r) => r.type).filter((t) => t === TYPE);
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    project = mkdtempSync(join(tmpdir(), "kms-import-"));
  });
  beforeEach(async () => {
    await bed.admin.reset();
    await bed.admin.putKey(PAYMENTS, { rotationEnabled: true, rotationInterval: 90 });
    await bed.admin.putKey(ARCHIVE, { rotationEnabled: false });
    writeFileSync(projectFile(), header());
    stack = await bed.projectStack(`import-${++run}`, project);
    await bed.admin.clearRequests();
  });
  afterAll(async () => {
    await bed.dispose();
    rmSync(project, { recursive: true, force: true });
  });

  it("imports two keys with two reads each (describe-key, status) and no write; the printed code previews with no changes", async () => {
    const result = await stack.import({
      resources: [
        { type: TYPE, name: "payments", id: PAYMENTS },
        { type: TYPE, name: "archive", id: ARCHIVE },
      ],
      protect: false,
      generateCode: true,
    });
    expect((await requests()).sort()).toEqual(["describe-key", "describe-key", "get-key-rotation-status", "get-key-rotation-status"]);
    expect(result.summary.resourceChanges).toMatchObject({ import: 2 });
    const state = await stack.exportStack();
    const payments = (state.deployment as { resources: { urn: string; outputs: Record<string, unknown> }[] }).resources.find((r) =>
      r.urn.endsWith("::payments"),
    );
    expect(payments?.outputs).toMatchObject({ keyId: PAYMENTS, enabled: true, intervalDays: 90 });

    // The user pastes what the CLI printed into the program.
    // YAML code names the type by its short form (the `index` module left out).
    expect(result.generatedCode).toContain("type: huaweicloud-kms:KeyRotation");
    writeFileSync(projectFile(), header() + result.generatedCode);
    await stack.preview({ expectNoChanges: true });
    expect(await requests()).toEqual([]);
    expect(readFileSync(projectFile(), "utf8")).toContain("intervalDays: 90");
  });

  it("in a TypeScript project (code generation off), the program written from the import previews with no changes", async () => {
    const { KeyRotation } = loadPluginSdk();
    const declared = { payments: { keyId: PAYMENTS, enabled: true, intervalDays: 90 } };
    const ts = await bed.stack(
      `import-ts-${run}`,
      () => {
        for (const [name, args] of Object.entries(declared)) new KeyRotation(name, args);
        return Promise.resolve({});
      },
      "plugin",
    );
    const result = await ts.import({ resources: [{ type: TYPE, name: "payments", id: PAYMENTS }], protect: false, generateCode: false });
    expect(result.summary.resourceChanges).toMatchObject({ import: 1 });
    expect(await requests()).toEqual(["describe-key", "get-key-rotation-status"]);
    await ts.preview({ expectNoChanges: true });
    expect(await requests()).toEqual([]);
  });

  it("imports 50 keys in one run: 50 describe-key and 50 status reads, 0 writes", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => keyId(i + 1));
    for (const id of ids) await bed.admin.putKey(id, { rotationEnabled: true, rotationInterval: 30 + (id.charCodeAt(35) % 300) });
    await bed.admin.clearRequests();
    const result = await stack.import({
      resources: ids.map((id, i) => ({ type: TYPE, name: `key-${i + 1}`, id })),
      protect: false,
      generateCode: false,
    });
    expect(result.summary.resourceChanges).toMatchObject({ import: 50 });
    const ops = await requests();
    expect(ops.filter((o) => o === "get-key-rotation-status")).toHaveLength(50);
    expect(ops.filter((o) => o === "describe-key")).toHaveLength(50);
    expect(ops).toHaveLength(100);
    expect(await kinds()).toHaveLength(50);
  });

  it("an unknown key fails, naming it, and leaves nothing in the state", async () => {
    const unknown = "c2c2c2c2-0000-4000-8000-00000000dead";
    await expect(stack.import({ resources: [{ type: TYPE, name: "ghost", id: unknown }], generateCode: false })).rejects.toThrow(unknown);
    expect(await kinds()).toEqual([]);
  });

  it("a key scheduled for deletion fails with the code and advice, after one read and no write, and leaves nothing in the state", async () => {
    const doomed = "c3c3c3c3-0000-4000-8000-000000000004";
    await bed.admin.putKey(doomed, { keyState: "4", rotationEnabled: true, rotationInterval: 90 });
    await bed.admin.clearRequests();
    await expect(stack.import({ resources: [{ type: TYPE, name: "doomed", id: doomed }], generateCode: false })).rejects.toThrow(
      new RegExp(`cannot import the rotation of key ${doomed}: KMS.0210 \\(the key is scheduled for deletion\\)`),
    );
    expect(await requests()).toEqual(["describe-key"]);
    expect(await kinds()).toEqual([]);
  });

  it("a Default Master Key fails the same way, naming why it can never rotate", async () => {
    const builtIn = "c3c3c3c3-0000-4000-8000-000000000005";
    await bed.admin.putKey(builtIn, { defaultKeyFlag: "1" });
    await expect(stack.import({ resources: [{ type: TYPE, name: "builtin", id: builtIn }], generateCode: false })).rejects.toThrow(
      /KMS.0211 \(the key is a Default Master Key\)/,
    );
    expect(await kinds()).toEqual([]);
  });

  it("a YAML program declaring one key twice fails preview, naming both resources and the key, with no KMS write", async () => {
    const resource = (name: string, interval: number): string =>
      [`  ${name}:`, `    type: ${TYPE}`, `    properties:`, `      keyId: ${PAYMENTS}`, `      intervalDays: ${interval}`].join("\n");
    writeFileSync(projectFile(), `${header()}resources:\n${resource("payments", 50)}\n${resource("ledger", 100)}\n`);
    // YAML registers resources concurrently: either may be the second.
    await expect(stack.preview()).rejects.toThrow(new RegExp(`KeyRotation "(payments|ledger)" and "(payments|ledger)" both manage key ${PAYMENTS}`));
    // The first resource's preview may have read its key; nothing was written.
    expect((await requests()).filter((op) => op !== "describe-key")).toEqual([]);
  });

  it("a malformed id fails with the key id rule, before any KMS call, and leaves nothing in the state", async () => {
    await expect(stack.import({ resources: [{ type: TYPE, name: "bad", id: "alias/payments" }], generateCode: false })).rejects.toThrow(
      /not a KMS key id|keyId must match/,
    );
    expect(await requests()).toEqual([]);
    expect(await kinds()).toEqual([]);
  });
});
