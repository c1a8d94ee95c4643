// The lifecycle every example program of the plugin provider goes through, whatever its language
// (examples/yaml-rotation, examples/python-rotation: one KeyRotation "app-key" of config `keyId`,
// `intervalDays` default 90, exporting rotationEnabled and rotationIntervalDays): up, a preview
// with no changes, an interval change that is exactly one request, a refresh after drift, then
// (when the suite asks for it) `pulumi import` of a second key as a user types it, and destroy.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { expect, it } from "vitest";
import { takeCalls, type KmsTestbed } from "../../harness/kms-testbed.js";
import type { CommandResult } from "../../harness/run-command.js";

/** The key every example is pointed at. */
export const EXAMPLE_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
/** A key whose rotation (on, every 180 days) is imported into the example's stack. */
export const IMPORTED_KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a380";
const TYPE = "huaweicloud-kms:index:KeyRotation";

/** `pulumi import` between refresh and destroy, run with the `pulumi` command in the project's folder. */
export interface ImportStep {
  /** Runs `pulumi <args>` in the project's folder, with the suite's environment. */
  pulumi(args: readonly string[]): Promise<CommandResult>;
  /**
   * For a language host that generates code: adds the code `pulumi import` printed to the program
   * (which then previews with no change to the imported resource). Without it the import runs with
   * --generate-code=false, as the docs say for that language.
   */
  addToProgram?: (code: string) => void;
}

export interface LifecycleOptions {
  importStep?: ImportStep;
}

/** The code `pulumi import` printed after its request to copy it into the program. */
export function printedCode(stdout: string): string {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Please copy the following code into your Pulumi application"));
  if (start < 0) throw new Error(`pulumi import printed no code:\n${stdout}`);
  // The request is a paragraph; the code follows the blank line after it.
  const blank = lines.findIndex((l, i) => i > start && l.trim() === "");
  return `${lines.slice(blank + 1).join("\n").trim()}\n`;
}

/** Registers the lifecycle's tests; `current` gives the suite's testbed and example stack once set up. */
export function exampleLifecycle(current: () => { bed: KmsTestbed; stack: Stack }, options: LifecycleOptions = {}): void {
  const calls = (): Promise<string[]> => takeCalls(current().bed);
  const { importStep } = options;

  it("up rotates the key every 90 days with read + enable + interval", async () => {
    const { bed, stack } = current();
    const up = await stack.up();
    expect(up.outputs.rotationIntervalDays?.value).toBe(90);
    expect(up.outputs.rotationEnabled?.value).toBe(true);
    expect(await calls()).toEqual(["get-key-rotation-status", "enable-key-rotation", "update-key-rotation-interval 90"]);
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
  });

  it("a preview then shows no changes and calls KMS zero times", async () => {
    await current().stack.preview({ expectNoChanges: true });
    expect(await calls()).toEqual([]);
  });

  it("an interval change is exactly one update-key-rotation-interval", async () => {
    const { stack } = current();
    await stack.setConfig("intervalDays", { value: "30" });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs.rotationIntervalDays?.value).toBe(30);
    expect(await calls()).toEqual(["update-key-rotation-interval 30"]);
  });

  it("refresh after drift records what KMS holds", async () => {
    const { bed, stack } = current();
    await bed.admin.putKey(EXAMPLE_KEY, { rotationInterval: 200 });
    await stack.refresh();
    expect(await calls()).toEqual(["get-key-rotation-status"]);
    const state = (await stack.exportStack()).deployment as { resources?: { type: string; outputs?: { intervalDays?: number } }[] };
    expect(state.resources?.find((r) => r.type === "huaweicloud-kms:index:KeyRotation")?.outputs?.intervalDays).toBe(200);
    expect((await stack.outputs()).rotationIntervalDays?.value).toBe(30);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    await calls();
  });

  if (importStep !== undefined) {
    const generates = importStep.addToProgram !== undefined;
    it(`\`pulumi import\` of a second key exits 0, reading it and writing nothing${generates ? "; the printed code, added to the program, previews with no change to it" : " (--generate-code=false)"}`, async () => {
      const { bed, stack } = current();
      await bed.admin.putKey(IMPORTED_KEY, { rotationEnabled: true, rotationInterval: 180 });
      await calls();
      const args = ["import", TYPE, "imported-key", IMPORTED_KEY, "--stack", stack.name, "--yes", "--protect=false"];
      const result = await importStep.pulumi([...args, ...(generates ? [] : ["--generate-code=false"]), "--non-interactive", "--color", "never"]);
      const output = `${result.stdout}${result.stderr}`;
      expect(result.code, output).toBe(0);
      expect(result.stdout).toMatch(/= 1 imported/);
      expect(output).not.toMatch(/error|GenerateProgram/i);
      // Its preview and then the import each read the key and its rotation; nothing is written.
      expect((await calls()).sort()).toEqual(["describe-key", "describe-key", "get-key-rotation-status", "get-key-rotation-status"]);
      const state = (await stack.exportStack()).deployment as { resources?: { urn: string; protect?: boolean; outputs?: { intervalDays?: number } }[] };
      const imported = state.resources?.find((r) => r.urn.endsWith("::imported-key"));
      expect(imported).toMatchObject({ outputs: { intervalDays: 180 } });
      expect(imported?.protect ?? false).toBe(false);
      if (importStep.addToProgram === undefined) return;

      const code = printedCode(result.stdout);
      expect(code).toContain(IMPORTED_KEY);
      importStep.addToProgram(code);
      const steps = new Map<string, string>();
      const onEvent = (e: EngineEvent): void => {
        const meta = e.resourcePreEvent?.metadata;
        if (meta !== undefined) steps.set(meta.urn.split("::").pop() ?? meta.urn, meta.op);
      };
      const preview = await stack.preview({ onEvent });
      expect(steps.get("imported-key")).toBe("same");
      // The example's own key still differs from KMS since the drift above, and nothing else does.
      expect(preview.changeSummary).toMatchObject({ update: 1 });
      expect(preview.changeSummary).not.toHaveProperty("create");
      expect(preview.changeSummary).not.toHaveProperty("delete");
      await calls();
    });
  }

  it(`destroy turns rotation off${importStep === undefined ? "" : ", of the imported key too"}`, async () => {
    const { bed, stack } = current();
    await stack.destroy();
    if (importStep === undefined) {
      expect(await calls()).toEqual(["disable-key-rotation"]);
    } else {
      expect(await calls()).toEqual(["disable-key-rotation", "disable-key-rotation"]);
      expect(await bed.admin.getKey(IMPORTED_KEY)).toMatchObject({ rotationEnabled: false });
    }
    expect(await bed.admin.getKey(EXAMPLE_KEY)).toMatchObject({ rotationEnabled: false });
  });
}
