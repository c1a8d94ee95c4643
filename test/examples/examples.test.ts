// Each example is a real Pulumi project: the CLI's language host runs it from its folder, as
// `pulumi up` in that folder would, against the emulator.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const EXAMPLES = resolve(__dirname, "../../examples");

/** A deterministic key id per index. */
function keyId(i: number): string {
  return `${i.toString(16).padStart(8, "0")}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

describe("examples", () => {
  let bed: KmsTestbed;
  let scratch: string;

  async function mutations(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log.filter((r) => r.operation !== "get-key-rotation-status").map((r) => r.operation);
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    scratch = mkdtempSync(join(tmpdir(), "kms-examples-"));
  });
  beforeEach(async () => {
    await bed.admin.reset();
  });
  afterAll(async () => {
    await bed.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("basic: rotates one key every 90 days, then as configured, and turns it off on destroy", async () => {
    await bed.admin.putKey(keyId(1));
    const stack = await bed.projectStack("basic", join(EXAMPLES, "basic"));
    await stack.setConfig("keyId", { value: keyId(1) });
    const up = await stack.up();
    expect(up.outputs.rotationIntervalDays?.value).toBe(90);
    expect(await bed.admin.getKey(keyId(1))).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });

    await stack.setConfig("intervalDays", { value: "45" });
    await bed.admin.clearRequests();
    await stack.up();
    expect(await mutations()).toEqual(["update-key-rotation-interval"]);

    await stack.destroy();
    expect(await bed.admin.getKey(keyId(1))).toMatchObject({ rotationEnabled: false });
  });

  it("adopt-existing: takes over hand-made rotations without a single write, then manages them", async () => {
    await bed.admin.putKey(keyId(2), { rotationEnabled: true, rotationInterval: 90 });
    await bed.admin.putKey(keyId(3), { rotationEnabled: false });
    await bed.admin.clearRequests();
    const stack = await bed.projectStack("adopt", join(EXAMPLES, "adopt-existing"));
    const keys = { payments: { keyId: keyId(2), intervalDays: 90 }, archive: { keyId: keyId(3), enabled: false } };
    await stack.setConfig("keys", { value: JSON.stringify(keys) });

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(await mutations()).toEqual([]);
    expect(up.outputs.adopted?.value).toEqual([
      { name: "payments", keyId: keyId(2), enabled: true, intervalDays: 90 },
      { name: "archive", keyId: keyId(3), enabled: false, intervalDays: 365 },
    ]);

    await stack.setConfig("keys", { value: JSON.stringify({ ...keys, payments: { keyId: keyId(2), intervalDays: 60 } }) });
    await stack.up();
    expect(await mutations()).toEqual(["update-key-rotation-interval"]);
    await stack.destroy();
    expect(await bed.admin.getKey(keyId(2))).toMatchObject({ rotationEnabled: false });
  });

  it("adopt-existing: a key whose rotation differs from the declaration fails the up and is not changed", async () => {
    await bed.admin.putKey(keyId(4), { rotationEnabled: true, rotationInterval: 120 });
    const stack = await bed.projectStack("adopt-mismatch", join(EXAMPLES, "adopt-existing"));
    await stack.setConfig("keys", { value: JSON.stringify({ ledger: { keyId: keyId(4), intervalDays: 90 } }) });
    const err = String(await stack.up().catch((e: unknown) => e));
    expect(err).toContain("KMS has it on, every 120 days, the program declares it on, every 90 days");
    expect(await mutations()).toEqual([]);
    await stack.destroy();
  });

  it("gitops-many-keys: applies a 60-key policy file with overrides, then only the edited entries", async () => {
    const names = Array.from({ length: 60 }, (_, i) => `service-${i}`);
    for (const [i] of names.entries()) await bed.admin.putKey(keyId(100 + i));
    const policy = (overrides: Record<number, string>): string =>
      [
        "defaults:",
        "  intervalDays: 180",
        "keys:",
        ...names.flatMap((n, i) => [`  ${n}:`, `    keyId: ${keyId(100 + i)}`, ...(overrides[i] ? [`    ${overrides[i]}`] : [])]),
      ].join("\n");
    const file = join(scratch, "rotation-policy.yaml");
    writeFileSync(file, policy({ 0: "intervalDays: 90", 1: "enabled: false" }));

    const stack = await bed.projectStack("gitops", join(EXAMPLES, "gitops-many-keys"));
    await stack.setConfig("policyFile", { value: file });
    const up = await stack.up({ parallel: 16 });
    expect(up.summary.resourceChanges).toMatchObject({ create: 61 });
    expect(up.outputs.keysManaged?.value).toBe(60);
    expect(up.outputs.keysRotating?.value).toBe(59);
    expect(await bed.admin.getKey(keyId(100))).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    expect(await bed.admin.getKey(keyId(101))).toMatchObject({ rotationEnabled: false });
    expect(await bed.admin.getKey(keyId(159))).toMatchObject({ rotationEnabled: true, rotationInterval: 180 });
    const created = await mutations();
    expect(created.filter((op) => op === "enable-key-rotation")).toHaveLength(59);
    expect(created.filter((op) => op === "update-key-rotation-interval")).toHaveLength(59);

    // A pull request that changes one entry touches one key.
    writeFileSync(file, policy({ 0: "intervalDays: 90", 1: "enabled: false", 7: "intervalDays: 30" }));
    const pr = await stack.preview();
    expect(pr.changeSummary).toMatchObject({ same: 60, update: 1 });
    expect(await mutations()).toEqual([]);
    await stack.up();
    expect(await mutations()).toEqual(["update-key-rotation-interval"]);

    // A typo fails the preview with the file, the key and the field, before any KMS call.
    writeFileSync(file, policy({ 3: "intervalDay: 30" }));
    const err = String(await stack.preview().catch((e: unknown) => e));
    expect(err).toContain(`${file}: keys.service-3.intervalDay: unknown field`);
    expect(await bed.admin.requests()).toEqual([]);

    await stack.destroy();
    const stillOn = await Promise.all(names.map((_, i) => bed.admin.getKey(keyId(100 + i))));
    expect(stillOn.filter((k) => k?.rotationEnabled)).toHaveLength(0);
  });
});
