// Faults and secrets on the plugin vehicle (pulumi-resource-huaweicloud-kms started by the real
// CLI from the installed package's folder), against the emulator:
// - a representative row of the fault matrix (test/faults/fault-matrix.ts) for create, update,
//   delete and refresh: a transient fault (503 twice), a call that landed and was answered 500
//   (afterApply), a dropped connection after the call landed, and a permanent fault (503 always),
//   each on its own key in one run per operation, asserted with the matrix's own checks (calls
//   compared exactly, each change applied once, one clear line naming the code and the key, the
//   state equal to KMS after a refresh, the next run converging with the fewest calls); plus a
//   permanent KMS refusal (400, not retried);
// - the secret scan: distinctive AK/SK as stack-config secrets and, in a second stack, from the
//   environment, through up/refresh/export/destroy with the provider's debug lines and the
//   engine's -v=9 log, searched for in every output, engine event, export and backend file.
import type { EngineEvent, UpOptions } from "@pulumi/pulumi/automation";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminKey } from "../../emulator/index.js";
import { loadPluginSdk, TEST_PROJECT_ID, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { FAULT_CASES, assertCase, assertConverged, failureOf, runMatrix, type FaultCase, type MatrixRun } from "../faults/fault-matrix.js";
import {
  STACK_FRAME,
  agreesWithKms,
  answerOf,
  errorDiagnostics,
  keyIdFor,
  outcomeOf,
  pulumiCli,
  recordedRotations,
  stackWithEnv,
} from "../faults/fault-support.js";


/** The representative faults: transient, landed-then-500, landed-then-dropped, permanent. */
const CASE_IDS = ["503-twice", "500-after-apply", "reset-after", "503-always"] as const;
const CASES: readonly FaultCase[] = CASE_IDS.map((id) => {
  const c = FAULT_CASES.find((f) => f.id === id);
  if (!c) throw new Error(`no fault case ${id}`);
  return c;
});

describe.each(["create", "update", "delete", "refresh"] as const)("plugin provider: %s under faults", (op) => {
  let bed: KmsTestbed;
  let run: MatrixRun;

  beforeAll(async () => {
    bed = await startKmsTestbed();
    run = await runMatrix(bed, op, { vehicle: "plugin", cases: CASES });
  });
  afterAll(async () => {
    await run.dispose();
    await bed.dispose();
  });

  it("the run fails only for the permanent fault, and the clean refresh after it changes nothing in KMS", () => {
    const permanent = CASES.filter((c) => failureOf(op, c) !== undefined).length;
    expect(run.outcome.ok, run.diagnostics.join("\n")).toBe(permanent === 0);
    expect(run.refresh).toEqual({ ok: true, error: "" });
    expect(run.refreshMutations).toEqual([]);
    expect(run.converge).toEqual({ ok: true, error: "" });
  });

  it.each(CASES.map((c) => [c.id, c] as const))(`plugin ${op} × %s`, (_id, c) => {
    assertCase(run, c);
    assertConverged(run, c);
  });
});

describe("plugin provider: a permanent KMS refusal", () => {
  let bed: KmsTestbed;
  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("fails the create in one line naming the code and the key, after one request, with nothing recorded", async () => {
    const { KeyRotation } = loadPluginSdk();
    const keyId = keyIdFor("4e7f5a11", 0);
    await bed.admin.putKey(keyId);
    const stack = await stackWithEnv(
      bed,
      "refusal",
      () => {
        new KeyRotation("refused", { keyId, intervalDays: 90 });
        return Promise.resolve({});
      },
      {},
      "plugin",
    );
    await bed.admin.addFault({ kind: "status", status: 400, errorCode: "KMS.0209", errorMsg: "the key is disabled", operation: "enable-key-rotation", keyId });
    await bed.admin.clearRequests();
    const diag = errorDiagnostics();
    const outcome = await outcomeOf(stack.up({ onEvent: diag.onEvent }));
    expect(outcome.ok).toBe(false);
    const errors = diag.byResource.get("refused") ?? [];
    expect(errors, diag.all.join("\n")).toHaveLength(1);
    const text = (errors[0] ?? "").trim();
    expect(text).not.toContain("\n");
    expect(text).toContain("KMS.0209");
    expect(text).toContain(keyId);
    expect(text).not.toMatch(STACK_FRAME);
    console.log(`plugin refusal line: ${text}`);
    const calls = (await bed.admin.requests()).map((r) => `${r.operation} ${answerOf(r)}`);
    expect(calls).toEqual(["get-key-rotation-status 200", "enable-key-rotation 400 KMS.0209"]);
    expect(await recordedRotations(stack, "plugin")).toEqual(new Map());
    expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: false });
  });
});

describe("plugin provider: secrets leak nowhere", () => {
  /** Every value here is a credential; none may appear in any output or file. */
  const SECRET = {
    configAccessKey: "AKPLUGINCFGCANARY4K7M",
    configSecretKey: "sk-plugin-cfg-canary-91d3e0aa",
    envAccessKey: "AKPLUGINENVCANARY2P9Q",
    envSecretKey: "sk-plugin-env-canary-6c5b7f10",
  } as const;
  const NO_SETTINGS = { HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined, HW_KMS_ENDPOINT: undefined, HW_PROJECT_ID: undefined };
  let bed: KmsTestbed;
  const seen = { output: [] as string[], stderr: [] as string[], events: [] as string[], exported: [] as string[] };
  const verbose: UpOptions = {
    onOutput: (s) => seen.output.push(s),
    onError: (s) => seen.stderr.push(s),
    onEvent: (e: EngineEvent) => seen.events.push(JSON.stringify(e)),
    logToStdErr: true,
    logVerbosity: 9,
    debug: true,
  };

  beforeAll(async () => {
    bed = await startKmsTestbed({
      credentials: [
        { accessKey: SECRET.configAccessKey, secretKey: SECRET.configSecretKey },
        { accessKey: SECRET.envAccessKey, secretKey: SECRET.envSecretKey },
      ],
    });
  });
  afterAll(async () => {
    await bed.dispose();
  });

  async function lifecycle(name: string, env: Record<string, string | undefined>, config: Record<string, { value: string; secret?: boolean }>) {
    const { KeyRotation } = loadPluginSdk();
    const keyId = keyIdFor("5ec7e701", name === "config-keys" ? 0 : 1);
    await bed.admin.putKey(keyId);
    const stack = await stackWithEnv(
      bed,
      name,
      () => {
        new KeyRotation("key", { keyId, intervalDays: 90 });
        return Promise.resolve({});
      },
      { ...NO_SETTINGS, PULUMI_KMS_DEBUG: "1", ...env },
      "plugin",
    );
    await stack.setAllConfig(config);
    await stack.up(verbose);
    expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    await stack.refresh(verbose);
    // What `pulumi stack export` gives a user (the Automation API's export adds --show-secrets).
    const exported = await pulumiCli(bed, stack, ["stack", "export"]);
    expect(exported.code).toBe(0);
    seen.exported.push(exported.stdout);
    const recorded = (await recordedRotations(stack, "plugin")).get(keyId);
    expect(recorded?.outputs).toMatchObject({ enabled: true, intervalDays: 90 });
    expect(agreesWithKms(recorded?.outputs ?? {}, (await bed.admin.getKey(keyId)) as AdminKey).recorded).toMatchObject({ enabled: true });
    await stack.destroy(verbose);
    expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: false });
  }

  it("1. AK/SK as stack-config secrets (huaweicloud-kms:accessKey/secretKey), nothing in the environment", async () => {
    await lifecycle(
      "config-keys",
      {},
      {
        "huaweicloud-kms:endpoint": { value: bed.emulator.url },
        "huaweicloud-kms:projectId": { value: TEST_PROJECT_ID },
        "huaweicloud-kms:accessKey": { value: SECRET.configAccessKey, secret: true },
        "huaweicloud-kms:secretKey": { value: SECRET.configSecretKey, secret: true },
      },
    );
  });

  it("2. AK/SK from the environment", async () => {
    await lifecycle(
      "env-keys",
      { HW_KMS_ENDPOINT: bed.emulator.url, HW_PROJECT_ID: TEST_PROJECT_ID, HW_ACCESS_KEY: SECRET.envAccessKey, HW_SECRET_KEY: SECRET.envSecretKey },
      {},
    );
  });

  it("3. no credential in the CLI output, the engine events, the exports or the backend's files; the -v=9 log as the engine writes it", () => {
    const files: string[] = [];
    for (const dir of [bed.sandbox.stateDir, bed.sandbox.workDir]) {
      for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (e.isFile()) files.push(`${join(e.parentPath, e.name)}\n${readFileSync(join(e.parentPath, e.name), "utf8")}`);
      }
    }
    const haystacks: Record<string, string> = {
      "CLI output": seen.output.join(""),
      "engine events": seen.events.join("\n"),
      "exported state (pulumi stack export)": seen.exported.join("\n"),
      "state and config files": files.join("\n"),
      "stderr (-v=9 engine log, provider stderr)": seen.stderr.join(""),
    };
    // The haystacks are real: each holds what it should.
    const all = Object.values(haystacks).join("\n");
    expect(all).toContain("kms enable-key-rotation key=");
    expect(all).toContain("kms disable-key-rotation key=");
    expect(haystacks["stderr (-v=9 engine log, provider stderr)"]).toMatch(/"v":9\}/);
    expect(seen.exported).toHaveLength(2);
    expect(files.some((f) => f.includes("Pulumi.config-keys.yaml") && f.includes("secure:")), "config secrets stored encrypted").toBe(true);
    const sizes = Object.fromEntries(Object.entries(haystacks).map(([k, v]) => [k, v.length]));
    console.log("plugin secrets haystacks (characters):", JSON.stringify(sizes));
    for (const [where, size] of Object.entries(sizes)) expect(size, where).toBeGreaterThan(1_000);

    const found: { name: string; where: string; line: string }[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, value] of Object.entries(SECRET)) {
        for (const line of text.split("\n")) if (line.includes(value)) found.push({ name, where, line });
      }
    }
    // The dynamic provider's known exception (test/faults/secrets.test.ts: CLI 3.260 traces at
    // -v=9 every property it marshals to a provider, so stack-config secrets show decrypted in the
    // Configure trace) is looked for here too. The plugin gets its config in CheckConfig and
    // Configure, secrets kept as secrets, and the CLI we test with (3.274.1) has no such trace at
    // all: its -v=9 log names the provider's inputs only as the planner's `accessKey:{[secret]}`.
    const engineTrace = /"msg":"Marshaling property for RPC\[Provider\[0x[0-9a-f]+\]\.(?:Check)?Configure\(\)[^"]*","v":9\}$/;
    const known = found.filter((f) => f.name.startsWith("config") && f.where.startsWith("stderr") && engineTrace.test(f.line));
    const leaks = found.filter((f) => !known.includes(f)).map((f) => `${f.name} in ${f.where}: ${f.line.slice(0, 300)}`);
    expect(leaks).toEqual([]);
    expect(
      known.map((f) => f.line.slice(0, 300)),
      "config secrets decrypted in the engine's own -v=9 Configure trace (none with CLI 3.274.1)",
    ).toEqual([]);
    const stderr = haystacks["stderr (-v=9 engine log, provider stderr)"] ?? "";
    expect(stderr).toMatch(/accessKey:\{\[secret\]\}/);
    expect(stderr).toMatch(/secretKey:\{\[secret\]\}/);
  });
});
