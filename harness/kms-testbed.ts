// A KMS emulator plus a Pulumi sandbox wired to it: what every Automation API suite starts from.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { LocalWorkspace, type ConfigMap, type ProjectSettings, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import {
  accountEndpoints,
  accountSeed,
  DEFAULT_PROJECT_ID,
  emulatorAdmin,
  startEmulator,
  type AccountProject,
  type AccountProjectSpec,
  type EmulatorAdmin,
  type EmulatorOptions,
  type RunningEmulator,
} from "../emulator/index.js";
import { installedPackageDir, installedPackageRoot } from "./installed-package.js";
import { createPulumiSandbox, type PulumiSandbox } from "./pulumi-env.js";

/** Distinctive credentials, so a test can search every output for them. */
export const TEST_ACCESS_KEY = "AKTESTLEAKCANARY0001";
export const TEST_SECRET_KEY = "sk-test-leak-canary-5f1e0c9d";
export const TEST_PROJECT_ID = DEFAULT_PROJECT_ID;

type Sdk = typeof import("../sdk/index.js");
type PluginSdk = typeof import("../sdk/plugin.js");

/** How KeyRotation reaches the engine: the dynamic provider, or the plugin provider. */
export type Vehicle = "dynamic" | "plugin";

/**
 * The built package, loaded by Node itself (not the test transformer) from an installed layout,
 * exactly as a user's program loads it, so the provider that gets serialized is the one users get.
 * `linked` loads it through this repo's workspace link instead (npm link, monorepos).
 */
export function loadSdk(layout: "installed" | "linked" = "installed"): Sdk {
  const from = layout === "installed" ? join(installedPackageRoot(), "program.js") : __filename;
  return createRequire(from)("pulumi-huaweicloud-kms") as Sdk;
}

/** The plugin vehicle's SDK (`pulumi-huaweicloud-kms/plugin`), from the same installed layout. */
export function loadPluginSdk(): PluginSdk {
  return createRequire(join(installedPackageRoot(), "program.js"))("pulumi-huaweicloud-kms/plugin") as PluginSdk;
}

/** Pulumi.yaml of an inline program; the plugin vehicle names the installed package's folder as its provider. */
export function projectSettingsFor(name: string, vehicle: Vehicle): ProjectSettings {
  const settings = { name, runtime: "nodejs" };
  if (vehicle === "dynamic") return settings;
  // `plugins` is written to Pulumi.yaml as given; the Automation API's type does not list it.
  const withPlugin = { ...settings, plugins: { providers: [{ name: "huaweicloud-kms", path: installedPackageDir() }] } };
  return withPlugin;
}

export interface KmsTestbed {
  readonly emulator: RunningEmulator;
  readonly admin: EmulatorAdmin;
  readonly sandbox: PulumiSandbox;
  /** Environment of the CLI and so of the provider: endpoint, project, credentials. */
  readonly envVars: Record<string, string>;
  /** A new stack (its own name) running `program` against the emulator, through either vehicle (default dynamic). */
  stack(name: string, program: PulumiFn, vehicle?: Vehicle): Promise<Stack>;
  /**
   * A stack of the Pulumi project in `workDir` (e.g. examples/basic), run by the CLI's language
   * host as `pulumi up` would. Its Pulumi.<stack>.yaml is removed on dispose.
   */
  projectStack(name: string, workDir: string): Promise<Stack>;
  dispose(): Promise<void>;
}

/**
 * @param options emulator options, plus `binDir` of the Pulumi CLI when running outside vitest
 * (benchmarks, the demo): see ensurePulumiCli(); `nodeOnPath: false` for a CLI that finds no
 * Node.js (see createPulumiSandbox).
 */
export async function startKmsTestbed(options: Partial<EmulatorOptions> & { binDir?: string; nodeOnPath?: boolean } = {}): Promise<KmsTestbed> {
  const { binDir, nodeOnPath, ...emulatorOptions } = options;
  const emulator = await startEmulator({
    port: 0,
    credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }],
    ...emulatorOptions,
  });
  const sandbox = await createPulumiSandbox({
    prefix: "kms-suite-",
    ...(binDir === undefined ? {} : { binDir }),
    ...(nodeOnPath === undefined ? {} : { nodeOnPath }),
  });
  const envVars: Record<string, string> = {
    ...sandbox.envVars,
    HW_KMS_ENDPOINT: emulator.url,
    HW_PROJECT_ID: TEST_PROJECT_ID,
    HW_ACCESS_KEY: TEST_ACCESS_KEY,
    HW_SECRET_KEY: TEST_SECRET_KEY,
  };
  const projectFiles: string[] = [];
  return {
    emulator,
    admin: emulatorAdmin(emulator.url),
    sandbox,
    envVars,
    stack: (name, program, vehicle = "dynamic") =>
      LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: "kms-suite", program },
        {
          pulumiCommand: sandbox.pulumiCommand,
          envVars,
          workDir: sandbox.workDir,
          ...(vehicle === "plugin" ? { projectSettings: projectSettingsFor("kms-suite", vehicle) } : {}),
        },
      ),
    projectStack: async (name, workDir) => {
      // The process id keeps stack files of suites running side by side apart.
      const stackName = `${name}-${process.pid}`;
      projectFiles.push(join(workDir, `Pulumi.${stackName}.yaml`));
      return LocalWorkspace.createOrSelectStack({ stackName, workDir }, { pulumiCommand: sandbox.pulumiCommand, envVars });
    },
    dispose: async () => {
      for (const file of projectFiles) rmSync(file, { force: true });
      await emulator.close();
      sandbox.dispose();
    },
  };
}

/** A testbed whose emulator serves an account of several projects in several regions. */
export interface AccountTestbed extends KmsTestbed {
  /** The account's projects in the order given (the first is the default project), with their key ids. */
  readonly projects: readonly AccountProject[];
  /**
   * `envVars` for a client of the whole account: the KMS endpoint with the `{region}` placeholder,
   * the IAM endpoint, and the first project as the project.
   */
  readonly accountEnvVars: Record<string, string>;
}

/**
 * A testbed whose emulator holds exactly `projects` (see accountSeed): IAM lists them, each
 * region's KMS serves its own. `envVars` stay those of one project (the first), for stacks.
 */
export async function startAccountTestbed(
  projects: readonly AccountProjectSpec[],
  options: Omit<Partial<EmulatorOptions>, "seed"> & { binDir?: string; nodeOnPath?: boolean } = {},
): Promise<AccountTestbed> {
  const account = accountSeed(projects, options.defaultProjectId);
  const bed = await startKmsTestbed({ ...options, seed: account.seed });
  const { kmsEndpoint, iamEndpoint } = accountEndpoints(bed.emulator.url);
  return {
    ...bed,
    projects: account.projects,
    accountEnvVars: {
      ...bed.envVars,
      HW_KMS_ENDPOINT: kmsEndpoint,
      HW_IAM_ENDPOINT: iamEndpoint,
      ...(account.projects[0] === undefined ? {} : { HW_PROJECT_ID: account.projects[0].id }),
    },
  };
}

/** The testbed's endpoint, project and credentials as this provider's stack config (AK/SK as secrets). */
export function testbedStackConfig(bed: KmsTestbed): ConfigMap {
  return {
    "huaweicloud-kms:endpoint": { value: bed.emulator.url },
    "huaweicloud-kms:projectId": { value: TEST_PROJECT_ID },
    "huaweicloud-kms:accessKey": { value: TEST_ACCESS_KEY, secret: true },
    "huaweicloud-kms:secretKey": { value: TEST_SECRET_KEY, secret: true },
  };
}

/** "<operation>[ <rotation_interval>]" for each KMS request since the last call; clears the log. */
export async function takeCalls(bed: KmsTestbed): Promise<string[]> {
  const log = await bed.admin.requests();
  await bed.admin.clearRequests();
  return log.map((r) => {
    const body = r.body as { rotation_interval?: number } | undefined;
    return `${r.operation}${body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`}`;
  });
}
