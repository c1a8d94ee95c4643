// examples/gitops-many-keys with `manage: all-rotatable`, run by the real CLI from its folder
// against the emulator: every key KMS lets rotate comes under management by its alias-derived
// name with the file's defaults, entries override by name or by keyId, and keys that cannot
// rotate are left alone. Exactly the writes each key needs; a second preview shows no changes and
// costs one list-keys; keys that appear or stop being rotatable join or leave the stack with no
// write for the leaving one; typos fail naming the file, the key and the field; keys other stacks
// claim are left alone; the stack's export names its keys as discover's --exclude-state reads them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKmsTestbed, type KmsTestbed, takeCalls } from "../../harness/kms-testbed.js";
import { ownClaim, plan, readPolicy, type ProjectKey } from "../../examples/gitops-many-keys/policy.js";
import { keysOfStackExport } from "../../provider/discovery/stack-export.js";
import { CLAIM_TAG_KEY, claimTagValue, stackIdentity } from "../../provider/resources/key-rotation/claim.js";

const EXAMPLE = resolve(__dirname, "../../examples/gitops-many-keys");

const ORDERS = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const PAYMENTS = "1e1577c1-f838-4e0d-b46e-095cc585b480";
const ARCHIVE = "2f2688d2-0949-4f1e-857f-1a6dd696c591";
const SHARED_OLD = "3a3799e3-1a5a-402f-a680-2b7ee7a7d6a2";
const SHARED_NEW = "4b48aaf4-2b6b-4130-b791-3c8ff8b8e7b3";
const DEFAULT_KEY = "5c59bbf5-3c7c-4241-8802-4d9009c9f8c4";
const SIGNING = "6d6accf6-4d8d-4352-9913-5e0a1ad0a9d5";
const LEGACY = "7e7bddf7-5e9e-4463-8a24-6f1b2be1bae6";
const PAUSED = "8f8ceef8-6faf-4574-9b35-7a2c3cf2cbf7";
const BILLING = "9a9dff09-7a0a-4685-8c46-8b3d4da3dc08";
const TEAM = "a0ae0a0a-8b1b-4796-9d57-9c4e5eb4ed19";

const NAMES: Record<string, string> = {
  [ORDERS]: "orders",
  [PAYMENTS]: "payments",
  [ARCHIVE]: "archive",
  [SHARED_OLD]: "shared",
  [SHARED_NEW]: "shared-new",
  [BILLING]: "billing",
  [TEAM]: "team",
};

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

const POLICY = `manage: all-rotatable
defaults:
  intervalDays: 180
keys:
  payments:          # by its listKeys name
    intervalDays: 90
  archive:           # by key id, under a name of its own
    keyId: ${ARCHIVE}
    enabled: false
`;

describe("examples/gitops-many-keys, manage: all-rotatable", () => {
  let bed: KmsTestbed;
  let scratch: string;
  let file: string;
  let stack: Stack;

  /** The writes since the last call, as "<operation> <key name>[ <interval>]"; clears the log. */
  async function writes(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log
      .filter((r) => !["list-keys", "list-kms-by-tags", "get-key-rotation-status", "describe-key"].includes(r.operation))
      .map((r) => {
        const body = r.body as { rotation_interval?: number } | undefined;
        return `${r.operation} ${NAMES[r.keyId ?? ""] ?? r.keyId ?? "?"}${body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`}`;
      })
      .sort();
  }

  // The operations only (no write here carries an interval), sorted: the engine's order varies.
  const operations = async (): Promise<string[]> => (await takeCalls(bed)).sort();

  beforeAll(async () => {
    bed = await startKmsTestbed({
      seed: {
        keys: [
          { keyId: ORDERS, keyAlias: "orders", creationDate: T0 },
          { keyId: PAYMENTS, keyAlias: "payments", keySpec: "SM4", creationDate: T0 + DAY },
          { keyId: ARCHIVE, keyAlias: "archive-2019", rotationEnabled: true, rotationInterval: 365, creationDate: T0 + 2 * DAY },
          // Two keys with one alias: the older keeps the bare name, the younger adds its key id's first group.
          { keyId: SHARED_OLD, keyAlias: "shared", rotationEnabled: true, rotationInterval: 180, creationDate: T0 + 3 * DAY },
          { keyId: SHARED_NEW, keyAlias: "Shared", rotationEnabled: true, rotationInterval: 180, creationDate: T0 + 4 * DAY },
          // Keys KMS does not let rotate: left alone.
          { keyId: DEFAULT_KEY, keyAlias: "obs/default", defaultKeyFlag: "1", creationDate: T0 + 5 * DAY },
          { keyId: SIGNING, keyAlias: "signing", keySpec: "RSA_2048", creationDate: T0 + 6 * DAY },
          { keyId: LEGACY, keyAlias: "legacy", origin: "external", creationDate: T0 + 7 * DAY },
          { keyId: PAUSED, keyAlias: "paused", keyState: "3", creationDate: T0 + 8 * DAY },
          // Another stack's key: left alone.
          { keyId: TEAM, keyAlias: "team", creationDate: T0 + 8 * DAY, tags: [{ key: CLAIM_TAG_KEY, value: "payments/prod" }] },
        ],
      },
    });
    scratch = mkdtempSync(join(tmpdir(), "kms-gitops-all-"));
    file = join(scratch, "rotation-policy.yaml");
    writeFileSync(file, POLICY);
    stack = await bed.projectStack("gitops-all", EXAMPLE);
    await stack.setConfig("policyFile", { value: file });
  });
  afterAll(async () => {
    await bed.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("manages every rotatable key by its name, with the overrides, and writes exactly what each needs", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ create: 6 });
    // The listing and its owners, then one describe-key per rotation about to be created; no write.
    expect(await operations()).toEqual(["list-keys", "list-kms-by-tags", ...Array<string>(5).fill("describe-key")].sort());

    const up = await stack.up();
    expect(up.outputs.keyNames?.value).toEqual(["archive", "orders", "payments", "shared", `shared-${SHARED_NEW.slice(0, 8)}`]);
    expect(up.outputs.keysManaged?.value).toBe(5);
    expect(up.outputs.keysRotating?.value).toBe(4);
    expect(up.outputs.keysLeftToOtherStacks?.value).toEqual({ team: "payments/prod" });
    expect(up.stdout).toContain("left alone: 1 key that other stacks claim: team (payments/prod)");
    expect(await writes()).toEqual([
      "disable-key-rotation archive",
      "enable-key-rotation orders",
      "enable-key-rotation payments",
      "update-key-rotation-interval orders 180",
      "update-key-rotation-interval payments 90",
    ]);
    for (const key of [DEFAULT_KEY, SIGNING, LEGACY, PAUSED, TEAM]) expect(await bed.admin.getKey(key)).toMatchObject({ rotationEnabled: false });
  });

  it("its export names every key it manages, as discover --exclude-state reads a stack export", async () => {
    const exported = JSON.stringify(await stack.exportStack());
    expect(keysOfStackExport(exported, "state.json").keyIds).toEqual(new Set([ORDERS, PAYMENTS, ARCHIVE, SHARED_OLD, SHARED_NEW]));
  });

  it("a second preview shows no changes and costs one list-keys and one owners' listing", async () => {
    await stack.preview({ expectNoChanges: true });
    expect(await operations()).toEqual(["list-keys", "list-kms-by-tags"]);
  });

  it("a new key joins, one that stops being rotatable leaves with no write", async () => {
    await bed.admin.putKey(BILLING, { keyAlias: "billing", creationDate: T0 + 9 * DAY });
    await bed.admin.putKey(ORDERS, { keyState: "3" });
    await bed.admin.clearRequests();
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 1, delete: 1, same: 5 });
    expect(await writes()).toEqual(["enable-key-rotation billing", "update-key-rotation-interval billing 180"]);
    // The disabled key's rotation is as it was: the stack let it go without a call.
    expect(await bed.admin.getKey(ORDERS)).toMatchObject({ rotationEnabled: true, rotationInterval: 180 });
    expect(up.outputs.keyNames?.value).toEqual(["archive", "billing", "payments", "shared", `shared-${SHARED_NEW.slice(0, 8)}`]);
  });

  it.each([
    ["keys:\n  payments:\n    intervalDay: 30\n", "keys.payments.intervalDay: unknown field (keyId, enabled, intervalDays)"],
    ["manage: everything\n", 'manage: must be listed or all-rotatable, got "everything"'],
    ["defaults:\n  interval: 30\n", "defaults.interval: unknown field (enabled, intervalDays)"],
    ["keys:\n  nope:\n    intervalDays: 30\n", "keys.nope: no key of the project is named nope (listKeys names keys after their aliases): give its keyId"],
    [`keys:\n  payments:\n    keyId: ${ARCHIVE}\n`, `keys.payments: payments is the name of key ${PAYMENTS}, not of ${ARCHIVE}`],
  ])("a policy mistake fails the preview naming the file and the field: %j", async (body, message) => {
    writeFileSync(file, body.startsWith("manage:") ? body : `manage: all-rotatable\n${body}`);
    const err = String(await stack.preview().catch((e: unknown) => e));
    expect(err).toContain(`${file}: ${message}`);
    // One line, no stack frames: Pulumi source-maps every frame of an error thrown after an await
    // (20 to 30 s) unless its stack is plain text.
    expect(err).not.toMatch(/\n\s+at /);
    expect(await writes()).toEqual([]);
  });

  it("a listing KMS refuses fails the preview in one line, with no credential shown", async () => {
    writeFileSync(file, POLICY);
    // Stack config comes before the environment's credentials.
    await stack.setConfig("huaweicloud-kms:secretKey", { value: "not-the-secret-key", secret: true });
    const err = String(await stack.preview().catch((e: unknown) => e));
    expect(err).toMatch(/error: KMS list-keys failed: HTTP 401 /);
    expect(err).not.toContain("not-the-secret-key");
    expect(err).not.toMatch(/\n\s+at /);
    expect(await writes()).toEqual([]);
    await stack.removeConfig("huaweicloud-kms:secretKey");
  });

  it("destroy lets every rotation go as KMS has it", async () => {
    writeFileSync(file, POLICY);
    await stack.destroy();
    expect(await writes()).toEqual([]);
    expect(await bed.admin.getKey(BILLING)).toMatchObject({ rotationEnabled: true, rotationInterval: 180 });
  });
});

describe("examples/gitops-many-keys: keys other stacks claim", () => {
  const key = (keyId: string, resourceName: string, claimedBy?: string): ProjectKey => ({ keyId, resourceName, rotatable: true, ...(claimedBy === undefined ? {} : { claimedBy }) });
  const project = [key(ORDERS, "orders", "kms-rotation-gitops/prod"), key(PAYMENTS, "payments", "payments/prod"), key(BILLING, "billing", "billing/prod"), key(ARCHIVE, "archive")];

  it("are left alone, listed or not, and named with their stack; this stack's own claim keeps its keys", () => {
    const scratch = mkdtempSync(join(tmpdir(), "kms-gitops-claims-"));
    try {
      const file = join(scratch, "rotation-policy.yaml");
      writeFileSync(file, `manage: all-rotatable\nkeys:\n  payments:\n    intervalDays: 90\n  bills:\n    keyId: ${BILLING}\n`);
      const { rotations, leftAlone } = plan(file, readPolicy(file), project, ownClaim("kms-rotation-gitops", "prod"));
      expect([...rotations.keys()].sort()).toEqual(["archive", "orders"]);
      expect(Object.fromEntries(leftAlone)).toEqual({ payments: "payments/prod", bills: "billing/prod" });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("this stack's claim is the one KeyRotation writes, shortened identities included", () => {
    for (const [project, stack] of [["kms-rotation-gitops", "prod"], ["a-rather-long-platform-project-name", "production-eu-west"]] as const) {
      expect(ownClaim(project, stack)).toBe(claimTagValue(stackIdentity(project, stack)));
    }
  });
});
