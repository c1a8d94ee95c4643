import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * The directory holding `pulumi` and the dynamic-provider shim, from scripts/pulumi-cli.sh (which
 * builds the CLI once per machine, printing progress on stderr).
 */
export function ensurePulumiCli(): string {
  const script = resolve(__dirname, "../scripts/pulumi-cli.sh");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const binDir = out.trim().split("\n").pop() ?? "";
  if (binDir === "") throw new Error("scripts/pulumi-cli.sh printed no directory");
  return binDir;
}
