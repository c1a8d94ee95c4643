// An example copied out of the repository is a project of its own: the README's install line,
// with the packed tarball in place of the registry name, installs everything it needs, and the
// real CLI previews and deploys it against the emulator. Nothing of the repository is reachable
// from the copy (no NODE_PATH, no workspace link, no node_modules above it).
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const root = resolve(__dirname, "../..");
const run = promisify(execFile);
const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const YAML_KEY = "1d0466b0-e727-4d9c-b35d-f84bb474a37f";

/** The `npm install ...` line of the README's "## Install" section, as words. */
function readmeInstallLine(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Install\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const line = /^npm install .*$/m.exec(section)?.[0];
  if (line === undefined) throw new Error('README.md: no "npm install" line in the "## Install" section');
  return line.trim().split(/\s+/);
}

/** The `packages:` line for the plugin that the README's plugin section shows. */
function readmePackagesLine(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const line = /^ {2}(huaweicloud-kms: \.\/node_modules\/pulumi-huaweicloud-kms)\b/m.exec(readme)?.[1];
  if (line === undefined) throw new Error("README.md: no `huaweicloud-kms: ./node_modules/...` packages line");
  return line;
}

describe("examples/basic copied out of the repository", () => {
  let bed: KmsTestbed;
  let scratch: string;
  let project: string;
  let env: Record<string, string>;
  let installOutput: string;
  let tarball: string;
  let userPath: string[];

  const pulumi = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(join(inject("pulumiBinDir"), "pulumi"), [...args, "--non-interactive", "--color", "never"], {
      cwd: project,
      env,
    });
    return stdout;
  };

  beforeAll(async () => {
    if (!existsSync(join(root, "dist/sdk/index.js"))) throw new Error("build the package first: npm run build");
    scratch = mkdtempSync(join(tmpdir(), "kms-copied-example-"));
    // This runs after the build (npm test builds first): packing without prepack leaves the
    // dist/ that other suites are reading alone.
    const { stdout: packed } = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch, "--silent"], {
      cwd: root,
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` },
    });
    tarball = join(scratch, packed.trim().split("\n").pop() ?? "");

    project = join(scratch, "basic");
    cpSync(join(root, "examples/basic"), project, {
      recursive: true,
      // What a user copies is what git tracks: no node_modules, no stack files of other runs.
      filter: (src) => !/[\\/](node_modules|Pulumi\.[^/\\]+\.yaml)$/.test(src) || src.endsWith("Pulumi.yaml"),
    });
    const [npm, ...args] = readmeInstallLine().map((word) => (word === "pulumi-huaweicloud-kms" ? tarball : word));
    // Node 22 first on PATH, as the README asks; the npm cache is the one `npm ci` filled.
    userPath = [dirname(process.execPath), ...(process.env.PATH ?? "").split(delimiter).filter((d) => !d.includes("node_modules"))];
    const installed = await run(npm ?? "npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: project,
      env: { ...process.env, PATH: userPath.join(delimiter) },
    });
    installOutput = `${installed.stdout}\n${installed.stderr}`;

    bed = await startKmsTestbed();
    await bed.admin.putKey(KEY);
    env = {
      ...bed.envVars,
      // Nothing resolves through the repository: the copy's own node_modules only.
      NODE_PATH: "",
      // The CLI and the Node the user has; nothing of the repository's node_modules.
      PATH: [inject("pulumiBinDir"), ...userPath].join(delimiter),
    };
  }, 300_000);

  afterAll(async () => {
    await bed.dispose();
    rmSync(scratch, { recursive: true, force: true });
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
    await pulumi("config", "set", "keyId", KEY);
    const preview = await pulumi("preview");
    expect(preview).toMatch(/\+\s+pulumi-nodejs:dynamic\/huaweicloud-kms:KeyRotation\s+app-key\s+create/);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: false });

    const up = await pulumi("up", "--yes");
    expect(up).toContain("rotationIntervalDays: 90");
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    // The provider that ran is the installed copy in the example's node_modules.
    const state = await pulumi("stack", "export");
    expect(state).toContain("pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/provider-module.js");
    expect(state).not.toContain(root);
  });

  it("the installed package is a plugin folder: a YAML project's `packages:` names it, and `pulumi up` rotates the key", async () => {
    const yaml = join(scratch, "yaml-rotation");
    mkdirSync(yaml);
    writeFileSync(join(yaml, "package.json"), '{ "private": true }\n');
    await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: yaml,
      env: { ...process.env, PATH: userPath.join(delimiter) },
    });
    // The README's line for a project of one's own, in place of the example's path to this repository.
    const example = readFileSync(join(root, "examples/yaml-rotation/Pulumi.yaml"), "utf8");
    writeFileSync(join(yaml, "Pulumi.yaml"), example.replace("huaweicloud-kms: ../..", readmePackagesLine()));
    const cli = (...args: string[]) =>
      run(join(inject("pulumiBinDir"), "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd: yaml, env });
    await cli("stack", "init", "yaml");
    await cli("config", "set", "keyId", YAML_KEY);
    await bed.admin.putKey(YAML_KEY);
    const { stdout: preview } = await cli("preview");
    expect(preview).toMatch(/\+\s+huaweicloud-kms:index:KeyRotation\s+app-key\s+create/);
    const { stdout: up } = await cli("up", "--yes");
    expect(up).toContain("rotationIntervalDays: 90");
    expect(await bed.admin.getKey(YAML_KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    await cli("destroy", "--yes");
    expect(await bed.admin.getKey(YAML_KEY)).toMatchObject({ rotationEnabled: false });
  });
});
