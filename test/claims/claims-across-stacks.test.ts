// Claims across stacks, through the real CLI against the emulator: a platform stack (dynamic
// provider, TypeScript) and a team stack of another project (YAML program on the plugin provider)
// both declare one key with claimKeys on. The second is refused in preview and in up, naming the
// first, before any write; destroying the first releases the key, and the second then takes it
// with the fewest calls. A stack without claims makes no tag call at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAIM_TAG_KEY } from "../../provider/resources/key-rotation/claim.js";
import { installedPackageDir } from "../../harness/installed-package.js";
import { loadSdk, startKmsTestbed, takeCalls, testbedStackConfig, type KmsTestbed } from "../../harness/kms-testbed.js";
import { runCommand } from "../../harness/run-command.js";

const SHARED = "c1a1c1a1-0000-4000-8000-000000000001";
const UNCLAIMED = "c2a2c2a2-0000-4000-8000-000000000002";
const WRITES = new Set(["enable-key-rotation", "disable-key-rotation", "update-key-rotation-interval", "batch-create-kms-tags", "create-kms-tag", "delete-tag"]);

/** The error text of a failed Automation API command (stdout and stderr of the CLI). */
async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("expected the command to fail");
}

describe("claims across stacks (claimKeys on)", () => {
  let bed: KmsTestbed;
  let platform: Stack;
  let team: Stack;
  let teamDir: string;
  const { KeyRotation } = loadSdk();

  /** The claim on a key as the emulator holds it. */
  async function claimOn(keyId: string): Promise<string | undefined> {
    const key = await bed.admin.getKey(keyId);
    return key?.tags.find((t) => t.key === CLAIM_TAG_KEY)?.value;
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    await bed.admin.putKey(SHARED);
    await bed.admin.putKey(UNCLAIMED);
    const config = { ...testbedStackConfig(bed), "huaweicloud-kms:claimKeys": { value: "true" } };

    platform = await LocalWorkspace.createOrSelectStack(
      { stackName: "prod", projectName: "platform", program: () => {
          new KeyRotation("shared", { keyId: SHARED, intervalDays: 180 });
          return Promise.resolve();
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars: bed.envVars, workDir: mkdtempSync(join(tmpdir(), "kms-claims-platform-")) },
    );
    await platform.setAllConfig(config);

    teamDir = mkdtempSync(join(tmpdir(), "kms-claims-team-"));
    writeFileSync(
      join(teamDir, "Pulumi.yaml"),
      [
        "name: team-orders",
        "runtime: yaml",
        "packages:",
        `  huaweicloud-kms: ${installedPackageDir()}`,
        "resources:",
        "  orders-key:",
        "    type: huaweicloud-kms:index:KeyRotation",
        "    properties:",
        `      keyId: ${SHARED}`,
        "      intervalDays: 90",
        "",
      ].join("\n"),
    );
    team = await LocalWorkspace.createOrSelectStack({ stackName: "prod", workDir: teamDir }, { pulumiCommand: bed.sandbox.pulumiCommand, envVars: bed.envVars });
    await team.setAllConfig(config);
  });

  afterAll(async () => {
    await bed.dispose();
    rmSync(teamDir, { recursive: true, force: true });
  });

  it("the first stack takes the key: one tag read and one tag write more than without claims", async () => {
    await bed.admin.clearRequests();
    await platform.up();
    expect(await takeCalls(bed)).toEqual([
      "show-kms-tags",
      "get-key-rotation-status",
      "enable-key-rotation",
      "update-key-rotation-interval 180",
      "batch-create-kms-tags",
    ]);
    expect(await claimOn(SHARED)).toBe("platform/prod");
  });

  it("the second stack fails in preview and in up, naming the first, with no write", async () => {
    const preview = await failure(team.preview());
    expect(preview).toContain(`key ${SHARED} is claimed by stack platform/prod`);
    expect(preview).not.toMatch(/Traceback|at Object\.|\.ts:\d+/);
    const up = await failure(team.up());
    expect(up).toContain(`key ${SHARED} is claimed by stack platform/prod`);
    const calls = await takeCalls(bed);
    expect(calls.filter((c) => WRITES.has(c.split(" ")[0] ?? ""))).toEqual([]);
    expect(await claimOn(SHARED)).toBe("platform/prod");
    expect((await bed.admin.getKey(SHARED))?.rotationInterval).toBe(180);
  });

  it("destroying the first releases the key; the second then takes it with the fewest calls", async () => {
    await platform.destroy();
    expect(await takeCalls(bed)).toEqual(["disable-key-rotation", "batch-create-kms-tags"]);
    expect(await claimOn(SHARED)).toBeUndefined();
    await team.up();
    expect(await takeCalls(bed)).toEqual([
      "show-kms-tags",
      "get-key-rotation-status",
      "enable-key-rotation",
      "update-key-rotation-interval 90",
      "batch-create-kms-tags",
    ]);
    expect(await claimOn(SHARED)).toBe("team-orders/prod");
    // The state records the claim; a refresh and a preview find nothing to change.
    await team.refresh({ expectNoChanges: true });
    await team.preview({ expectNoChanges: true });
    await bed.admin.clearRequests();
  });

  it("a refresh reports a claim another stack has taken over, and the next preview refuses to fight it", async () => {
    await bed.admin.patchKey(SHARED, { tags: [{ key: CLAIM_TAG_KEY, value: "payments/prod" }] });
    const refresh = await team.refresh();
    expect(refresh.stdout).toContain("orders-key updated");
    expect(refresh.stdout).toContain("[diff: ~claimedBy]");
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const exported = await team.exportStack();
    const resource = (exported.deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] }).resources?.find(
      (r) => r.type === "huaweicloud-kms:index:KeyRotation",
    );
    expect(resource?.outputs?.claimedBy).toBe("payments/prod");
    expect(await failure(team.preview())).toContain(`key ${SHARED} is claimed by stack payments/prod`);
    const calls = await takeCalls(bed);
    expect(calls.filter((c) => WRITES.has(c.split(" ")[0] ?? ""))).toEqual([]);
    await bed.admin.patchKey(SHARED, { tags: [{ key: CLAIM_TAG_KEY, value: "team-orders/prod" }] });
    await team.refresh();
    await bed.admin.clearRequests();
  });

  it("a stack without claims makes no tag call", async () => {
    const plain = await LocalWorkspace.createOrSelectStack(
      { stackName: "no-claims", projectName: "platform", program: () => {
          new KeyRotation("other", { keyId: UNCLAIMED, intervalDays: 60 });
          return Promise.resolve();
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars: bed.envVars, workDir: mkdtempSync(join(tmpdir(), "kms-claims-plain-")) },
    );
    await plain.setAllConfig(testbedStackConfig(bed));
    await plain.up();
    await plain.destroy();
    expect(await takeCalls(bed)).toEqual([
      "get-key-rotation-status",
      "enable-key-rotation",
      "update-key-rotation-interval 60",
      "disable-key-rotation",
    ]);
    expect((await bed.admin.getKey(UNCLAIMED))?.tags).toEqual([]);
  });

  it("discover → pulumi import into a stack that already manages a key imports only the others", async () => {
    const importFile = join(teamDir, "keys.json");
    const discover = await runCommand(process.execPath, [resolve(__dirname, "../../dist/provider/adapters/cli/main.js"), "discover", "--import-file", importFile], {
      env: bed.envVars,
    });
    expect(discover.stdout).toMatch(new RegExp(`${SHARED}.*team-orders/prod`));
    const listed = (JSON.parse(readFileSync(importFile, "utf8")) as { resources: { id: string }[] }).resources.map((r) => r.id);
    expect(listed).toEqual([UNCLAIMED]);
    await bed.admin.clearRequests();
    const imported = await runCommand(
      bed.sandbox.pulumiCommand.command,
      ["import", "--file", importFile, "--yes", "--protect=false", "--generate-code=false", "--non-interactive", "--stack", "prod"],
      { env: bed.envVars, cwd: teamDir },
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("= 1 imported");
    const keys = ((await team.exportStack()).deployment as { resources?: { type: string; id?: string }[] }).resources
      ?.filter((r) => r.type === "huaweicloud-kms:index:KeyRotation")
      .map((r) => r.id)
      .sort();
    expect(keys).toEqual([SHARED, UNCLAIMED].sort());
    // An import reads only: the key, its rotation, and its claim.
    const calls = await takeCalls(bed);
    expect(calls.filter((c) => WRITES.has(c.split(" ")[0] ?? ""))).toEqual([]);
  });
});
