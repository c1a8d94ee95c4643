import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { createInstalledPackage, INSTALLED_ROOT_ENV } from "../../harness/installed-package.js";
import { kmsCacheDir } from "../../harness/cache-dir.js";
import { ensurePulumiCli } from "../../harness/pulumi-cli.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory holding the `pulumi` binary and the dynamic-provider shim. */
    pulumiBinDir: string;
  }
}

/**
 * Finds (or builds, once per machine) the Pulumi CLI before any test runs, and lays out the built
 * package as installed once for all workers (they inherit the environment), removed at the end.
 */
export default function setup(project: TestProject): () => void {
  project.provide("pulumiBinDir", ensurePulumiCli());
  // Each CLI command starts Node.js processes (the dynamic provider, the plugin provider, programs)
  // that load @pulumi/pulumi anew: with V8's compiled code cached on disk, each load takes about
  // half the CPU, which is about 8 % of the suite's CPU on 2 cores. Workers, the CLI and its
  // plugins inherit it; a cache that does not match the code is ignored by Node.js.
  process.env.NODE_COMPILE_CACHE ??= kmsCacheDir("node-compile-cache");
  // Unit tests run without a build; suites that load the package say "build first" if needed.
  if (!existsSync(resolve(__dirname, "../../dist/sdk/index.js"))) return () => undefined;
  const installed = createInstalledPackage();
  process.env[INSTALLED_ROOT_ENV] = installed;
  return () => {
    rmSync(installed, { recursive: true, force: true });
  };
}
