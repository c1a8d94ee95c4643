import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSdk } from "../harness/kms-testbed.js";
import { PROMISE_LEAKS_ENV, pauseStackTraces, withStackTrace } from "./promise-debug-stacks.js";

const hasFrames = (e: Error): boolean => /\n\s+at /.test(e.stack ?? "");

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("pauseStackTraces", () => {
  it("turns stack capture off until resumed, and resuming twice is harmless", () => {
    const before = Error.stackTraceLimit;
    const resume = pauseStackTraces();
    expect(Error.stackTraceLimit).toBe(0);
    expect(hasFrames(new Error("x"))).toBe(false);
    resume();
    resume();
    expect(Error.stackTraceLimit).toBe(before);
    expect(hasFrames(new Error("x"))).toBe(true);
  });

  it("changes nothing while the user debugs leaked promises", () => {
    vi.stubEnv(PROMISE_LEAKS_ENV, "1");
    const before = Error.stackTraceLimit;
    const resume = pauseStackTraces();
    expect(Error.stackTraceLimit).toBe(before);
    resume();
    expect(Error.stackTraceLimit).toBe(before);
  });
});

describe("withStackTrace", () => {
  it("gives an error made without frames the stack of where it is caught, message kept", () => {
    const resume = pauseStackTraces();
    const e = new Error("Resource parent is not a valid Resource");
    resume();
    const out = withStackTrace(e);
    expect(out).toBe(e);
    expect(hasFrames(e)).toBe(true);
    expect(e.stack).toMatch(/^Error: Resource parent is not a valid Resource\n/);
  });

  it("leaves an error that has its stack, and anything that is not an error, as they are", () => {
    const e = new Error("x");
    const stack = e.stack;
    expect(withStackTrace(e)).toBe(e);
    expect(e.stack).toBe(stack);
    expect(withStackTrace("text")).toBe("text");
  });
});

describe("KeyRotation's constructor", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => Promise.resolve({ id: a.name, state: a.inputs as Record<string, unknown> }), call: () => Promise.resolve({}) },
      "project",
      "stack",
      true,
    );
  });
  const { KeyRotation } = loadSdk();
  const keyId = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

  it("leaves the stack trace limit as it found it", () => {
    const before = Error.stackTraceLimit;
    new KeyRotation("kept", { keyId });
    expect(Error.stackTraceLimit).toBe(before);
  });

  it("throws the SDK's own refusal with a stack that leads to the program", () => {
    const before = Error.stackTraceLimit;
    let thrown: unknown;
    try {
      new KeyRotation("orphan", { keyId: "1d0466b0-e727-4d9c-b35d-f84bb474a37f" }, { parent: "not a resource" as unknown as pulumi.Resource });
    } catch (e) {
      thrown = e;
    }
    expect(Error.stackTraceLimit).toBe(before);
    expect(thrown).toBeInstanceOf(Error);
    const err = thrown as Error;
    expect(err.message).toContain("Resource parent is not a valid Resource");
    expect(err.stack).toContain("promise-debug-stacks.test.ts");
  });
});
