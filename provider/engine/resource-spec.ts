// How a resource is declared once, and everything derived from that declaration: input checks
// (normalizing raw program values, one failure per bad property naming the field, the value and
// the rule), zod schemas and their types, the diff's field lists and the Pulumi package schema.
// Pure; each resource's declaration lives beside its logic (e.g. resources/key-rotation/spec.ts).
import { z } from "zod";

export type PropertyType = "string" | "boolean" | "integer";
type ValueOf<T extends PropertyType> = T extends "string" ? string : T extends "boolean" ? boolean : number;

/** A raw value judged by a rule: the normalized value, or why it is refused. */
export interface Judgement<V> {
  value?: V;
  reason?: string;
}

export interface PropertySpec<T extends PropertyType = PropertyType> {
  type: T;
  /** What users read in the SDK docs and the package schema. */
  description: string;
  /** `input`: set by programs and recorded; `output`: reported by KMS only. */
  kind: "input" | "output";
  /** Inputs without a default that a program must set. */
  required?: boolean;
  /** Inputs: the value when a program leaves it out. Outputs: absent means optional. */
  default?: ValueOf<T>;
  /** Outputs that may be absent (e.g. never rotated). */
  optional?: boolean;
  /** Changing it needs a new resource. */
  replaces?: boolean;
  secret?: boolean;
  /** Integer bounds, inclusive. */
  minimum?: number;
  maximum?: number;
  /** String pattern. */
  pattern?: RegExp;
  /**
   * Inputs: turns a raw program value (possibly text from config or YAML) into the property's
   * value, or a reason naming the field, the value and the rule. Absent and null values never reach it.
   */
  rule?: (raw: unknown) => Judgement<ValueOf<T>>;
  /**
   * How the resource is brought under management rather than what it is (never diffed, never
   * in the package schema): the dynamic provider's stand-in for the engine's import.
   */
  managementOption?: boolean;
}

export interface ResourceSpec {
  /** The package schema's type token, e.g. `huaweicloud-kms:index:KeyRotation`. */
  token: string;
  description: string;
  properties: Readonly<Record<string, PropertySpec>>;
}

type Props<S extends ResourceSpec> = S["properties"];
type Keys<S extends ResourceSpec, Want> = {
  [K in keyof Props<S>]: Props<S>[K] extends Want ? K : never;
}[keyof Props<S>] &
  string;

/** Inputs that describe the resource (diffed, recorded). */
export type InputName<S extends ResourceSpec> = Exclude<Keys<S, { kind: "input" }>, Keys<S, { managementOption: true }>>;
export type OptionName<S extends ResourceSpec> = Keys<S, { managementOption: true }>;
export type OutputName<S extends ResourceSpec> = Keys<S, { kind: "output" }>;

type ZodOf<P> = P extends { type: "string" } ? z.ZodString : P extends { type: "boolean" } ? z.ZodBoolean : z.ZodNumber;
type MaybeOptional<P> = P extends { optional: true } ? z.ZodOptional<ZodOf<P>> : ZodOf<P>;

export type InputShape<S extends ResourceSpec> = { [K in InputName<S>]: ZodOf<Props<S>[K]> };
export type OutputShape<S extends ResourceSpec> = InputShape<S> & { [K in OutputName<S>]: MaybeOptional<Props<S>[K]> };
export type OptionShape<S extends ResourceSpec> = { [K in OptionName<S>]: z.ZodOptional<ZodOf<Props<S>[K]>> };

function zodOf(p: PropertySpec): z.ZodType {
  switch (p.type) {
    case "string":
      return p.pattern === undefined ? z.string() : z.string().regex(p.pattern);
    case "boolean":
      return z.boolean();
    case "integer": {
      let n = z.number().int();
      if (p.minimum !== undefined) n = n.min(p.minimum);
      if (p.maximum !== undefined) n = n.max(p.maximum);
      return n;
    }
  }
}

function entries(spec: ResourceSpec): [string, PropertySpec][] {
  return Object.entries(spec.properties);
}

function isDescriptive(p: PropertySpec): boolean {
  return p.kind === "input" && p.managementOption !== true;
}

/** The normalized inputs, as a zod object. */
export function inputSchema<S extends ResourceSpec>(spec: S): z.ZodObject<InputShape<S>> {
  const shape = Object.fromEntries(entries(spec).filter(([, p]) => isDescriptive(p)).map(([k, p]) => [k, zodOf(p)]));
  return z.object(shape) as unknown as z.ZodObject<InputShape<S>>;
}

/** What the engine records: inputs plus outputs. */
export function outputSchema<S extends ResourceSpec>(spec: S): z.ZodObject<OutputShape<S>> {
  const shape = Object.fromEntries(
    entries(spec)
      .filter(([, p]) => isDescriptive(p) || p.kind === "output")
      .map(([k, p]) => [k, p.kind === "output" && p.optional === true ? zodOf(p).optional() : zodOf(p)]),
  );
  return z.object(shape) as unknown as z.ZodObject<OutputShape<S>>;
}

/** The management options, each optional. */
export function optionSchema<S extends ResourceSpec>(spec: S): z.ZodObject<OptionShape<S>> {
  const shape = Object.fromEntries(entries(spec).filter(([, p]) => p.managementOption === true).map(([k, p]) => [k, zodOf(p).optional()]));
  return z.object(shape) as unknown as z.ZodObject<OptionShape<S>>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckedInputs {
  /** The normalized inputs; values not known yet (previews) are passed through unchecked. */
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/**
 * Validates and normalizes raw inputs: applies the defaults and returns one failure per bad
 * property, each naming the property, the value and the rule. Never throws; ignores properties
 * the spec does not declare as inputs.
 */
export function checkInputs(
  spec: ResourceSpec,
  raw: Readonly<Record<string, unknown>>,
  isUnknown: (value: unknown) => boolean = () => false,
): CheckedInputs {
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [name, p] of entries(spec)) {
    if (p.kind !== "input") continue;
    const value = raw[name];
    if (isUnknown(value)) {
      inputs[name] = value;
      continue;
    }
    if ((value === undefined || value === null) && !p.required) {
      if (p.default !== undefined) inputs[name] = p.default;
      continue;
    }
    const judged: Judgement<unknown> = p.rule ? p.rule(value) : { value };
    if (judged.reason !== undefined) failures.push({ property: name, reason: judged.reason });
    else if (judged.value !== undefined) inputs[name] = judged.value;
  }
  return { inputs, failures };
}

export interface InputDiff {
  changes: boolean;
  /** Changed properties that need a new resource. */
  replaces: string[];
  /** Changed properties applied in place. */
  updates: string[];
}

/** Which descriptive inputs differ; management options and outputs never count. */
export function diffInputs(
  spec: ResourceSpec,
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): InputDiff {
  const changed = entries(spec).filter(([k, p]) => isDescriptive(p) && olds[k] !== news[k]);
  const replaces = changed.filter(([, p]) => p.replaces === true).map(([k]) => k);
  const updates = changed.filter(([, p]) => p.replaces !== true).map(([k]) => k);
  return { changes: changed.length > 0, replaces, updates };
}

/** Properties changed in place (the ones `replaceOnChanges` can turn into replacements). */
export function inPlaceInputs(spec: ResourceSpec): string[] {
  return entries(spec)
    .filter(([, p]) => isDescriptive(p) && p.replaces !== true)
    .map(([k]) => k);
}

/** A property in the Pulumi package schema's shape. */
export interface SchemaProperty {
  type: "string" | "boolean" | "integer";
  description: string;
  default?: string | boolean | number;
  secret?: boolean;
  replaceOnChanges?: boolean;
}

function schemaProperty(p: PropertySpec): SchemaProperty {
  const out: SchemaProperty = { type: p.type, description: p.description };
  if (p.secret === true) out.secret = true;
  return out;
}

/** The resource's entry in a Pulumi package schema (`resources[token]`). */
export function resourceSchema(spec: ResourceSpec): Record<string, unknown> {
  const inputs = entries(spec).filter(([, p]) => isDescriptive(p));
  const recorded = entries(spec).filter(([, p]) => isDescriptive(p) || p.kind === "output");
  return {
    description: spec.description,
    properties: Object.fromEntries(recorded.map(([k, p]) => [k, schemaProperty(p)])),
    required: recorded.filter(([, p]) => !(p.kind === "output" && p.optional === true)).map(([k]) => k),
    inputProperties: Object.fromEntries(
      inputs.map(([k, p]) => {
        const prop: SchemaProperty = schemaProperty(p);
        if (p.default !== undefined) prop.default = p.default;
        if (p.replaces === true) prop.replaceOnChanges = true;
        return [k, prop];
      }),
    ),
    requiredInputs: inputs.filter(([, p]) => p.required === true).map(([k]) => k),
  };
}
