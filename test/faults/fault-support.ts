// Helpers shared by the fault, interruption and secrets suites: stacks with extra provider
// environment, the recorded KeyRotations of a stack, and the checks every case makes on what the
// user sees.
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { LocalWorkspace, type EngineEvent, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type { AdminKey, EmulatorAdmin, RequestLogEntry } from "../../emulator/index.js";
import { projectSettingsFor, type KmsTestbed, type loadSdk, type Vehicle } from "../../harness/kms-testbed.js";

export const ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";
/** The type the plugin provider records. */
export const PLUGIN_ROTATION_TYPE = "huaweicloud-kms:index:KeyRotation";

/** The recorded type of a KeyRotation of either vehicle. */
export function rotationType(vehicle: Vehicle): string {
  return vehicle === "dynamic" ? ROTATION_TYPE : PLUGIN_ROTATION_TYPE;
}

/** Operations that change a key's rotation; everything else only reads. */
export const MUTATING_OPERATIONS = ["enable-key-rotation", "disable-key-rotation", "update-key-rotation-interval"] as const;

/** Whether a logged request changes a rotation. */
export function isMutating(operation: string): boolean {
  return (MUTATING_OPERATIONS as readonly string[]).includes(operation);
}

/** A key id that is valid for KMS and says which suite and case it belongs to. */
export function keyIdFor(prefix: string, index: number): string {
  if (!/^[0-9a-z]{8}$/.test(prefix)) throw new Error(`key prefix must be 8 of [0-9a-z], got ${prefix}`);
  return `${prefix}-0000-4000-8000-${index.toString().padStart(12, "0")}`;
}

/**
 * A stack of the testbed's project whose CLI (and so provider) environment has `extraEnv` on top
 * of the testbed's; a value of `undefined` removes a variable the testbed would set.
 */
export function stackWithEnv(
  bed: KmsTestbed,
  name: string,
  program: PulumiFn,
  extraEnv: Record<string, string | undefined> = {},
  vehicle: Vehicle = "dynamic",
): Promise<Stack> {
  const envVars: Record<string, string> = { ...bed.envVars };
  for (const [k, v] of Object.entries(extraEnv)) {
    if (v === undefined) Reflect.deleteProperty(envVars, k);
    else envVars[k] = v;
  }
  return LocalWorkspace.createOrSelectStack(
    { stackName: name, projectName: "kms-faults", program },
    {
      pulumiCommand: bed.sandbox.pulumiCommand,
      envVars,
      workDir: bed.sandbox.workDir,
      ...(vehicle === "plugin" ? { projectSettings: projectSettingsFor("kms-faults", vehicle) } : {}),
    },
  );
}

/** A stack with one KeyRotation of `keyId` (created in the emulator), every 90 days; `extraEnv` as for {@link stackWithEnv}. */
export async function oneRotationStack(
  bed: KmsTestbed,
  KeyRotation: ReturnType<typeof loadSdk>["KeyRotation"],
  keyId: string,
  name: string,
  extraEnv: Record<string, string | undefined> = {},
): Promise<Stack> {
  await bed.admin.putKey(keyId);
  const program: PulumiFn = () => {
    new KeyRotation("key", { keyId, intervalDays: 90 });
    return Promise.resolve({});
  };
  return stackWithEnv(bed, name, program, extraEnv);
}

/**
 * Runs the sandbox's `pulumi` with the stack's environment, in the workspace, as a user would at a
 * terminal (the Automation API has no call for some commands, and exports with --show-secrets).
 */
export function pulumiCli(bed: KmsTestbed, stack: Stack, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      bed.sandbox.pulumiCommand.command,
      [...args, "--stack", stack.name, "--non-interactive"],
      { cwd: bed.sandbox.workDir, env: { ...process.env, ...stack.workspace.envVars }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A KeyRotation as the state file records it. */
export interface RecordedRotation {
  name: string;
  id: string;
  outputs: Record<string, unknown>;
}

interface StateResource {
  type: string;
  urn: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

interface Deployment {
  resources?: StateResource[];
  pending_operations?: unknown[];
}

/** The KeyRotations (of one vehicle) recorded in the stack's state, by key id. */
export async function recordedRotations(stack: Stack, vehicle: Vehicle = "dynamic"): Promise<Map<string, RecordedRotation>> {
  const state = await stack.exportStack();
  const resources = (state.deployment as Deployment).resources ?? [];
  const out = new Map<string, RecordedRotation>();
  for (const r of resources) {
    if (r.type !== rotationType(vehicle)) continue;
    const outputs = r.outputs ?? {};
    const keyId = typeof outputs.keyId === "string" ? outputs.keyId : (r.id ?? "");
    out.set(keyId, { name: r.urn.split("::").pop() ?? r.urn, id: r.id ?? "", outputs });
  }
  return out;
}

/** Pending operations the state holds (creates the CLI started and never saw finish). */
export async function pendingOperations(stack: Stack): Promise<unknown[]> {
  const state = await stack.exportStack();
  return (state.deployment as Deployment).pending_operations ?? [];
}

/**
 * What the state should say about a key, given what KMS holds: the rotation's switch, and its
 * interval while rotation is on (KMS applies none while it is off, so the recorded one is kept).
 */
export function agreesWithKms(recorded: Record<string, unknown>, key: AdminKey): { recorded: unknown; kms: unknown } {
  const fromState = {
    enabled: recorded.enabled,
    intervalDays: recorded.enabled === true ? recorded.intervalDays : "(off)",
    numberOfRotations: recorded.numberOfRotations,
  };
  const fromKms = {
    enabled: key.rotationEnabled,
    intervalDays: key.rotationEnabled ? key.rotationInterval : "(off)",
    numberOfRotations: key.numberOfRotations,
  };
  return { recorded: fromState, kms: fromKms };
}

/** The outcome of a CLI run that may fail; the error text is what the Automation API reports. */
export interface RunOutcome {
  ok: boolean;
  error: string;
}

export async function outcomeOf(p: Promise<unknown>): Promise<RunOutcome> {
  try {
    await p;
    return { ok: true, error: "" };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** A JavaScript stack frame ("    at fn (file.js:1:2)" or "    at file.js:1:2"). */
export const STACK_FRAME = /^\s+at (?:.+ \()?[^\s()]+:\d+:\d+\)?$/m;

/** Error diagnostics the engine reported, by resource name (the last URN segment). */
export function errorDiagnostics(): { onEvent: (e: EngineEvent) => void; byResource: Map<string, string[]>; all: string[] } {
  const byResource = new Map<string, string[]>();
  const all: string[] = [];
  return {
    byResource,
    all,
    onEvent: (e) => {
      const d = e.diagnosticEvent;
      if (!d) return;
      all.push(`${d.severity}: ${d.message}`);
      if (d.severity !== "error" || d.urn === undefined) return;
      const name = d.urn.split("::").pop() ?? d.urn;
      const list = byResource.get(name) ?? [];
      list.push(d.message);
      byResource.set(name, list);
    },
  };
}

/** "<status>[ <code>]" of one request, e.g. "200", "429 APIG.0308", "0" (dropped). */
export function answerOf(r: RequestLogEntry): string {
  return r.errorCode === undefined ? String(r.status) : `${r.status} ${r.errorCode}`;
}

/** The `sequence` a request carried (the client keeps one per logical call across retries). */
export function sequenceOf(r: RequestLogEntry): string | undefined {
  const body = r.body as { sequence?: unknown } | undefined;
  return typeof body?.sequence === "string" ? body.sequence : undefined;
}

/**
 * The request log once every answered-late request (latency faults outlive the client's timeout)
 * has been answered. Requests dropped by a reset keep status 0: `dropped` says how many to expect.
 */
export async function settledRequests(admin: EmulatorAdmin, dropped: number, waitMs = 10_000): Promise<RequestLogEntry[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const log = await admin.requests();
    const open = log.filter((r) => r.status === 0).length;
    if (open <= dropped || Date.now() > until) return log;
    await sleep(50);
  }
}
