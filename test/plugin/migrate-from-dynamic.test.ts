// Moving a stack from the dynamic KeyRotation to the plugin provider without touching KMS,
// through the real CLI against the emulator (docs/plugin-provider.md, "Moving a stack from the dynamic
// KeyRotation to the plugin"): the program switches to the plugin class with an alias from the
// old type, and the engine, seeing the same URNs under another default provider whose
// DiffConfig asks for no replacement, keeps every rotation as it is (no create, no delete, so the
// dynamic provider's delete, which would turn rotation off, never runs). A refresh then reads each
// key once and records the plugin's outputs (the dynamic provider's serialized `__provider`
// leaves the state).
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminKey } from "../../emulator/index.js";
import { opsRecorder } from "../../harness/engine-events.js";
import { installedPackageRoot } from "../../harness/installed-package.js";
import { projectSettingsFor, loadSdk, startKmsTestbed, testbedStackConfig, type KmsTestbed } from "../../harness/kms-testbed.js";
import { ROTATION_TYPE as DYNAMIC_TYPE, agreesWithKms, isMutating } from "../faults/fault-support.js";

const PLUGIN_TYPE = "huaweicloud-kms:index:KeyRotation";

type PluginSdk = typeof import("../../sdk/plugin.js");

/**
 * Three rotations: on every 90 days (with customTimeouts, which the dynamic class forwards as a
 * hidden input), off (interval kept), and on every 180 days as configured by hand and adopted
 * with `import` (the dynamic class's adopting create, `adopt: true` in its inputs).
 */
const SPECS = {
  orders: { keyId: "0a0a0a0a-0000-4000-8000-00000000000a", enabled: true, intervalDays: 90 },
  billing: { keyId: "0b0b0b0b-0000-4000-8000-00000000000b", enabled: false, intervalDays: 90 },
  audit: { keyId: "0c0c0c0c-0000-4000-8000-00000000000c", enabled: true, intervalDays: 180 },
};
type Name = keyof typeof SPECS;
const NAMES = Object.keys(SPECS) as Name[];
const SHORT: Record<string, string> = Object.fromEntries(NAMES.map((n) => [SPECS[n].keyId, n]));

/** What the program declares at each step. */
type Mode = "dynamic" | "plugin-with-alias" | "plugin";

interface StateResource {
  type: string;
  urn: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

describe("moving a stack from the dynamic KeyRotation to the plugin provider", () => {
  let bed: KmsTestbed;
  let stack: Stack;
  let mode: Mode = "dynamic";
  const specs: Record<Name, { keyId: string; enabled: boolean; intervalDays: number }> = structuredClone(SPECS);
  let kmsBefore: AdminKey[] = [];

  /** The KMS requests since the last call, as "<operation> <resource name>[ <interval>]". */
  async function calls(): Promise<string[]> {
    const log = await bed.admin.requests();
    await bed.admin.clearRequests();
    return log
      .map((r) => {
        const body = r.body as { rotation_interval?: number } | undefined;
        const interval = body?.rotation_interval === undefined ? "" : ` ${body.rotation_interval}`;
        return `${r.operation} ${SHORT[r.keyId ?? ""] ?? r.keyId ?? "-"}${interval}`;
      })
      .sort();
  }

  async function resources(): Promise<StateResource[]> {
    return ((await stack.exportStack()).deployment as { resources?: StateResource[] }).resources ?? [];
  }

  async function kms(): Promise<AdminKey[]> {
    return (await bed.admin.listKeys()).sort((a, b) => a.keyId.localeCompare(b.keyId));
  }

  beforeAll(async () => {
    bed = await startKmsTestbed();
    for (const { keyId } of Object.values(SPECS)) await bed.admin.putKey(keyId);
    await bed.admin.putKey(SPECS.audit.keyId, { rotationEnabled: true, rotationInterval: 180 });
    const dynamic = loadSdk();
    const plugin = createRequire(join(installedPackageRoot(), "program.js"))("pulumi-huaweicloud-kms/plugin") as PluginSdk;
    // Both vehicles take their settings from the same stack config (`huaweicloud-kms:*`, the
    // credentials as secrets), as a user's stack would have them: none from the environment.
    const SETTINGS_ENV = new Set(["HW_KMS_ENDPOINT", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY"]);
    const envVars = Object.fromEntries(Object.entries(bed.envVars).filter(([k]) => !SETTINGS_ENV.has(k)));
    const project = projectSettingsFor("kms-migrate", "plugin");
    stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: "migrate",
        projectName: "kms-migrate",
        program: () => {
          for (const name of NAMES) {
            const spec = specs[name];
            const opts = name === "orders" ? { customTimeouts: { update: "5m" } } : {};
            if (mode === "dynamic") new dynamic.KeyRotation(name, spec, name === "audit" ? { import: spec.keyId } : opts);
            // The switch: the plugin's class, the same names, and an alias from the old type.
            else if (mode === "plugin-with-alias") new plugin.KeyRotation(name, spec, { ...opts, aliases: [{ type: DYNAMIC_TYPE }] });
            else new plugin.KeyRotation(name, spec, opts);
          }
          return Promise.resolve({});
        },
      },
      { pulumiCommand: bed.sandbox.pulumiCommand, envVars, workDir: bed.sandbox.workDir, projectSettings: project },
    );
    await stack.setAllConfig(testbedStackConfig(bed));
  });
  afterAll(async () => {
    await bed.dispose();
  });

  it("the stack starts with three dynamic KeyRotations", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    expect(await calls()).toEqual([
      "enable-key-rotation orders",
      "get-key-rotation-status audit",
      "get-key-rotation-status billing",
      "get-key-rotation-status orders",
      "update-key-rotation-interval orders 90",
    ]);
    const dynamicInputs = (await resources()).filter((r) => r.type === DYNAMIC_TYPE).map((r) => r.inputs ?? {});
    expect(dynamicInputs.some((i) => i.adopt === true)).toBe(true);
    expect(dynamicInputs.some((i) => Object.keys(i).some((k) => k.startsWith("__") && k !== "__provider"))).toBe(true);
    const types = (await resources()).map((r) => r.type).sort();
    expect(types).toEqual([DYNAMIC_TYPE, DYNAMIC_TYPE, DYNAMIC_TYPE, "pulumi:providers:pulumi-nodejs", "pulumi:pulumi:Stack"]);
    kmsBefore = await kms();
    expect(kmsBefore.map((k) => [k.rotationEnabled, k.rotationInterval])).toEqual([
      [true, 90],
      [false, 365],
      [true, 180],
    ]);
  });

  it("step 1: the program switches to the plugin class with an alias; preview and up change nothing and make no KMS request", async () => {
    mode = "plugin-with-alias";
    const preview = await stack.preview({ expectNoChanges: true, diff: true });
    expect(preview.changeSummary).toEqual({ same: 4 });
    expect(await calls()).toEqual([]);

    const ops = opsRecorder();
    const up = await stack.up({ expectNoChanges: true, onEvent: ops.onEvent });
    // No create, replace or delete of a rotation: the dynamic provider's delete never runs.
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(ops.ops).toEqual([]);
    expect(await calls()).toEqual([]);
    expect(await kms()).toEqual(kmsBefore);

    const state = await resources();
    expect(state.map((r) => r.type).sort()).toEqual([PLUGIN_TYPE, PLUGIN_TYPE, PLUGIN_TYPE, "pulumi:providers:huaweicloud-kms", "pulumi:pulumi:Stack"]);
    for (const r of state.filter((s) => s.type === PLUGIN_TYPE)) {
      const name = r.urn.split("::").pop() as Name;
      expect(r.urn).toBe(`urn:pulumi:migrate::kms-migrate::${PLUGIN_TYPE}::${name}`);
      expect(r.id).toBe(SPECS[name].keyId);
      expect(r.inputs).toEqual(SPECS[name]);
    }
    // The engine keeps the outputs of an unchanged resource: the dynamic provider's serialized
    // provider is still among them until the plugin first reads or changes the rotation.
    expect(JSON.stringify(state)).toContain("__provider");
  });

  it("step 2: refresh reads each key once, writes nothing, changes nothing, and leaves no __provider", async () => {
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
    expect(await calls()).toEqual(["get-key-rotation-status audit", "get-key-rotation-status billing", "get-key-rotation-status orders"]);
    expect(await kms()).toEqual(kmsBefore);

    const state = await resources();
    expect(JSON.stringify(state)).not.toContain("__provider");
    expect(state.map((r) => r.type).sort()).toEqual([PLUGIN_TYPE, PLUGIN_TYPE, PLUGIN_TYPE, "pulumi:providers:huaweicloud-kms", "pulumi:pulumi:Stack"]);
    const byKey = new Map(kmsBefore.map((k) => [k.keyId, k]));
    for (const r of state.filter((s) => s.type === PLUGIN_TYPE)) {
      const name = r.urn.split("::").pop() as Name;
      expect(r.outputs).toEqual({ ...SPECS[name], numberOfRotations: 0 });
      const a = agreesWithKms(r.outputs ?? {}, byKey.get(SPECS[name].keyId) as AdminKey);
      expect(a.recorded).toEqual(a.kms);
    }
  });

  it("afterwards: preview shows no changes, refresh changes nothing, and the alias can go", async () => {
    await stack.preview({ expectNoChanges: true });
    expect(await calls()).toEqual([]);
    const refresh = await stack.refresh({ expectNoChanges: true });
    expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
    expect((await calls()).every((c) => c.startsWith("get-key-rotation-status "))).toBe(true);

    mode = "plugin";
    await stack.preview({ expectNoChanges: true });
    const up = await stack.up({ expectNoChanges: true });
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(await calls()).toEqual([]);
    expect(await kms()).toEqual(kmsBefore);
  });

  it("the plugin now manages the rotations: an interval change is one request, destroy turns rotation off", async () => {
    specs.orders = { ...specs.orders, intervalDays: 30 };
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(await calls()).toEqual(["update-key-rotation-interval orders 30"]);
    expect(await bed.admin.getKey(SPECS.orders.keyId)).toMatchObject({ rotationEnabled: true, rotationInterval: 30 });

    await stack.destroy();
    const destroyCalls = await calls();
    expect(destroyCalls).toEqual(["disable-key-rotation audit", "disable-key-rotation orders"]);
    expect(destroyCalls.filter((c) => isMutating(c.split(" ")[0] ?? ""))).toHaveLength(2);
    for (const { keyId } of Object.values(SPECS)) expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: false });
  });
});
