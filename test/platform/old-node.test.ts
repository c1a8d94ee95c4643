// On a Node.js older than the package needs, the built SDK and the built provider runtime fail
// at once with one line saying so (not an undici TypeError), also through the real CLI. Needs a
// Node.js older than 22 on the machine: the system one (/usr/bin/node) or one on PATH.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPulumiSandbox, type PulumiSandbox } from "../../harness/pulumi-env.js";

const root = resolve(__dirname, "../..");
const run = promisify(execFile);

/** A node binary older than 22 outside node_modules, with its version, if the machine has one. */
function findOldNode(): { path: string; version: string } | undefined {
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter)].filter((d) => d !== "" && !d.includes("node_modules"));
  for (const dir of dirs) {
    const path = join(dir, "node");
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
    if (Number(/^v(\d+)/.exec(version)?.[1]) < 22) return { path, version };
  }
  return undefined;
}

const oldNode = findOldNode();

/** The line a user must see; spelled out here so that a change of wording is a visible decision. */
function expectedLine(node: { path: string; version: string }): string {
  return (
    `pulumi-huaweicloud-kms needs Node.js 22.19.0 or later, but this is Node.js ${node.version} (${node.path}): ` +
    `install Node.js 22.19.0 or later (https://nodejs.org/en/download, or "nvm install 22", the newest 22.x) and put it first on PATH, since Pulumi runs the first "node" on PATH.`
  );
}

// Loads a module the way a host does and prints what a host prints (the error's stack), plus
// whether undici got loaded before the failure.
const LOADER = `
try { require(process.argv[1]); process.stdout.write("loaded"); }
catch (e) {
  const undici = Object.keys(require.cache).some((k) => k.includes("undici"));
  process.stdout.write(JSON.stringify({ stack: String(e.stack), undici }));
  process.exit(3);
}`;

describe.skipIf(oldNode === undefined)(`on ${oldNode?.version ?? "an old Node.js"}`, () => {
  const node = oldNode ?? { path: "", version: "" };
  let sandbox: PulumiSandbox;
  let program: string;

  beforeAll(async () => {
    if (!existsSync(join(root, "dist/sdk/index.js"))) throw new Error("build the package first: npm run build");
    sandbox = await createPulumiSandbox({ prefix: "kms-old-node-" });
    program = mkdtempSync(join(tmpdir(), "kms-old-node-program-"));
    writeFileSync(join(program, "Pulumi.yaml"), "name: old-node\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(program, "package.json"), JSON.stringify({ name: "old-node", private: true, main: "index.js" }));
    writeFileSync(
      join(program, "index.js"),
      'const { KeyRotation } = require("pulumi-huaweicloud-kms");\nnew KeyRotation("app-key", { keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f" });\n',
    );
  });
  afterAll(() => {
    sandbox.dispose();
    rmSync(program, { recursive: true, force: true });
  });

  it.each(["dist/sdk/index.js", "dist/provider/adapters/dynamic/runtime.js"])("%s fails with the one line, before undici loads", async (file) => {
    const failed = await run(node.path, ["-e", LOADER, join(root, file)]).catch((e: unknown) => e as { code: number; stdout: string });
    expect(failed).toMatchObject({ code: 3 });
    expect(JSON.parse((failed as { stdout: string }).stdout)).toEqual({ stack: expectedLine(node), undici: false });
  });

  it("a program run by the real CLI with that Node first on PATH: `pulumi preview` prints the line", async () => {
    const env = {
      ...process.env,
      ...sandbox.envVars,
      // Pulumi runs the program with the first `node` on PATH: the old one, as on the user's machine.
      PATH: [dirname(node.path), inject("pulumiBinDir"), sandbox.envVars.PATH].join(delimiter),
    };
    const pulumi = join(inject("pulumiBinDir"), "pulumi");
    await run(pulumi, ["stack", "init", "dev", "--non-interactive"], { cwd: program, env });
    const failed = await run(pulumi, ["preview", "--non-interactive", "--color", "never"], { cwd: program, env }).catch(
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    // The preview fails (a non-zero exit), with the line and nothing of the old riddle.
    expect(failed).toBeInstanceOf(Error);
    expect((failed as { code: number }).code).not.toBe(0);
    const output = `${(failed as { stdout: string }).stdout}\n${(failed as { stderr: string }).stderr}`;
    expect(output).toContain(`error: ${expectedLine(node)}\n`);
    expect(output).not.toMatch(/undici|Cannot read properties|unhandled exception/);
  });
});
