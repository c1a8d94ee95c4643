import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

const repoRoot = resolve(__dirname, "..");

/** A Pulumi CLI sandbox: its own PULUMI_HOME, a file:// backend and a workspace folder, all in a temp dir. */
export interface PulumiSandbox {
  /** Environment handed to the CLI (and so to the dynamic-provider process it starts). */
  readonly envVars: Record<string, string>;
  readonly pulumiCommand: PulumiCommand;
  /** An empty folder for LocalWorkspace's Pulumi.yaml and stack files. */
  readonly workDir: string;
  /** The folder holding the state files of the file:// backend. */
  readonly stateDir: string;
  dispose(): void;
}

/**
 * Creates a sandbox that keeps the CLI offline: update checks and plugin downloads are off, and any
 * HTTP(S) request that is not for loopback goes to a proxy address where nothing listens, so a
 * request that would leave the machine fails the test instead of passing unnoticed.
 */
export async function createPulumiSandbox(options: { prefix?: string; binDir?: string } = {}): Promise<PulumiSandbox> {
  const prefix = options.prefix ?? "pulumi-kms-test-";
  const binDir = options.binDir ?? (await import("vitest")).inject("pulumiBinDir");
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = join(root, "home");
  const stateDir = join(root, "state");
  const workDir = join(root, "work");
  const nodePath = join(root, "node_path");
  for (const dir of [home, stateDir, workDir, nodePath]) mkdirSync(dir);
  // The serialized provider loads "pulumi-huaweicloud-kms/dist/..." by name from inside
  // @pulumi/pulumi, as it would in a user's node_modules; this link makes the repo that package
  // wherever the CLI runs from.
  symlinkSync(repoRoot, join(nodePath, "pulumi-huaweicloud-kms"), "dir");

  const nodeBin = dirname(process.execPath);
  const envVars: Record<string, string> = {
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-kms-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The dynamic-provider shim resolves @pulumi/pulumi from its working directory or NODE_PATH.
    NODE_PATH: [nodePath, join(repoRoot, "node_modules")].join(":"),
    // The CLI's plugins (the dynamic-provider shim) must run on the same Node as the tests.
    PATH: [binDir, nodeBin, join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(":"),
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost,::1",
    // Python's gRPC reads only the lower-case names.
    no_proxy: "127.0.0.1,localhost,::1",
  };
  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  return {
    envVars,
    pulumiCommand,
    workDir,
    stateDir,
    dispose: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
