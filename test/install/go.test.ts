// examples/go-rotation, a Pulumi Go program on the Go SDK generated into sdk/go, as a Go user runs
// it with the release: the program and sdk/go copied into a fresh folder outside the repository
// (its go.mod's replace pointing at the copy), the plugin installed from the release's archive
// with `pulumi plugin install resource huaweicloud-kms <version> --file <archive>` and no
// `packages:` path, no `node` on PATH. Through the real CLI (and its Go language host, which
// compiles the program on each run) against the emulator: the examples' lifecycle
// (example-lifecycle.ts) with `pulumi import` of a second key (exit 0; the Go host here cannot
// generate code, so --generate-code=false), then the program's listKeys output.
//
// The modules are downloaded and the program compiled once before the sandbox starts
// (harness/go-program.ts), so the CLI compiles it offline from Go's caches.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareGoProgram, useGoProgram, type GoProgram } from "../../harness/go-program.js";
import { startKmsTestbed, takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import { commandOnPath } from "../../harness/pulumi-env.js";
import { installPluginArchive, releaseArtifacts, type ReleaseArtifacts } from "../../harness/release-artifacts.js";
import { runCommand, type CommandResult } from "../../harness/run-command.js";
import { readPackageManifest } from "../../provider/engine/package-manifest.js";
import { withoutPackages } from "./user-project.js";
import { EXAMPLE_KEY, exampleLifecycle, IMPORTED_KEY } from "../plugin/example-lifecycle.js";

const root = resolve(__dirname, "../..");
// Beside the example's key and the one the lifecycle imports, so that listKeys has something to
// sort: a disabled key and a Default Master Key, which KMS does not let rotate.
const DISABLED_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a391";
const DEFAULT_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a392";

describe("examples/go-rotation from the release: a Go program on sdk/go, the plugin installed from its archive, no node on PATH", () => {
  const example = resolve(root, "examples/go-rotation");
  let artifacts: ReleaseArtifacts;
  let program: GoProgram;
  let bed: KmsTestbed;
  let stack: Stack;
  const pulumi = (args: readonly string[]): Promise<CommandResult> => runCommand("pulumi", args, { cwd: program.dir, env: bed.envVars });

  beforeAll(async () => {
    artifacts = await releaseArtifacts();
    program = prepareGoProgram(example);
    // As a user's project has it: no `packages:` path into this repository.
    const yaml = withoutPackages(readFileSync(join(example, "Pulumi.yaml"), "utf8"));
    if (yaml.includes("../..")) throw new Error(`examples/go-rotation/Pulumi.yaml still points into the repository:\n${yaml}`);
    writeFileSync(join(program.dir, "Pulumi.yaml"), yaml);
    bed = await startKmsTestbed({ nodeOnPath: false });
    // The same object the stack's workspace is given.
    useGoProgram(bed.envVars, program);
    await installPluginArchive(bed.envVars, artifacts.pluginArchive, artifacts.version);
    await bed.admin.putKey(EXAMPLE_KEY);
    await bed.admin.putKey(DISABLED_KEY, { keyState: "3" });
    await bed.admin.putKey(DEFAULT_KEY, { defaultKeyFlag: "1" });
    stack = await bed.projectStack("go", program.dir);
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
    await bed.admin.clearRequests();
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
    program.dispose();
  });

  it("the CLI's PATH has no node but has go; the plugin is the archive's; the program builds against the copy of sdk/go", async () => {
    expect(commandOnPath("node", bed.envVars.PATH ?? "")).toBeUndefined();
    expect(commandOnPath("go", bed.envVars.PATH ?? "")).toBe(join(program.env.GOROOT ?? "", "bin", "go"));
    const plugins = await runCommand("pulumi", ["plugin", "ls", "--color", "never"], { env: bed.envVars });
    expect(plugins.stdout).toMatch(new RegExp(`huaweicloud-kms\\s+resource\\s+${artifacts.version.replaceAll(".", "\\.")}`));
    const sdk = await runCommand("go", ["list", "-m", "-f", "{{.Replace.Dir}}", readPackageManifest(root).publishing.goModule], {
      cwd: program.dir,
      env: bed.envVars,
    });
    expect(sdk.stdout.trim(), sdk.stderr).toBe(join(program.dir, "..", "sdk-go"));
  });

  // The program also calls listKeys on every run (one list-keys request, checked below); the
  // shared lifecycle counts the KeyRotation's own requests, so it is shown the others only.
  exampleLifecycle(
    () => ({
      bed: {
        ...bed,
        admin: { ...bed.admin, requests: async () => (await bed.admin.requests()).filter((r) => r.operation !== "list-keys") },
      },
      stack,
    }),
    // The Go language host built here cannot generate code: the import runs with --generate-code=false.
    { importStep: { pulumi } },
  );

  it("listKeys: up exports the project's 4 keys and the 2 that KMS lets rotate, from one list-keys request", async () => {
    const up = await stack.up();
    expect(up.outputs.keyCount?.value).toBe(4);
    expect([...(up.outputs.rotatableKeyIds?.value as string[])].sort()).toEqual([EXAMPLE_KEY, IMPORTED_KEY].sort());
    expect(up.outputs.rotationIntervalDays?.value).toBe(30);
    expect((await takeCalls(bed)).filter((op) => op === "list-keys")).toEqual(["list-keys"]);
    await stack.destroy();
    expect(await takeCalls(bed)).toEqual(["disable-key-rotation"]);
  });
});
