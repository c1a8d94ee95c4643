// Exports the state a release leaves in users' stacks, as a test fixture: the upgrade test imports
// it and runs the current build against it. Run once per release, on that release's build:
//
//   tsx scripts/state-fixture.ts --package <root of the release, built> [--out test/fixtures/state]
//
// It writes <out>/<version>-installed.json (the package under node_modules: the provider is one
// `require` line) and <out>/<version>-linked.json (npm link / workspaces: the function shell).
// The stack holds three rotations, as a program of that release declares them:
//   orders  (keyId ORDERS,  intervalDays 90)        → on, every 90 days
//   billing (keyId BILLING)                         → on, every 365 days
//   archive (keyId ARCHIVE, enabled false, 180)     → off
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { emulatorAdmin, startEmulator } from "../emulator/index.js";
import { FIXTURE_KEYS, FIXTURE_PROJECT_ID, FIXTURE_STACK } from "../test/fixtures/state/fixture-keys.js";
import { ensurePulumiCli } from "../harness/pulumi-cli.js";
import { createPulumiSandbox } from "../harness/pulumi-env.js";

const repoRoot = resolve(__dirname, "..");

interface Sdk {
  KeyRotation: new (name: string, args: { keyId: string; enabled?: boolean; intervalDays?: number }) => unknown;
}

/** A folder whose node_modules holds `pkg` as `npm install` (a copy) or `npm link` (a link) leaves it. */
function layout(pkg: string, kind: "installed" | "linked"): string {
  const root = mkdtempSync(join(tmpdir(), `kms-fixture-${kind}-`));
  const modules = join(root, "node_modules");
  mkdirSync(modules);
  const own = join(modules, "pulumi-huaweicloud-kms");
  if (kind === "linked") symlinkSync(pkg, own, "dir");
  else {
    mkdirSync(own);
    cpSync(join(pkg, "package.json"), join(own, "package.json"));
    cpSync(join(pkg, "dist"), join(own, "dist"), { recursive: true });
  }
  for (const name of readdirSync(join(repoRoot, "node_modules"))) {
    if (name === "pulumi-huaweicloud-kms" || name.startsWith(".") || existsSync(join(modules, name))) continue;
    symlinkSync(join(repoRoot, "node_modules", name), join(modules, name));
  }
  return root;
}

async function exportState(pkg: string, kind: "installed" | "linked"): Promise<unknown> {
  const root = layout(pkg, kind);
  const emulator = await startEmulator({ port: 0, credentials: [{ accessKey: "AKFIXTURE0000001", secretKey: "sk-fixture" }] });
  const sandbox = await createPulumiSandbox({ prefix: "kms-fixture-", binDir: ensurePulumiCli() });
  try {
    const admin = emulatorAdmin(emulator.url);
    for (const key of Object.values(FIXTURE_KEYS)) await admin.putKey(key);
    const sdk = createRequire(join(root, "program.js"))("pulumi-huaweicloud-kms") as Sdk;
    const stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: FIXTURE_STACK,
        projectName: "kms-upgrade",
        program: () => {
          new sdk.KeyRotation("orders", { keyId: FIXTURE_KEYS.orders, intervalDays: 90 });
          new sdk.KeyRotation("billing", { keyId: FIXTURE_KEYS.billing });
          new sdk.KeyRotation("archive", { keyId: FIXTURE_KEYS.archive, enabled: false, intervalDays: 180 });
          return Promise.resolve({});
        },
      },
      {
        pulumiCommand: sandbox.pulumiCommand,
        workDir: sandbox.workDir,
        envVars: {
          ...sandbox.envVars,
          // The release is loaded from `root`, whatever the sandbox links.
          NODE_PATH: join(root, "node_modules"),
          HW_KMS_ENDPOINT: emulator.url,
          HW_PROJECT_ID: FIXTURE_PROJECT_ID,
          HW_ACCESS_KEY: "AKFIXTURE0000001",
          HW_SECRET_KEY: "sk-fixture",
        },
      },
    );
    await stack.up();
    return (await stack.exportStack()).deployment;
  } finally {
    await emulator.close();
    sandbox.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { package: { type: "string" }, out: { type: "string" } } });
  const pkg = resolve(values.package ?? repoRoot);
  const out = resolve(values.out ?? join(repoRoot, "test/fixtures/state"));
  const version = (JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string }).version;
  if (!existsSync(join(pkg, "dist/sdk/index.js"))) throw new Error(`${pkg}: build it first (npm run build)`);
  mkdirSync(out, { recursive: true });
  for (const kind of ["installed", "linked"] as const) {
    process.stderr.write(`[state-fixture] ${version} ${kind}: up of three rotations against the emulator\n`);
    const deployment = await exportState(pkg, kind);
    const file = join(out, `${version}-${kind}.json`);
    writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
    process.stderr.write(`[state-fixture] wrote ${file}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[state-fixture] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
