// Python, installed from the release artifacts alone, as the docs tell a Python user: a fresh
// virtualenv with `pip install` of the wheel (and PyPI's pulumi), the program of
// examples/python-rotation copied out of the repository, and the plugin from its archive: first
// installed with `pulumi plugin install --file`, then, with an empty plugin cache, downloaded by
// the CLI itself from a loopback server standing in for the release page. No `node` is on PATH for
// any Pulumi command. Through the real CLI against the emulator: the examples' lifecycle with
// `pulumi import` (exit 0: the Python host here cannot generate code, so --generate-code=false).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKmsTestbed, takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import { commandOnPath } from "../../harness/pulumi-env.js";
import { usePythonVenv } from "../../harness/python-venv.js";
import {
  installPluginArchive,
  releaseArtifacts,
  startPluginDownloadServer,
  type PluginDownloadServer,
  type ReleaseArtifacts,
} from "../../harness/release-artifacts.js";
import { runCommand, type CommandResult } from "../../harness/run-command.js";
import { EXAMPLE_KEY, exampleLifecycle } from "../plugin/example-lifecycle.js";
import { userProject } from "./user-project.js";
import { wheelVenv } from "./wheel-venv.js";

const PROGRAM = ["__main__.py"];

let artifacts: ReleaseArtifacts;
let venvBin: string;
let scratch: string;

beforeAll(async () => {
  artifacts = await releaseArtifacts();
  venvBin = wheelVenv(artifacts.wheel);
  scratch = mkdtempSync(join(tmpdir(), "kms-install-python-"));
}, 600_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A testbed whose CLI finds no node, and the venv's python first. */
async function pythonTestbed(): Promise<KmsTestbed> {
  const bed = await startKmsTestbed({ nodeOnPath: false });
  usePythonVenv(bed.envVars, venvBin);
  return bed;
}

describe("Python from the release: the wheel in a fresh virtualenv, the plugin installed from its archive, no node on PATH", () => {
  let bed: KmsTestbed;
  let project: string;
  let stack: Stack;
  const pulumi = (args: readonly string[]): Promise<CommandResult> => runCommand("pulumi", args, { cwd: project, env: bed.envVars });

  beforeAll(async () => {
    bed = await pythonTestbed();
    project = userProject("python-rotation", join(scratch, "python-rotation"), PROGRAM);
    await installPluginArchive(bed.envVars, artifacts.pluginArchive, artifacts.version);
    await bed.admin.putKey(EXAMPLE_KEY);
    stack = await bed.projectStack("python", project);
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
  }, 120_000);
  afterAll(async () => {
    await bed.dispose();
  });

  it("the CLI's PATH has no node; the program imports the SDK from the virtualenv; the plugin is the archive's", async () => {
    expect(commandOnPath("node", bed.envVars.PATH ?? "")).toBeUndefined();
    const where = await runCommand("python", ["-c", "import pulumi_huaweicloud_kms as kms; print(kms.__file__)"], { env: bed.envVars });
    // Installed from the wheel into the virtualenv, not reached in this repository's sdk/python.
    expect(where.stdout.trim()).toMatch(new RegExp(`^${dirname(venvBin)}/lib/python[\\d.]+/site-packages/pulumi_huaweicloud_kms/__init__\\.py$`));
    const plugins = await pulumi(["plugin", "ls", "--color", "never"]);
    expect(plugins.stdout).toMatch(new RegExp(`huaweicloud-kms\\s+resource\\s+${artifacts.version.replaceAll(".", "\\.")}`));
  });

  exampleLifecycle(() => ({ bed, stack }), { importStep: { pulumi } });
});

describe("Python from the release: with an empty plugin cache, the CLI downloads the plugin from the release page", () => {
  let bed: KmsTestbed;
  let server: PluginDownloadServer;
  let project: string;

  beforeAll(async () => {
    bed = await pythonTestbed();
    server = await startPluginDownloadServer(artifacts.dir);
    // As on a user's machine: plugins are acquired automatically; the release page is the loopback one.
    delete bed.envVars.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
    bed.envVars.PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES = server.overrides;
    project = userProject("python-rotation", join(scratch, "python-download"), PROGRAM);
    await bed.admin.putKey(EXAMPLE_KEY);
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await bed.dispose();
  });

  it("`pulumi up` fetches pulumi-resource-huaweicloud-kms-v<version>-linux-amd64.tar.gz once and rotates the key", async () => {
    const pulumi = (...args: string[]): Promise<CommandResult> =>
      runCommand("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd: project, env: bed.envVars });
    expect((await pulumi("stack", "init", "download")).code).toBe(0);
    expect((await pulumi("config", "set", "keyId", EXAMPLE_KEY)).code).toBe(0);
    const up = await pulumi("up", "--yes");
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain("rotationIntervalDays: 90");
    expect(server.requests).toEqual([`${new URL(server.url.replace("${VERSION}", artifacts.version)).pathname}/${basename(artifacts.pluginArchive)}`]);
    // The preview `up` shows first reads the key; the update then makes the rotation's three calls.
    expect(await takeCalls(bed)).toEqual(["describe-key", "get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval 90"]);
    const plugins = await pulumi("plugin", "ls");
    expect(plugins.stdout).toMatch(new RegExp(`huaweicloud-kms\\s+resource\\s+${artifacts.version.replaceAll(".", "\\.")}`));
    const destroy = await pulumi("destroy", "--yes");
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: false });
  });
});
