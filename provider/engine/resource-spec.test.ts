import { describe, expect, it } from "vitest";
import { checkInputs, diffInputs, inPlaceInputs, inputSchema, outputSchema, resourceSchema, type ResourceSpec } from "./resource-spec.js";

const spec = {
  token: "test:index:Thing",
  description: "A thing.",
  properties: {
    name: { type: "string", kind: "input", required: true, replaces: true, description: "Its name.", rule: (v) => (typeof v === "string" ? { value: v } : { reason: `name must be a string; got ${String(v)}` }) },
    size: { type: "integer", kind: "input", default: 3, minimum: 1, maximum: 9, description: "Its size." },
    force: { type: "boolean", kind: "input", managementOption: true, description: "How to adopt it." },
    token: { type: "string", kind: "output", optional: true, secret: true, description: "A secret it reports." },
    count: { type: "integer", kind: "output", description: "How often." },
  },
} as const satisfies ResourceSpec;

describe("derived from a declaration", () => {
  it("checks inputs: defaults, rules, unknowns passed through, undeclared properties dropped", () => {
    expect(checkInputs(spec, { name: "a", extra: 1 })).toEqual({ inputs: { name: "a", size: 3 }, failures: [] });
    expect(checkInputs(spec, { size: 5 }).failures).toEqual([{ property: "name", reason: "name must be a string; got undefined" }]);
    const unknown = "??";
    expect(checkInputs(spec, { name: unknown }, (v) => v === unknown).inputs).toEqual({ name: unknown, size: 3 });
  });

  it("diffs descriptive inputs only: replacing, in place, never options or outputs", () => {
    expect(diffInputs(spec, { name: "a", size: 3, force: true, count: 1 }, { name: "a", size: 3, force: false, count: 2 })).toEqual({
      changes: false,
      replaces: [],
      updates: [],
    });
    expect(diffInputs(spec, { name: "a", size: 3 }, { name: "b", size: 4 })).toEqual({ changes: true, replaces: ["name"], updates: ["size"] });
    expect(inPlaceInputs(spec)).toEqual(["size"]);
  });

  it("builds zod schemas of the inputs and of what is recorded", () => {
    expect(inputSchema(spec).parse({ name: "a", size: 9 })).toEqual({ name: "a", size: 9 });
    expect(() => inputSchema(spec).parse({ name: "a", size: 10 })).toThrow();
    expect(outputSchema(spec).parse({ name: "a", size: 1, count: 0 })).toEqual({ name: "a", size: 1, count: 0 });
  });

  it("writes the package schema's resource entry", () => {
    expect(resourceSchema(spec)).toEqual({
      description: "A thing.",
      properties: {
        name: { type: "string", description: "Its name." },
        size: { type: "integer", description: "Its size." },
        token: { type: "string", description: "A secret it reports.", secret: true },
        count: { type: "integer", description: "How often." },
      },
      required: ["name", "size", "count"],
      inputProperties: {
        name: { type: "string", description: "Its name.", replaceOnChanges: true },
        size: { type: "integer", description: "Its size.", default: 3 },
      },
      requiredInputs: ["name"],
    });
  });
});
