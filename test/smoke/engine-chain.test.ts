// Proves the chain this project stands on: Node >= 22 → real Pulumi CLI → Automation API →
// dynamic provider, with a trivial resource and nothing of this project's own.
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opsRecorder } from "../../harness/engine-events.js";
import { createPulumiSandbox, type PulumiSandbox } from "../../harness/pulumi-env.js";

interface EchoInputs {
  message: string;
}

// Deliberately self-contained: the engine serializes this object into the state and runs it in
// the dynamic-provider process, where nothing of the test file exists.
const echoProvider: pulumi.dynamic.ResourceProvider<EchoInputs, EchoInputs & { length: number; node: string }> = {
  create(inputs) {
    // `node` reports the Node.js that runs the dynamic-provider process the CLI started.
    return Promise.resolve({
      id: `echo-${inputs.message}`,
      outs: { ...inputs, length: inputs.message.length, node: process.version },
    });
  },
  read(id, props) {
    return Promise.resolve({ id, props });
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly length: pulumi.Output<number>;
  constructor(name: string, message: string) {
    super(echoProvider, name, { message, length: undefined }, {}, "echo");
  }
}

describe("engine chain", () => {
  let sandbox: PulumiSandbox;
  let stack: Stack;

  beforeAll(async () => {
    sandbox = await createPulumiSandbox({ prefix: "engine-chain-" });
    stack = await LocalWorkspace.createOrSelectStack(
      {
        stackName: "smoke",
        projectName: "engine-chain",
        program: () => {
          const echo = new Echo("hello", "hello world");
          return Promise.resolve({ length: echo.length });
        },
      },
      { pulumiCommand: sandbox.pulumiCommand, envVars: sandbox.envVars, workDir: sandbox.workDir },
    );
  });

  afterAll(() => {
    sandbox.dispose();
  });

  it("runs the tests on Node 22 or later", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
  });

  it("uses a CLI whose version the Automation API accepts", () => {
    expect(sandbox.pulumiCommand.version?.major).toBe(3);
  });

  it("up creates the dynamic resource", async () => {
    const rec = opsRecorder();
    const result = await stack.up({ onEvent: rec.onEvent });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    expect(rec.ops).toEqual(["create hello"]);
    expect(result.outputs.length?.value).toBe(11);
  });

  it("preview afterwards reports no changes", async () => {
    const result = await stack.preview({ expectNoChanges: true });
    expect(result.changeSummary).toEqual({ same: 2 });
  });

  it("refresh reads the resource back unchanged", async () => {
    const result = await stack.refresh({ expectNoChanges: true });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toEqual({ same: 2 });
  });

  it("records the resource with its serialized provider in the file backend", async () => {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources: { type: string; outputs: Record<string, unknown> }[] })
      .resources;
    const echo = resources.find((r) => r.type === "pulumi-nodejs:dynamic/echo:Resource");
    expect(echo?.outputs).toMatchObject({ message: "hello world", length: 11 });
    // The CLI started the provider process with the project's Node, not the machine's older one.
    expect(Number(String(echo?.outputs.node).replace(/^v/, "").split(".")[0])).toBeGreaterThanOrEqual(22);
    expect(typeof echo?.outputs.__provider).toBe("string");
  });

  it("destroy removes everything", async () => {
    const rec = opsRecorder();
    const result = await stack.destroy({ onEvent: rec.onEvent });
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    expect(rec.ops).toEqual(["delete hello"]);
    const state = await stack.exportStack();
    expect((state.deployment as { resources?: unknown[] }).resources ?? []).toHaveLength(0);
  });
});
