// The policy pack as users run it, from an installed copy of the package, through the real CLI
// against the emulator: a TypeScript program (dynamic KeyRotation, Automation API) and a YAML
// program (plugin KeyRotation), each with a compliant and a violating resource. Advisory: the
// violation is printed and the run goes on. Mandatory: preview fails, and so does `up`, without
// writing the violating key (`pulumi up`, which previews first, writes nothing). The pack starts through its launcher (docs/policy-pack.md: this repository's CLI runs a
// pack folder only through its Node.js language host, which cannot run plugins).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstalledPackage, installedPackageDir } from "../../harness/installed-package.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { runCommand } from "../../harness/run-command.js";

const COMPLIANT_KEY = "a1a1a1a1-0000-4000-8000-0000000000a1";
const VIOLATING_KEY = "a1a1a1a1-0000-4000-8000-0000000000a2";
const YAML_COMPLIANT_KEY = "a1a1a1a1-0000-4000-8000-0000000000a3";
const YAML_VIOLATING_KEY = "a1a1a1a1-0000-4000-8000-0000000000a4";
const POLICY = "kms-key-rotation";
/** Operations that change a key; a failed mandatory `up` must send none. */
const WRITES = /^(enable|disable|update)-|create-kms-tag|batch-create-kms-tags|delete-tag/;

const violation = (resource: string): string =>
  `KeyRotation "${resource}": intervalDays 300 exceeds the maximum of 180 days (maxIntervalDays)`;
/** The line the CLI prints above a violation: level, policy, resource type and name. */
const heading = (level: string, type: string, name: string): string => `[${level}]  ${POLICY}  (${type}: ${name})`;

describe("policy pack huaweicloud-kms-rotation through the real CLI", () => {
  let bed: KmsTestbed;
  let installedRoot: string;
  let launcher: string;
  let configDir: string;
  let advisory: string;
  let mandatory: string;
  let allMandatory: string;

  beforeAll(async () => {
    bed = await startKmsTestbed();
    for (const key of [COMPLIANT_KEY, VIOLATING_KEY, YAML_COMPLIANT_KEY, YAML_VIOLATING_KEY]) await bed.admin.putKey(key);
    // The package as `npm install` lays it out, with the pack folder its "files" ship.
    installedRoot = createInstalledPackage();
    const packDir = join(installedRoot, "node_modules", "pulumi-huaweicloud-kms", "policy-pack");
    launcher = join(packDir, "pulumi-analyzer-huaweicloud-kms-rotation");
    configDir = mkdtempSync(join(tmpdir(), "kms-policy-config-"));
    const file = (name: string, config: unknown): string => {
      const path = join(configDir, name);
      writeFileSync(path, JSON.stringify(config));
      return path;
    };
    advisory = file("advisory.json", { [POLICY]: { maxIntervalDays: 180 } });
    mandatory = file("mandatory.json", { [POLICY]: { enforcementLevel: "mandatory", maxIntervalDays: 180 } });
    allMandatory = file("all-mandatory.json", { all: "mandatory", [POLICY]: { maxIntervalDays: 180 } });
  });
  afterAll(async () => {
    await bed.dispose();
    rmSync(installedRoot, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  it("resolves @pulumi/policy and the CLI's pack runner from the installed package's pack folder", async () => {
    // As the launcher and index.js resolve them: from the pack folder, without NODE_PATH.
    const env = { ...process.env };
    delete env.NODE_PATH;
    const script = "for (const m of ['@pulumi/policy', '@pulumi/pulumi/cmd/run-policy-pack']) console.log(require.resolve(m))";
    const { code, stdout, stderr } = await runCommand(process.execPath, ["-e", script], { cwd: join(launcher, ".."), baseEnv: env });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual([require.resolve("@pulumi/policy"), require.resolve("@pulumi/pulumi/cmd/run-policy-pack")]);
  });

  /** The KMS writes since the last call, as "<operation> <key id>"; clears the log. */
  async function writes(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log
      .filter((r) => WRITES.test(r.operation))
      .map((r) => `${r.operation} ${String((r.body as { key_id?: unknown } | undefined)?.key_id)}`);
  }

  /** A run that must fail on the policy; what the CLI printed. */
  async function refused(run: (onOutput: (s: string) => void) => Promise<unknown>): Promise<string> {
    let output = "";
    await expect(run((s) => (output += s))).rejects.toThrow();
    return output;
  }

  function previews(type: string, compliant: string, violating: string, stack: () => Stack): void {
    it(`advisory: preview prints the violation of ${violating} only, and succeeds`, async () => {
      const { stdout } = await stack().preview({ policyPacks: [launcher], policyPackConfigs: [advisory] });
      expect(stdout).toContain(heading("advisory", type, violating));
      expect(stdout).toContain(violation(violating));
      expect(stdout).not.toContain(`(${type}: ${compliant})`);
    });

    it("mandatory: preview fails on the violation", async () => {
      const output = await refused((onOutput) => stack().preview({ policyPacks: [launcher], policyPackConfigs: [mandatory], onOutput }));
      expect(output).toContain(heading("mandatory", type, violating));
      expect(output).toContain(violation(violating));
      expect(await writes()).toEqual([]);
    });
  }

  describe("TypeScript program, dynamic KeyRotation", () => {
    let stack: Stack;
    beforeAll(async () => {
      const { KeyRotation } = loadSdk();
      stack = await bed.stack("policy-ts", () => {
        // The violating resource first: the engine judges resources in the order they register.
        new KeyRotation("orders-key", { keyId: VIOLATING_KEY, intervalDays: 300 });
        new KeyRotation("billing-key", { keyId: COMPLIANT_KEY, intervalDays: 90 });
        return Promise.resolve();
      });
    });
    const type = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";
    previews(type, "billing-key", "orders-key", () => stack);

    // The Automation API's up skips the preview: the engine judges each resource as it comes, so a
    // compliant one registered alongside may be created, but the violating one is never written.
    it('mandatory for "all": up fails without a KMS write for the violating key', async () => {
      const output = await refused((onOutput) => stack.up({ policyPacks: [launcher], policyPackConfigs: [allMandatory], onOutput }));
      expect(output).toContain(heading("mandatory", type, "orders-key"));
      expect((await writes()).filter((w) => w.endsWith(VIOLATING_KEY))).toEqual([]);
    });
  });

  describe("YAML program, plugin KeyRotation", () => {
    let stack: Stack;
    let projectDir: string;
    beforeAll(async () => {
      projectDir = mkdtempSync(join(tmpdir(), "kms-policy-yaml-"));
      writeFileSync(
        join(projectDir, "Pulumi.yaml"),
        [
          "name: kms-policy-yaml",
          "runtime: yaml",
          "packages:",
          `  huaweicloud-kms: ${installedPackageDir()}`,
          "resources:",
          "  payments-key:",
          "    type: huaweicloud-kms:index:KeyRotation",
          "    properties:",
          `      keyId: ${YAML_VIOLATING_KEY}`,
          "      intervalDays: 300",
          "  ledger-key:",
          "    type: huaweicloud-kms:index:KeyRotation",
          "    properties:",
          `      keyId: ${YAML_COMPLIANT_KEY}`,
          "      intervalDays: 180",
          "",
        ].join("\n"),
      );
      stack = await bed.projectStack("policy-yaml", projectDir);
    });
    afterAll(() => {
      rmSync(projectDir, { recursive: true, force: true });
    });
    const type = "huaweicloud-kms:index:KeyRotation";
    previews(type, "ledger-key", "payments-key", () => stack);

    it('mandatory for "all": pulumi up fails in its preview, before any KMS write', async () => {
      const args = ["up", "--yes", "--stack", stack.name, "--policy-pack", launcher, "--policy-pack-config", allMandatory];
      const { code, stdout } = await runCommand(bed.sandbox.pulumiCommand.command, args, { cwd: projectDir, env: bed.envVars });
      expect(code).not.toBe(0);
      expect(stdout).toContain(heading("mandatory", type, "payments-key"));
      expect(stdout).toContain(violation("payments-key"));
      expect(await writes()).toEqual([]);
    });
  });
});
