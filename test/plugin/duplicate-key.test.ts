// A key declared by two KeyRotation resources, in a Python and in a YAML program on the plugin
// provider, run by the real CLI against the emulator: preview fails on the one-line refusal that
// names both resources and the key, with no KMS write and no traceback. YAML prints that line
// alone. Python adds the one line its SDK prints when the engine stops a run under it ("Resource
// monitor has terminated, shutting down"): without the provider's wait for the program in Cancel
// (program-exit.ts), the language host would interrupt the program on its way out, and about a
// hundred lines of asyncio and gRPC traceback would come instead, or with it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duplicateKeyMessage } from "../../provider/resources/key-rotation/one-owner.js";
import { installedPackageDir } from "../../harness/installed-package.js";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { pythonVenv, usePythonVenv } from "../../harness/python-venv.js";

const KEY = "d0d0d0d0-0000-4000-8000-0000000000d1";
const TYPE = "huaweicloud-kms:index:KeyRotation";
/**
 * The Python stack also manages other keys, as the one that met this did: their registrations are
 * still open when the engine stops, and the program, answering each, takes long enough to exit that
 * without the wait it is interrupted every time (~150 lines of traceback); with two resources only,
 * about one run in four.
 */
const OTHER_KEYS = 20;
const OTHER_KEY_PREFIX = "e0e0e0e0-0000-4000-8000-";
/** What the Python SDK prints (as an error of the stack) when the engine stops while the program runs. */
const PYTHON_RUN_ERROR = "Resource monitor has terminated, shutting down";

/** The refusal as the engine prints it, for either order (the engine checks the resources concurrently). */
const refusal = new RegExp(
  `^${TYPE} resource '(payments|ledger)': property keyId value \\{${KEY}\\} has a problem: (` +
    [duplicateKeyMessage(KEY, ["payments", "ledger"]), duplicateKeyMessage(KEY, ["ledger", "payments"])]
      .map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|") +
    ")$",
);

interface Run {
  /** "<severity>: <message>" of every diagnostic. */
  diagnostics: string[];
  /** Everything the CLI printed. */
  output: string;
}

/** A preview that must fail; what the CLI reported. */
async function failingPreview(stack: Stack): Promise<Run> {
  const diagnostics: string[] = [];
  let output = "";
  const onEvent = (e: EngineEvent): void => {
    if (e.diagnosticEvent) diagnostics.push(`${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message.trim()}`);
  };
  await expect(stack.preview({ onEvent, onOutput: (s) => (output += s) })).rejects.toThrow(/both manage key/);
  return { diagnostics, output };
}

describe("a key declared twice, in Python and YAML programs on the plugin provider", () => {
  let bed: KmsTestbed;
  let dir: string;

  function project(name: string, files: Record<string, string>): string {
    const path = join(dir, name);
    mkdirSync(path);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
    return path;
  }

  const header = (name: string, runtime: string): string =>
    `name: ${name}\nruntime: ${runtime}\npackages:\n  huaweicloud-kms: ${installedPackageDir()}\n`;

  async function writes(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    // A preview of a create reads its key (describe-key); anything else would be a write.
    return log.map((r) => r.operation).filter((op) => op !== "describe-key");
  }

  beforeAll(async () => {
    const venvBin = pythonVenv();
    bed = await startKmsTestbed();
    usePythonVenv(bed.envVars, venvBin);
    await bed.admin.putKey(KEY);
    for (let i = 0; i < OTHER_KEYS; i++) await bed.admin.putKey(`${OTHER_KEY_PREFIX}${String(i).padStart(12, "0")}`);
    dir = mkdtempSync(join(tmpdir(), "kms-duplicate-key-"));
  }, 600_000);
  afterAll(async () => {
    await bed.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Python: preview fails on the refusal and the SDK's one line, with no traceback and no write", async () => {
    const path = project("python", {
      "Pulumi.yaml": header("kms-duplicate-python", "python"),
      "__main__.py": [
        "import pulumi",
        "import pulumi_huaweicloud_kms as kms",
        `payments = kms.KeyRotation("payments", key_id="${KEY}", interval_days=50)`,
        `ledger = kms.KeyRotation("ledger", key_id="${KEY}", interval_days=100)`,
        'pulumi.export("paymentsEnabled", payments.enabled)',
        'pulumi.export("ledgerEnabled", ledger.enabled)',
        `for i in range(${OTHER_KEYS}):`,
        `    kms.KeyRotation(f"other-{i}", key_id=f"${OTHER_KEY_PREFIX}{i:012d}", interval_days=90)`,
        "",
      ].join("\n"),
    });
    const run = await failingPreview(await bed.projectStack("python", path));
    expect(run.output).not.toMatch(/Traceback|KeyboardInterrupt|grpc/);
    const errors = run.diagnostics.filter((d) => d.startsWith("error"));
    expect(errors).toHaveLength(2);
    expect(errors).toContain(`error: ${PYTHON_RUN_ERROR}`);
    expect(errors.find((e) => e !== `error: ${PYTHON_RUN_ERROR}`)?.replace(/^error: /, "")).toMatch(refusal);
    // The SDK also logs the gRPC error's stack at debug level, which the CLI shows only with --debug.
    expect(run.diagnostics.filter((d) => !d.startsWith("debug")).join("\n")).not.toMatch(/Traceback|KeyboardInterrupt/);
    expect(await writes()).toEqual([]);
  });

  it("YAML: preview fails on the refusal alone, with no write", async () => {
    const resource = (name: string, interval: number): string =>
      `  ${name}:\n    type: ${TYPE}\n    properties:\n      keyId: ${KEY}\n      intervalDays: ${interval}\n`;
    const path = project("yaml", {
      "Pulumi.yaml": `${header("kms-duplicate-yaml", "yaml")}resources:\n${resource("payments", 50)}${resource("ledger", 100)}`,
    });
    const run = await failingPreview(await bed.projectStack("yaml", path));
    const errors = run.diagnostics.filter((d) => d.startsWith("error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.replace(/^error: /, "")).toMatch(refusal);
    expect(await writes()).toEqual([]);
  });
});
