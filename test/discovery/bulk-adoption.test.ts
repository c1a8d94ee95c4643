// Discover → report → adopt → enforce, on a project of 2,000 keys of mixed states and specs, through
// the real commands: `huaweicloud-kms discover` reports each key's category and fails the policy;
// its import file goes through `pulumi import --file` (plugin provider) with no KMS write; an `up`
// of a program applying its policy file makes exactly the writes the non-compliant keys need; and
// discover then passes.
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPolicy, rotations } from "../../examples/gitops-many-keys/policy.js";
import { keyPopulation, POPULATION_MAX_INTERVAL_DAYS, type KeyPopulation } from "../../harness/key-population.js";
import { loadPluginSdk, startKmsTestbed, takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import { runCommand, type CommandResult } from "../../harness/run-command.js";

const KEYS = 2000;
const STACK = "adopt-all";
const command = join(resolve(__dirname, "../.."), "dist/provider/adapters/cli/main.js");

function count(calls: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const operation = call.split(" ")[0] ?? call;
    counts[operation] = (counts[operation] ?? 0) + 1;
  }
  return counts;
}

describe(`bulk adoption of ${KEYS} keys`, () => {
  let population: KeyPopulation;
  let bed: KmsTestbed;
  const files = { import: "", policy: "" };
  const discover = (...extra: string[]): Promise<CommandResult> =>
    runCommand(process.execPath, [command, "discover", "--max-interval", String(POPULATION_MAX_INTERVAL_DAYS), ...extra], { env: bed.envVars });

  beforeAll(async () => {
    population = keyPopulation(KEYS);
    bed = await startKmsTestbed({ seed: population.seed });
    files.import = join(bed.sandbox.workDir, "imports.json");
    files.policy = join(bed.sandbox.workDir, "rotation-policy.yaml");
    // The file backend rewrites the whole state (1,400 resources) after every step, which is
    // quadratic: 130 of this test's 150 s. The engine still writes the state at the end of each
    // command, and that state is what the assertions read; so does a user with a big stack who sets it.
    bed.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("discover reports each category, fails the policy, and writes the import and policy files with one list-keys per page, one read per rotating key and one owners' listing", async () => {
    const result = await discover("--json", "--import-file", files.import, "--policy-file", files.policy);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { keys: { keyId: string; verdict: string }[] };
    expect(report.keys).toHaveLength(KEYS);
    const wrong = report.keys.filter((k) => k.verdict !== population.expected.get(k.keyId));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(count(await takeCalls(bed))).toEqual({ "list-keys": 2, "get-key-rotation-status": population.rotating, "list-kms-by-tags": 1 });
    // Progress on stderr: a line per page.
    expect(result.stderr).toContain("2,000");

    const rotatable = [...population.expected.values()].filter((v) => !v.startsWith("cannot rotate")).length;
    const imports = JSON.parse(readFileSync(files.import, "utf8")) as { resources: { type: string; name: string; id: string }[] };
    expect(imports.resources).toHaveLength(rotatable);
    expect(new Set(imports.resources.map((r) => r.name)).size).toBe(rotatable);
    expect(readPolicy(files.policy).keys.size).toBe(rotatable);
  });

  it("pulumi import --file adopts every rotatable key with reads only; the policy's up makes exactly the writes needed; discover then passes", async () => {
    const { KeyRotation } = loadPluginSdk();
    const stack = await bed.stack(
      STACK,
      () => {
        // The gitops example's own planning of a policy file (discover writes a listed one).
        for (const [name, key] of rotations(files.policy, readPolicy(files.policy), [])) new KeyRotation(name, key);
        return Promise.resolve({});
      },
      "plugin",
    );
    await takeCalls(bed);

    // As a user types it, in the project folder (the plugin is found through Pulumi.yaml).
    const imported = await runCommand(
      bed.sandbox.pulumiCommand.command,
      ["import", "--file", files.import, "--yes", "--protect=false", "--generate-code=false", "--non-interactive", "--stack", STACK],
      { env: bed.envVars, cwd: bed.sandbox.workDir },
    );
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    const rotatable = readPolicy(files.policy).keys.size;
    expect(imported.stdout).toContain(`= ${rotatable} imported`);
    const importCalls = count(await takeCalls(bed));
    // Reads only (the preview and the import each read every key: describe-key and its status).
    expect(Object.keys(importCalls).sort()).toEqual(["describe-key", "get-key-rotation-status"]);

    const up = await stack.up();
    // Every key needing a change needs an interval update (an enable alone leaves 365 days); the stack resource is the extra "same".
    expect(up.summary.resourceChanges).toEqual({ same: rotatable - population.writesToComply.updateInterval + 1, update: population.writesToComply.updateInterval });
    expect(count(await takeCalls(bed))).toEqual({
      "enable-key-rotation": population.writesToComply.enable,
      "update-key-rotation-interval": population.writesToComply.updateInterval,
    });

    const after = await discover();
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`every rotatable key follows it (${rotatable.toLocaleString("en-US")})`);
  }, 600_000);
});
