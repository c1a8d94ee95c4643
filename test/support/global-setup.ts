import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { createInstalledPackage, INSTALLED_ROOT_ENV } from "../../harness/installed-package.js";
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
  // Unit tests run without a build; suites that load the package say "build first" if needed.
  if (!existsSync(resolve(__dirname, "../../dist/sdk/index.js"))) return () => undefined;
  const installed = createInstalledPackage();
  process.env[INSTALLED_ROOT_ENV] = installed;
  return () => {
    rmSync(installed, { recursive: true, force: true });
  };
}
