// What every KeyRotation stores as its provider (`__provider`), for both ways a program can reach
// the package: installed under node_modules (the normal case) and linked (npm link, workspaces).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";

const KEY = "5e5e5e5e-0000-4000-8000-000000000005";

interface StateResource {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

describe("serialized provider", () => {
  let bed: KmsTestbed;

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  async function lifecycle(layout: "installed" | "linked"): Promise<StateResource> {
    await bed.admin.reset();
    await bed.admin.putKey(KEY);
    const { KeyRotation } = loadSdk(layout);
    const stack = await bed.stack(`provider-${layout}`, () => {
      new KeyRotation("key", { keyId: KEY, intervalDays: 90 });
      return Promise.resolve({});
    });
    await stack.up();
    await stack.refresh({ expectNoChanges: true });
    const state = await stack.exportStack();
    const resource = (state.deployment as { resources: StateResource[] }).resources.find((r) =>
      r.type.endsWith(":KeyRotation"),
    );
    await stack.destroy();
    expect(await bed.admin.getKey(KEY)).toMatchObject({ rotationEnabled: false });
    if (!resource) throw new Error("no KeyRotation in the state");
    return resource;
  }

  it("installed: names the runtime module in one line and keeps a resource's state under 2 KB", async () => {
    const resource = await lifecycle("installed");
    const provider = String(resource.outputs.__provider);
    expect(provider).toContain('require("pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/provider-module.js")');
    expect(provider.length).toBeLessThan(400);
    expect(JSON.stringify(resource).length).toBeLessThanOrEqual(2048);
  });

  it("linked: falls back to a shell of small functions that still loads the runtime by name", async () => {
    const resource = await lifecycle("linked");
    const provider = String(resource.outputs.__provider);
    expect(provider).toContain('"pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/runtime.js"');
    expect(provider).not.toContain("zod");
    expect(provider.length).toBeLessThan(2600);
  });
});
