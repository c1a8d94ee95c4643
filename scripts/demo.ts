// `npm start`: the provider end to end against the bundled KMS emulator, no cloud and no
// credentials. Drives examples/basic through the real Pulumi CLI on a throwaway local backend:
// up → change the interval → refresh after an out-of-band change → up → discover the project's
// keys against a policy → destroy, printing what Pulumi (and discover) did and the exact KMS calls
// of each step. Exits non-zero if any step goes wrong.
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  emulatorAdmin,
  startEmulator,
  type EmulatorAdmin,
  type RequestLogEntry,
} from "../emulator/index.js";
import { ensurePulumiCli } from "../harness/pulumi-cli.js";
import { createPulumiSandbox } from "../harness/pulumi-env.js";
import { runCommand, type CommandResult } from "../harness/run-command.js";

const EXAMPLE = resolve(__dirname, "../examples/basic");
const DISCOVER = resolve(__dirname, "../dist/provider/adapters/cli/main.js");
const APP_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
// Other keys of the project, there to show that nothing but the declared key is touched.
const OTHER_KEYS = ["5b7a1c3e-2f4d-4e6a-8b9c-0a1b2c3d4e5f", "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"];

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function heading(n: number, title: string): void {
  console.log(`\n${bold(`${n}. ${title}`)}`);
}

function describeCall(r: RequestLogEntry): string {
  const body = r.body as { rotation_interval?: number; limit?: string; key_spec?: string } | undefined;
  const extra = body?.rotation_interval === undefined ? "" : ` rotation_interval=${body.rotation_interval}`;
  const outcome = r.status === 200 ? "200" : `${r.status} ${r.errorCode ?? ""}`;
  // list-keys is about no single key: show the page it asked for instead.
  const target = r.keyId === undefined ? `limit=${body?.limit ?? "-"} key_spec=${body?.key_spec ?? "-"}` : `key ${r.keyId}`;
  return `    POST ${r.operation.padEnd(29)} ${target}${extra}  → ${outcome}`;
}

/** Prints and returns the KMS calls made since the last step. */
async function kmsCalls(admin: EmulatorAdmin): Promise<RequestLogEntry[]> {
  const log = await admin.requests();
  await admin.clearRequests();
  console.log(`  KMS calls (${log.length}):`);
  if (log.length === 0) console.log("    none");
  for (const r of log) console.log(describeCall(r));
  return log;
}

function pulumiSteps(): { onEvent: (e: EngineEvent) => void; print: () => void } {
  const steps: string[] = [];
  return {
    onEvent: (e) => {
      const m = e.resOutputsEvent?.metadata;
      if (m && m.type.includes("KeyRotation")) {
        const before = m.old?.outputs ?? {};
        const after = m.new?.outputs ?? {};
        const changed = ["enabled", "intervalDays"]
          .filter((k) => m.old && m.new && before[k] !== after[k])
          .map((k) => `${k} ${String(before[k])} → ${String(after[k])}`);
        steps.push(`    ${m.op} ${m.urn.split("::").pop() ?? ""}${changed.length ? `: ${changed.join(", ")}` : ""}`);
      }
    },
    print: () => {
      console.log("  Pulumi:");
      console.log(steps.length ? steps.join("\n") : "    no changes");
    },
  };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`demo check failed: ${what}`);
  console.log(`  ✓ ${what}`);
}

async function recordedInterval(stack: Stack): Promise<unknown> {
  const state = await stack.exportStack();
  const resources = (state.deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] }).resources ?? [];
  return resources.find((r) => r.type.includes("KeyRotation"))?.outputs?.intervalDays;
}

/**
 * Runs `huaweicloud-kms discover` as a user would, printing its output indented. Asynchronous: the
 * emulator answers from this process's event loop.
 */
async function discover(env: Record<string, string>, args: readonly string[]): Promise<CommandResult> {
  const result = await runCommand(process.execPath, [DISCOVER, "discover", "--quiet", ...args], { env });
  process.stderr.write(result.stderr);
  console.log(result.stdout.trimEnd().replace(/^(?=.)/gm, "    "));
  return result;
}

async function main(): Promise<void> {
  console.log(bold("pulumi-huaweicloud-kms demo: examples/basic against the bundled KMS emulator"));
  const binDir = ensurePulumiCli();
  const emulator = await startEmulator({ port: 0 });
  const admin = emulatorAdmin(emulator.url);
  for (const id of [APP_KEY, ...OTHER_KEYS]) await admin.putKey(id);
  console.log(`KMS emulator on ${emulator.url} with ${1 + OTHER_KEYS.length} keys, rotation off on all of them`);

  const sandbox = await createPulumiSandbox({ prefix: "kms-demo-", binDir });
  const stackName = `demo-${process.pid}`;
  const envVars = {
    ...sandbox.envVars,
    HW_KMS_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_ACCESS_KEY: DEFAULT_ACCESS_KEY,
    HW_SECRET_KEY: DEFAULT_SECRET_KEY,
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir: EXAMPLE },
    { pulumiCommand: sandbox.pulumiCommand, envVars },
  );
  console.log(`Pulumi ${sandbox.pulumiCommand.version?.toString() ?? "?"}, stack ${stackName} on a temporary file:// backend`);

  try {
    await stack.setConfig("keyId", { value: APP_KEY });

    heading(1, "pulumi up: rotate the app key every 90 days");
    let steps = pulumiSteps();
    await stack.up({ onEvent: steps.onEvent });
    steps.print();
    let calls = await kmsCalls(admin);
    expect(calls.length === 3, "one read, one enable, one interval update");
    expect((await admin.getKey(APP_KEY))?.rotationInterval === 90, "KMS rotates the key every 90 days");

    heading(2, "pulumi config set intervalDays 30 && pulumi up");
    await stack.setConfig("intervalDays", { value: "30" });
    steps = pulumiSteps();
    await stack.up({ onEvent: steps.onEvent });
    steps.print();
    calls = await kmsCalls(admin);
    expect(calls.length === 1 && calls[0]?.operation === "update-key-rotation-interval", "exactly one call: the new interval");

    heading(3, "someone sets the interval to 200 days in the console; pulumi refresh");
    await admin.putKey(APP_KEY, { rotationInterval: 200 });
    await admin.clearRequests();
    steps = pulumiSteps();
    await stack.refresh({ onEvent: steps.onEvent });
    steps.print();
    calls = await kmsCalls(admin);
    expect(calls.length === 1, "one read per key");
    expect((await recordedInterval(stack)) === 200, "the state now shows the drift: intervalDays 30 → 200");

    heading(4, "pulumi up: back to what the program says");
    steps = pulumiSteps();
    await stack.up({ onEvent: steps.onEvent });
    steps.print();
    await kmsCalls(admin);
    expect((await admin.getKey(APP_KEY))?.rotationInterval === 30, "KMS is back at 30 days");

    heading(5, "npx huaweicloud-kms discover --max-interval 90: every key of the project against a policy");
    const report = await discover(envVars, ["--max-interval", "90"]);
    calls = await kmsCalls(admin);
    expect(/^\S+\s+\S+\s+enabled.*\scompliant$/m.test(report.stdout.split("\n").find((l) => l.startsWith(APP_KEY)) ?? ""), "the app key is compliant");
    expect(report.code === 1, "exit 1: the two other keys do not rotate");
    expect(calls.length === 2, "one list-keys page and one status read (the only rotating key)");

    heading(6, "pulumi destroy");
    steps = pulumiSteps();
    await stack.destroy({ onEvent: steps.onEvent });
    steps.print();
    await kmsCalls(admin);
    expect((await admin.getKey(APP_KEY))?.rotationEnabled === false, "rotation is off again");
    for (const id of OTHER_KEYS) {
      const key = await admin.getKey(id);
      expect(key?.rotationEnabled === false && key.numberOfRotations === 0, `key ${id} was never touched`);
    }
    console.log(`\n${bold("demo passed")}`);
  } finally {
    await stack.workspace.removeStack(stackName).catch(() => undefined);
    rmSync(join(EXAMPLE, `Pulumi.${stackName}.yaml`), { force: true });
    sandbox.dispose();
    await emulator.close();
  }
}

main().catch((e: unknown) => {
  console.error(`\n${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
