import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory holding the `pulumi` binary and the dynamic-provider shim. */
    pulumiBinDir: string;
  }
}

/** Finds (or builds, once per machine) the Pulumi CLI before any test runs. */
export default function setup(project: TestProject): void {
  const script = resolve(__dirname, "../../scripts/pulumi-cli.sh");
  // Progress of a cold build goes to our stderr; stdout carries only the bin directory.
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const binDir = out.trim().split("\n").pop() ?? "";
  if (binDir === "") throw new Error("scripts/pulumi-cli.sh printed no directory");
  project.provide("pulumiBinDir", binDir);
}
