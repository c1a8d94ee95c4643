import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
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

/** The folders of a login shell's default PATH: where a machine's own commands are. */
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/** Node.js and the commands that only run on it. */
const NODE_COMMANDS = new Set(["node", "nodejs", "npm", "npx", "corepack"]);

/** The first executable `name` on `path` (a PATH value), or undefined. */
export function commandOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter).filter((d) => d !== "")) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * PATH for a machine without Node.js: the CLI's folder, then the system folders. A system folder
 * that holds `node` (this image has Node 20 in /usr/bin) is replaced by a folder of links to each
 * of its commands but Node.js's, made in `linkDir`; the rest stay as they are.
 */
function pathWithoutNode(binDir: string, linkDir: string): string {
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    const real = realpathSync(dir);
    if (seen.has(real)) continue; // /bin is /usr/bin on merged-/usr systems
    seen.add(real);
    const names = readdirSync(real);
    if (!names.some((n) => NODE_COMMANDS.has(n))) {
      dirs.push(dir);
      continue;
    }
    const mirror = join(linkDir, real.replaceAll("/", "_"));
    mkdirSync(mirror, { recursive: true });
    for (const name of names) if (!NODE_COMMANDS.has(name)) symlinkSync(join(real, name), join(mirror, name));
    dirs.push(mirror);
  }
  const path = [binDir, ...dirs].join(delimiter);
  const node = commandOnPath("node", path);
  if (node !== undefined) throw new Error(`PATH without Node.js still finds ${node}: ${path}`);
  return path;
}

export interface PulumiSandboxOptions {
  prefix?: string;
  /** The folder of `pulumi`; default the test run's (vitest inject). */
  binDir?: string;
  /**
   * false: a machine without Node.js. PATH holds only the CLI's folder and the system's commands,
   * with no `node` anywhere on it (checked), and no NODE_PATH: what YAML and Python users have.
   * Default true: the test's Node and the repository's node_modules/.bin on PATH.
   */
  nodeOnPath?: boolean;
}

/**
 * Creates a sandbox that keeps the CLI offline: update checks and plugin downloads are off, and any
 * HTTP(S) request that is not for loopback goes to a proxy address where nothing listens, so a
 * request that would leave the machine fails the test instead of passing unnoticed.
 */
export async function createPulumiSandbox(options: PulumiSandboxOptions = {}): Promise<PulumiSandbox> {
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
  if (options.nodeOnPath === false) {
    delete envVars.NODE_PATH;
    envVars.PATH = pathWithoutNode(binDir, join(root, "system-bin"));
  }
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
