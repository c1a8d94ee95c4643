import { describe, expect, it } from "vitest";
import { checkFunctionArgs, functionName, functionSchema, functionTypes, type FunctionResult, type FunctionSpec } from "./function-spec.js";

const thing = {
  token: "test:index:Thing",
  description: "A thing.",
  properties: {
    name: { type: "string", description: "Its name." },
    note: { type: "string", optional: true, description: "A note." },
  },
} as const;

const spec = {
  token: "test:index:findThings",
  description: "Finds things.",
  inputs: {
    name: {
      type: "string",
      kind: "input",
      required: true,
      description: "The name.",
      rule: (v) => (typeof v === "string" ? { value: v } : { reason: `name must be a string; got ${String(v)}` }),
    },
    many: { type: "boolean", kind: "input", default: false, description: "Many." },
  },
  outputs: {
    things: { type: "array", items: thing, description: "The things." },
    count: { type: "integer", description: "How many." },
    cursor: { type: "string", optional: true, description: "Where to go on." },
  },
} as const satisfies FunctionSpec;

describe("functions derived from a declaration", () => {
  it("checks arguments with the declared rules and defaults, and names arguments the function does not take", () => {
    expect(checkFunctionArgs(spec, { name: "a" })).toEqual({ args: { name: "a", many: false }, failures: [] });
    expect(checkFunctionArgs(spec, { name: 1 })).toEqual({ failures: [{ property: "name", reason: "name must be a string; got 1" }] });
    expect(checkFunctionArgs(spec, { name: "a", nmae: "b" })).toEqual({
      failures: [{ property: "nmae", reason: "findThings has no argument nmae (it takes name, many)" }],
    });
    // Python and YAML hand absent optional arguments over as null.
    expect(checkFunctionArgs(spec, { name: "a", many: null, other: null }).failures).toEqual([]);
  });

  it("names a function by its token's last part", () => {
    expect(functionName(spec)).toBe("findThings");
  });

  it("types the result: required fields, optional ones, arrays of the declared object", () => {
    const result: FunctionResult<typeof spec> = { things: [{ name: "x" }, { name: "y", note: "n" }], count: 2 };
    expect(result.things).toHaveLength(2);
  });

  it("writes the package schema's function and type entries", () => {
    expect(functionSchema(spec)).toEqual({
      description: "Finds things.",
      inputs: {
        type: "object",
        properties: { name: { type: "string", description: "The name." }, many: { type: "boolean", description: "Many." } },
        required: ["name"],
      },
      outputs: {
        type: "object",
        properties: {
          things: { type: "array", items: { $ref: "#/types/test:index:Thing" }, description: "The things." },
          count: { type: "integer", description: "How many." },
          cursor: { type: "string", description: "Where to go on." },
        },
        required: ["things", "count"],
      },
    });
    expect(functionTypes(spec)).toEqual({
      "test:index:Thing": {
        type: "object",
        description: "A thing.",
        properties: { name: { type: "string", description: "Its name." }, note: { type: "string", description: "A note." } },
        required: ["name"],
      },
    });
  });
});
