// YAML, installed from the release artifacts alone: the plugin archive, installed with
// `pulumi plugin install --file` as the docs tell YAML users, and the program of
// examples/yaml-rotation copied out of the repository with no `packages:` entry. No `node` is on
// PATH for any Pulumi command. Through the real CLI against the emulator: the examples' lifecycle
// with `pulumi import`, whose printed code (the YAML host generates it) is added to the program.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { commandOnPath } from "../../harness/pulumi-env.js";
import { installPluginArchive, releaseArtifacts, type ReleaseArtifacts } from "../../harness/release-artifacts.js";
import { runCommand, type CommandResult } from "../../harness/run-command.js";
import { EXAMPLE_KEY, exampleLifecycle } from "../plugin/example-lifecycle.js";
import { userProject } from "./user-project.js";

/**
 * The YAML program with the resources of `code` (what `pulumi import` printed: a `resources:`
 * block) added to its own `resources:`.
 */
function withImportedResources(program: string, code: string): string {
  const lines = code.split("\n");
  const at = lines.findIndex((l) => l === "resources:");
  if (at < 0) throw new Error(`the generated code has no resources block:\n${code}`);
  const end = lines.findIndex((l, i) => i > at && /^\S/.test(l));
  const resources = lines.slice(at + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== "");
  if (!/^resources:$/m.test(program)) throw new Error("the program has no resources block");
  return program.replace(/^resources:\n/m, `resources:\n${resources.join("\n")}\n`);
}

describe("YAML from the release: the plugin installed from its archive, no `packages:`, no node on PATH", () => {
  let artifacts: ReleaseArtifacts;
  let scratch: string;
  let project: string;
  let bed: KmsTestbed;
  let stack: Stack;
  const pulumi = (args: readonly string[]): Promise<CommandResult> => runCommand("pulumi", args, { cwd: project, env: bed.envVars });

  beforeAll(async () => {
    artifacts = await releaseArtifacts();
    scratch = mkdtempSync(join(tmpdir(), "kms-install-yaml-"));
    project = userProject("yaml-rotation", join(scratch, "yaml-rotation"), []);
    bed = await startKmsTestbed({ nodeOnPath: false });
    await installPluginArchive(bed.envVars, artifacts.pluginArchive, artifacts.version);
    await bed.admin.putKey(EXAMPLE_KEY);
    stack = await bed.projectStack("yaml", project);
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the CLI's PATH has no node, the program no `packages:`; the plugin is the archive's", async () => {
    expect(commandOnPath("node", bed.envVars.PATH ?? "")).toBeUndefined();
    expect(readFileSync(join(project, "Pulumi.yaml"), "utf8")).not.toMatch(/^packages:/m);
    const plugins = await pulumi(["plugin", "ls", "--color", "never"]);
    expect(plugins.stdout).toMatch(new RegExp(`huaweicloud-kms\\s+resource\\s+${artifacts.version.replaceAll(".", "\\.")}`));
  });

  exampleLifecycle(() => ({ bed, stack }), {
    importStep: {
      pulumi,
      addToProgram: (code) => {
        const file = join(project, "Pulumi.yaml");
        writeFileSync(file, withImportedResources(readFileSync(file, "utf8"), code));
      },
    },
  });

  it("with PULUMI_KMS_DEBUG=1 the standalone plugin logs each KMS call under its resource, credentials redacted", async () => {
    // The debug log speaks to the engine over gRPC from inside the single executable.
    const preview = await runCommand("pulumi", ["preview", "--non-interactive", "--color", "never", "--stack", stack.name], {
      cwd: project,
      env: { ...bed.envVars, PULUMI_KMS_DEBUG: "1" },
    });
    expect(preview.stderr).toBe("");
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(new RegExp(`kms describe-key key=${EXAMPLE_KEY} status=200 attempt=1/\\d+`));
    expect(preview.stdout).not.toContain(bed.envVars.HW_SECRET_KEY ?? "no secret key set");
  });
});
