// How a provider function (an invoke: read-only, no state) is declared once, and what is derived
// from that declaration: the check of its arguments (the same rules and messages as resource
// inputs, plus unknown arguments named), the TypeScript types of its arguments and result, and
// its entries in the Pulumi package schema (`functions`, and `types` for the objects it returns).
// Pure; each function's declaration lives beside its logic (e.g. functions/list-keys/spec.ts).
import { checkInputs, type CheckFailure, type PropertySpec, type PropertyType, type ResourceSpec } from "./resource-spec.js";

type ScalarOf<T extends PropertyType> = T extends "string" ? string : T extends "boolean" ? boolean : number;

/** A scalar field of a function's result, or of an object it returns. */
export interface ScalarFieldSpec {
  type: PropertyType;
  description: string;
  /** May be absent (KMS does not always say). */
  optional?: boolean;
}

/** An object type a function returns (in the package schema: `types[token]`). */
export interface ObjectTypeSpec {
  /** e.g. `huaweicloud-kms:index:ListedKey`. */
  token: string;
  description: string;
  properties: Readonly<Record<string, ScalarFieldSpec>>;
}

/** A list of objects in a function's result. */
export interface ArrayFieldSpec {
  type: "array";
  items: ObjectTypeSpec;
  description: string;
  optional?: boolean;
}

export type ResultFieldSpec = ScalarFieldSpec | ArrayFieldSpec;

/** An argument: a resource input's declaration (type, rule, required, description). */
export type ArgumentSpec = PropertySpec & { kind: "input" };

export interface FunctionSpec {
  /** The package schema's function token, e.g. `huaweicloud-kms:index:listKeys`. */
  token: string;
  description: string;
  inputs: Readonly<Record<string, ArgumentSpec>>;
  outputs: Readonly<Record<string, ResultFieldSpec>>;
}

// ---- Types derived from a declaration -------------------------------------------------------

type OptionalKeys<R> = { [K in keyof R]: R[K] extends { optional: true } ? K : never }[keyof R];
type RequiredKeys<R> = Exclude<keyof R, OptionalKeys<R>>;

type ValueOfField<F> = F extends { type: "array"; items: infer O extends ObjectTypeSpec }
  ? ObjectValue<O>[]
  : F extends { type: infer T extends PropertyType }
    ? ScalarOf<T>
    : never;

/** The value of an object type. */
export type ObjectValue<O extends ObjectTypeSpec> = { [K in RequiredKeys<O["properties"]>]: ValueOfField<O["properties"][K]> } & {
  [K in OptionalKeys<O["properties"]>]?: ValueOfField<O["properties"][K]>;
};

/** What a function returns. */
export type FunctionResult<S extends FunctionSpec> = { [K in RequiredKeys<S["outputs"]>]: ValueOfField<S["outputs"][K]> } & {
  [K in OptionalKeys<S["outputs"]>]?: ValueOfField<S["outputs"][K]>;
};

type RequiredArgs<I> = { [K in keyof I]: I[K] extends { required: true } ? K : never }[keyof I];
type ArgValue<A> = A extends { type: infer T extends PropertyType } ? ScalarOf<T> : never;

/** A function's checked arguments: required ones present, the others optional. */
export type FunctionArgs<S extends FunctionSpec> = { [K in RequiredArgs<S["inputs"]>]: ArgValue<S["inputs"][K]> } & {
  [K in Exclude<keyof S["inputs"], RequiredArgs<S["inputs"]>>]?: ArgValue<S["inputs"][K]>;
};

// ---- Argument checks ------------------------------------------------------------------------

/** The arguments as a resource declaration, so that they are checked by the very same code. */
function asResourceSpec(spec: FunctionSpec): ResourceSpec {
  return { token: spec.token, description: spec.description, properties: spec.inputs };
}

export type CheckedArgs<S extends FunctionSpec> = { args: FunctionArgs<S>; failures: [] } | { failures: CheckFailure[] };

/**
 * Validates and normalizes raw arguments (as YAML, Python or TypeScript programs hand them over):
 * one failure per bad argument naming it, the value and the rule, and one per argument the
 * function does not take. Never throws.
 */
export function checkFunctionArgs<S extends FunctionSpec>(spec: S, raw: Readonly<Record<string, unknown>>): CheckedArgs<S> {
  const { inputs, failures } = checkInputs(asResourceSpec(spec), raw);
  const takes = Object.keys(spec.inputs);
  for (const [name, value] of Object.entries(raw)) {
    // Absent optional arguments may arrive as null (Python, YAML): only a value counts.
    if (takes.includes(name) || value === undefined || value === null) continue;
    const list = takes.length === 0 ? "no arguments" : takes.join(", ");
    failures.push({ property: name, reason: `${functionName(spec)} has no argument ${name} (it takes ${list})` });
  }
  if (failures.length > 0) return { failures };
  // checkInputs applied each argument's rule, so the values have the declared types.
  return { args: inputs as FunctionArgs<S>, failures: [] };
}

/** The function's name in programs: the token's last part, e.g. `listKeys`. */
export function functionName(spec: Pick<FunctionSpec, "token">): string {
  return spec.token.slice(spec.token.lastIndexOf(":") + 1);
}

// ---- Package schema ---------------------------------------------------------------------------

interface SchemaField {
  type: string;
  description: string;
  items?: { $ref: string };
}

function schemaField(f: ResultFieldSpec | ArgumentSpec): SchemaField {
  if (f.type === "array") return { type: "array", items: { $ref: `#/types/${f.items.token}` }, description: f.description };
  return { type: f.type, description: f.description };
}

function isOptional(f: ResultFieldSpec): boolean {
  return f.optional === true;
}

/** The object types a function returns, as `types` entries of the package schema. */
export function functionTypes(spec: FunctionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.values(spec.outputs)) {
    if (field.type !== "array") continue;
    const t = field.items;
    const props = Object.entries(t.properties);
    out[t.token] = {
      type: "object",
      description: t.description,
      properties: Object.fromEntries(props.map(([k, p]) => [k, schemaField(p)])),
      required: props.filter(([, p]) => !isOptional(p)).map(([k]) => k),
    };
  }
  return out;
}

/** The function's entry in a Pulumi package schema (`functions[token]`). */
export function functionSchema(spec: FunctionSpec): Record<string, unknown> {
  const inputs = Object.entries(spec.inputs);
  const outputs = Object.entries(spec.outputs);
  return {
    description: spec.description,
    inputs: {
      type: "object",
      properties: Object.fromEntries(inputs.map(([k, p]) => [k, schemaField(p)])),
      required: inputs.filter(([, p]) => p.required === true).map(([k]) => k),
    },
    outputs: {
      type: "object",
      properties: Object.fromEntries(outputs.map(([k, p]) => [k, schemaField(p)])),
      required: outputs.filter(([, p]) => !isOptional(p)).map(([k]) => k),
    },
  };
}
