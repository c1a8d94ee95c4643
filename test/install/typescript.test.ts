// TypeScript, installed from the release's npm tarball as the README says: examples/basic copied
// out of the repository into a project of its own and installed with the README's `npm install`
// line (the tarball in place of the registry name). Nothing of the repository is reachable from
// the copy (no NODE_PATH, no workspace link, no node_modules above it). Both vehicles run through
// the real CLI against the emulator:
// - the dynamic provider (`import ... from "pulumi-huaweicloud-kms"`): preview and up;
// - the plugin provider (the same program importing "pulumi-huaweicloud-kms/plugin", no
//   `packages:` in Pulumi.yaml): the CLI downloads the plugin archive from a loopback server
//   standing in for the release page, and the program goes through the examples' lifecycle with
//   `pulumi import` (exit 0: the Node.js host here cannot generate code, so --generate-code=false).
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { releaseArtifacts, startPluginDownloadServer, type PluginDownloadServer, type ReleaseArtifacts } from "../../harness/release-artifacts.js";
import { runCommand, type CommandResult } from "../../harness/run-command.js";
import { EXAMPLE_KEY, exampleLifecycle } from "../plugin/example-lifecycle.js";

const root = resolve(__dirname, "../..");
const run = promisify(execFile);

/** The `npm install ...` line of the README's "## Install" section, as words. */
function readmeInstallLine(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Install\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const line = /^npm install .*$/m.exec(section)?.[0];
  if (line === undefined) throw new Error('README.md: no "npm install" line in the "## Install" section');
  return line.trim().split(/\s+/);
}

let artifacts: ReleaseArtifacts;
let scratch: string;
/** The user's PATH: Node 22 first, as the README asks, and nothing of this repository's node_modules. */
let userPath: string[];

/**
 * examples/basic copied into `name` (what git tracks: no node_modules, no stack files), `edit`
 * applied to its index.ts, then installed with the README's line; returns the folder and what
 * npm printed.
 */
async function installedCopy(name: string, edit: (program: string) => string = (p) => p): Promise<{ project: string; output: string }> {
  const project = join(scratch, name);
  cpSync(join(root, "examples/basic"), project, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|Pulumi\.[^/\\]+\.yaml)$/.test(src) || src.endsWith("Pulumi.yaml"),
  });
  writeFileSync(join(project, "index.ts"), edit(readFileSync(join(project, "index.ts"), "utf8")));
  const [npm, ...args] = readmeInstallLine().map((word) => (word === "pulumi-huaweicloud-kms" ? artifacts.npmTarball : word));
  // The npm cache is the one `npm ci` filled.
  const installed = await run(npm ?? "npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: project,
    env: { ...process.env, PATH: userPath.join(delimiter) },
  });
  return { project, output: `${installed.stdout}\n${installed.stderr}` };
}

/** The CLI's environment for a copy: the sandbox's, with the user's Node and no way into this repository. */
function userEnv(bed: KmsTestbed): void {
  bed.envVars.NODE_PATH = "";
  bed.envVars.PATH = [inject("pulumiBinDir"), ...userPath].join(delimiter);
}

beforeAll(async () => {
  artifacts = await releaseArtifacts();
  scratch = mkdtempSync(join(tmpdir(), "kms-install-typescript-"));
  userPath = [dirname(process.execPath), ...(process.env.PATH ?? "").split(delimiter).filter((d) => !d.includes("node_modules"))];
}, 600_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("TypeScript from the npm tarball, the dynamic provider: examples/basic installed with the README's line", () => {
  let bed: KmsTestbed;
  let project: string;
  let installOutput: string;

  const pulumi = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(join(inject("pulumiBinDir"), "pulumi"), [...args, "--non-interactive", "--color", "never"], {
      cwd: project,
      env: bed.envVars,
    });
    return stdout;
  };

  beforeAll(async () => {
    ({ project, output: installOutput } = await installedCopy("basic"));
    bed = await startKmsTestbed();
    userEnv(bed);
    await bed.admin.putKey(EXAMPLE_KEY);
  }, 300_000);
  afterAll(async () => {
    await bed.dispose();
  });

  it("installs with the README's line, with no warning about a script of this package", () => {
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
    expect(pkg.devDependencies).toHaveProperty("typescript");
    expect(readdirSync(join(project, "node_modules/pulumi-huaweicloud-kms"))).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "dist", "package.json"]) as string[],
    );
    expect(installOutput).not.toContain("pulumi-huaweicloud-kms@");
    expect(installOutput).not.toMatch(/prepare|TS6046/);
  });

  it("`pulumi preview` then `pulumi up` with the real CLI rotate the key every 90 days", async () => {
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "keyId", EXAMPLE_KEY);
    const preview = await pulumi("preview");
    expect(preview).toMatch(/\+\s+pulumi-nodejs:dynamic\/huaweicloud-kms:KeyRotation\s+app-key\s+create/);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: false });

    const up = await pulumi("up", "--yes");
    expect(up).toContain("rotationIntervalDays: 90");
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    // The provider that ran is the installed copy in the example's node_modules.
    const state = await pulumi("stack", "export");
    expect(state).toContain("pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/provider-module.js");
    expect(state).not.toContain(root);
  });
});

describe("TypeScript from the npm tarball, the plugin provider: the program imports pulumi-huaweicloud-kms/plugin, the CLI downloads the plugin", () => {
  let bed: KmsTestbed;
  let server: PluginDownloadServer;
  let project: string;
  let stack: Stack;
  const pulumi = (args: readonly string[]): Promise<CommandResult> => runCommand("pulumi", args, { cwd: project, env: bed.envVars });

  beforeAll(async () => {
    ({ project } = await installedCopy("basic-plugin", (program) => {
      const edited = program.replace(/from "pulumi-huaweicloud-kms";/, 'from "pulumi-huaweicloud-kms/plugin";');
      if (edited === program) throw new Error("examples/basic/index.ts no longer imports from pulumi-huaweicloud-kms");
      return edited;
    }));
    bed = await startKmsTestbed();
    userEnv(bed);
    server = await startPluginDownloadServer(artifacts.dir);
    // As on a user's machine: plugins are acquired automatically; the release page is the loopback one.
    delete bed.envVars.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
    bed.envVars.PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES = server.overrides;
    await bed.admin.putKey(EXAMPLE_KEY);
    stack = await bed.projectStack("plugin", project);
    await stack.setConfig("keyId", { value: EXAMPLE_KEY });
  }, 300_000);
  afterAll(async () => {
    await server.close();
    await bed.dispose();
  });

  it("Pulumi.yaml names no plugin: no `packages:`, no `plugins:`", () => {
    expect(readFileSync(join(project, "Pulumi.yaml"), "utf8")).not.toMatch(/^(packages|plugins):/m);
  });

  exampleLifecycle(() => ({ bed, stack }), { importStep: { pulumi } });

  it("after all that, none of the package's devDependencies is installed, beside it or inside it", () => {
    const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const theirs = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies?: object; devDependencies?: object };
    const own = new Set([...Object.keys(theirs.dependencies ?? {}), ...Object.keys(theirs.devDependencies ?? {})]);
    // Inside: what `npm install` in the package's own folder would leave (a `packages:` path does that).
    const found = Object.keys(ours.devDependencies).flatMap((name) =>
      [join(project, "node_modules", name), join(project, "node_modules/pulumi-huaweicloud-kms/node_modules", name)].filter(
        (dir) => existsSync(dir) && !(own.has(name) && dir === join(project, "node_modules", name)),
      ),
    );
    expect(found).toEqual([]);
  });

  it("the CLI downloaded pulumi-resource-huaweicloud-kms-v<version>-linux-amd64.tar.gz from the release page, once", () => {
    expect(server.requests).toEqual([`${new URL(server.url.replace("${VERSION}", artifacts.version)).pathname}/${basename(artifacts.pluginArchive)}`]);
  });
});
