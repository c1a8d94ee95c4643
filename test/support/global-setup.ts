import type { TestProject } from "vitest/node";
import { ensurePulumiCli } from "./pulumi-cli.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory holding the `pulumi` binary and the dynamic-provider shim. */
    pulumiBinDir: string;
  }
}

/** Finds (or builds, once per machine) the Pulumi CLI before any test runs. */
export default function setup(project: TestProject): void {
  project.provide("pulumiBinDir", ensurePulumiCli());
}
