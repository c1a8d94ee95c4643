// Stacks created by an earlier release keep working with this build: each committed fixture (the
// state a release left, see scripts/state-fixture.ts) is imported into a stack whose program now
// loads this build, and preview, up, refresh, an edit and destroy run through the real CLI with
// the minimum of KMS calls. The fixtures' serialized providers name modules of the release's
// layout, so a module they name that moves breaks this test.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_KEYS, FIXTURE_STACK } from "../fixtures/state/fixture-keys.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const FIXTURES = resolve(__dirname, "../fixtures/state");
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));

/** "<operation> <resource name>" per KMS request, in order. */
function byName(log: { operation: string; keyId?: string }[]): string[] {
  const names = new Map<string, string>(Object.entries(FIXTURE_KEYS).map(([name, key]) => [key, name]));
  return log.map((r) => `${r.operation} ${names.get(r.keyId ?? "") ?? r.keyId ?? "?"}`);
}

describe.each(fixtures)("upgrade from the state of %s", (file) => {
  const layout = file.includes("linked") ? "linked" : "installed";
  let bed: KmsTestbed;
  let stack: Stack;
  let ordersInterval = 90;

  async function calls(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return byName(log);
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    // KMS as the release left it.
    await bed.admin.putKey(FIXTURE_KEYS.orders, { rotationEnabled: true, rotationInterval: 90 });
    await bed.admin.putKey(FIXTURE_KEYS.billing, { rotationEnabled: true, rotationInterval: 365 });
    await bed.admin.putKey(FIXTURE_KEYS.archive, { rotationEnabled: false });
    const { KeyRotation } = loadSdk(layout);
    stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: FIXTURE_STACK,
        projectName: "kms-upgrade",
        program: () => {
          new KeyRotation("orders", { keyId: FIXTURE_KEYS.orders, intervalDays: ordersInterval });
          new KeyRotation("billing", { keyId: FIXTURE_KEYS.billing });
          new KeyRotation("archive", { keyId: FIXTURE_KEYS.archive, enabled: false, intervalDays: 180 });
          return Promise.resolve({});
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars: bed.envVars, workDir: bed.sandbox.workDir },
    );
    const deployment: unknown = JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
    await stack.importStack({ version: 3, deployment });
    await bed.admin.clearRequests();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("preview and up show no changes and call KMS zero times", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.changeSummary).toEqual({ same: 4 });
    const up = await stack.up({ expectNoChanges: true });
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(await calls()).toEqual([]);
  });

  it("refresh reads each key once and changes nothing", async () => {
    await stack.refresh({ expectNoChanges: true });
    expect((await calls()).sort()).toEqual([
      "get-key-rotation-status archive",
      "get-key-rotation-status billing",
      "get-key-rotation-status orders",
    ]);
  });

  it("an interval change is one request", async () => {
    ordersInterval = 30;
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(await calls()).toEqual(["update-key-rotation-interval orders"]);
    expect(await bed.admin.getKey(FIXTURE_KEYS.orders)).toMatchObject({ rotationEnabled: true, rotationInterval: 30 });
  });

  it("destroy turns off the rotations that are on, and nothing else", async () => {
    await stack.destroy();
    expect((await calls()).sort()).toEqual(["disable-key-rotation billing", "disable-key-rotation orders"]);
    for (const key of Object.values(FIXTURE_KEYS)) {
      expect(await bed.admin.getKey(key)).toMatchObject({ rotationEnabled: false });
    }
  });
});
