// The built package as a user's `npm install` lays it out: a real copy under node_modules. Tests
// load the SDK from here so that what Pulumi serializes is what users' states get (in this repo
// the package is otherwise reached through a workspace link, a different code path).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repoRoot = resolve(__dirname, "..");
let installed: string | undefined;

/** The files beside dist/ that make an installed package a plugin provider folder. */
const PLUGIN_FILES = ["schema.json", "PulumiPlugin.yaml", "pulumi-resource-huaweicloud-kms", "policy-pack"] as const;

/** The installed package's own folder: the plugin provider's folder for `plugins`/`packages` in Pulumi.yaml. */
export function installedPackageDir(): string {
  return join(installedPackageRoot(), "node_modules", "pulumi-huaweicloud-kms");
}

/** Set by the test run's global setup, so that every worker shares one copy, removed at the end. */
export const INSTALLED_ROOT_ENV = "KMS_TEST_INSTALLED_ROOT";

/** A folder whose node_modules holds a copy of this package (package.json + dist) and links to its dependencies. */
export function installedPackageRoot(): string {
  installed ??= process.env[INSTALLED_ROOT_ENV];
  if (installed !== undefined) return installed;
  const root = createInstalledPackage();
  process.on("exit", () => {
    rmSync(root, { recursive: true, force: true });
  });
  installed = root;
  return root;
}

/** Makes a new installed copy; the caller removes it. */
export function createInstalledPackage(): string {
  if (!existsSync(join(repoRoot, "dist", "sdk", "index.js"))) throw new Error("build the package first: npm run build");
  const root = mkdtempSync(join(tmpdir(), "kms-installed-"));
  const modules = join(root, "node_modules");
  const own = join(modules, "pulumi-huaweicloud-kms");
  mkdirSync(own, { recursive: true });
  cpSync(join(repoRoot, "package.json"), join(own, "package.json"));
  // What the package's "files" ship: the build, and the plugin provider's folder files.
  cpSync(join(repoRoot, "dist"), join(own, "dist"), { recursive: true });
  for (const file of PLUGIN_FILES) cpSync(join(repoRoot, file), join(own, file), { recursive: true });
  // Dependencies resolve to the repo's own copies (same @pulumi/pulumi instance as the tests).
  for (const name of readdirSync(join(repoRoot, "node_modules"))) {
    if (name === "pulumi-huaweicloud-kms" || name.startsWith(".") || existsSync(join(modules, name))) continue;
    symlinkSync(join(repoRoot, "node_modules", name), join(modules, name));
  }
  return root;
}
