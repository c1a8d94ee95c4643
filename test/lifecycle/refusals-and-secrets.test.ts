// What a user sees when input is bad or KMS says no, and proof that credentials leak nowhere.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  loadSdk,
  startKmsTestbed,
  type KmsTestbed,
} from "../../harness/kms-testbed.js";

const KEY = "f0f0f0f0-0000-4000-8000-000000000011";
const ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";

describe("refusals and secrets", () => {
  let bed: KmsTestbed;
  const { KeyRotation } = loadSdk();
  /** Everything the CLI printed in this file, to search for credentials at the end. */
  const printed: string[] = [];
  const onOutput = (s: string): void => {
    printed.push(s);
  };

  function oneRotation(name: string, args: Record<string, unknown>) {
    return bed.stack(name, () => {
      new KeyRotation("key", { keyId: KEY, ...args });
      return Promise.resolve({});
    });
  }

  async function failureOf(p: Promise<unknown>): Promise<string> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, "the operation should have failed").toBeDefined();
    const text = String(err);
    printed.push(text);
    return text;
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  beforeEach(async () => {
    await bed.admin.reset();
    await bed.admin.putKey(KEY);
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it.each([
    [{ intervalDays: 400 }, "intervalDays 400 is out of range: use a whole number of days from 30 to 365"],
    [{ intervalDays: 29.5 }, "intervalDays 29.5 is not a whole number"],
    [{ keyId: "not-a-key" }, 'keyId "not-a-key" is not a KMS key id'],
    [{ enabled: "maybe" }, 'enabled must be true or false; got "maybe"'],
  ])("10. preview of %j fails with the property, value and rule, and KMS sees zero requests", async (args, text) => {
    const stack = await oneRotation("invalid", args);
    const message = await failureOf(stack.preview({ onOutput }));
    expect(message).toContain(text);
    expect(await bed.admin.requests()).toEqual([]);
  });

  it.each([
    ["a disabled key", { keyState: "3" }, "KMS.0209"],
    ["a key with imported material", { origin: "external" }, "KMS.0312"],
    ["a Default Master Key", { defaultKeyFlag: "1" }, "KMS.0211"],
  ] as const)("11. %s: up fails with the KMS code, and state agrees with KMS after refresh", async (_name, patch, code) => {
    await bed.admin.putKey(KEY, patch);
    const stack = await oneRotation("refused", { intervalDays: 90 });
    const message = await failureOf(stack.up({ onOutput }));
    expect(message).toContain(code);
    expect(message).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // one line for the user, no stack trace

    await stack.refresh({ onOutput });
    const state = await stack.exportStack();
    const rotations = ((state.deployment as { resources?: { type: string }[] }).resources ?? []).filter(
      (r) => r.type === ROTATION_TYPE,
    );
    expect(rotations).toEqual([]);
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: false });
    await stack.destroy({ onOutput });
  });

  it("11b. a permission refusal (403) names the code and what to do; the recorded rotation stays as KMS has it", async () => {
    const stack = await oneRotation("forbidden", { intervalDays: 90 });
    await stack.up({ onOutput });
    await bed.admin.addFault({ operation: "update-key-rotation-interval", kind: "status", status: 403, errorCode: "KMS.0306" });
    const message = await failureOf((await oneRotation("forbidden", { intervalDays: 45 })).up({ onOutput }));
    expect(message).toContain("KMS.0306");
    expect(message).toMatch(/permission/i);
    await bed.admin.clearFaults();

    await stack.refresh({ onOutput });
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
    const state = await stack.exportStack();
    const rotation = ((state.deployment as { resources?: { type: string; outputs: Record<string, unknown> }[] }).resources ?? []).find(
      (r) => r.type === ROTATION_TYPE,
    );
    expect(rotation?.outputs).toMatchObject({ enabled: true, intervalDays: 90 });
    await stack.destroy({ onOutput });
  });

  it("13. no credential value appears in the exported state, the state files or any CLI output", async () => {
    const stack = await oneRotation("secrets", { intervalDays: 90 });
    await stack.up({ onOutput });
    await stack.refresh({ onOutput });
    const exported = JSON.stringify(await stack.exportStack());
    await stack.destroy({ onOutput });

    const stateFiles: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else stateFiles.push(readFileSync(path, "utf8"));
      }
    };
    walk(bed.sandbox.stateDir);

    const haystacks = { exported, stateFiles: stateFiles.join("\n"), output: printed.join("\n") };
    expect(printed.length).toBeGreaterThan(10);
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(TEST_SECRET_KEY), `secret key in ${where}`).toBe(false);
      expect(text.includes(TEST_ACCESS_KEY), `access key in ${where}`).toBe(false);
    }
  });
});
