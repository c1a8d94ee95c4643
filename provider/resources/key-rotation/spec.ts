// The one declaration of KeyRotation: its type token, and for each property its type, default,
// rule, description, whether it is an input or an output, whether changing it replaces, whether
// it is secret. Validation, the diff's field lists, the zod schemas and types, the SDK's argument
// docs and the package schema (schema.json) are all derived from it (engine/resource-spec.ts).
import type { Judgement, ResourceSpec } from "../../engine/resource-spec.js";
import {
  DEFAULT_ROTATION_INTERVAL_DAYS,
  KEY_ID_PATTERN,
  MAX_ROTATION_INTERVAL_DAYS,
  MIN_ROTATION_INTERVAL_DAYS,
} from "../../kms/kms-rules.js";

/** A value as a message quotes it: strings quoted, other kinds named. */
export function show(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return `${value}`;
    case "undefined":
      return "undefined";
    case "symbol":
      return value.toString();
    case "function":
      return "a function";
    default:
      return value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
  }
}

const KEY_ID_RULE = "a KMS key id is 36 characters: lower-case letters and digits as 8-4-4-4-12, e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const INTERVAL_RULE = `use a whole number of days from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}`;

function keyIdRule(value: unknown): Judgement<string> {
  if (typeof value !== "string") {
    return { reason: `keyId is required and must be a string; got ${show(value)} (${KEY_ID_RULE})` };
  }
  if (KEY_ID_PATTERN.test(value)) return { value };
  const hint = KEY_ID_PATTERN.test(value.trim())
    ? "; remove the surrounding spaces"
    : KEY_ID_PATTERN.test(value.toLowerCase())
      ? "; KMS key ids are lower case"
      : "";
  return { reason: `keyId ${show(value)} is not a KMS key id: ${KEY_ID_RULE}${hint}` };
}

/** Booleans; config-driven programs (YAML, stack config) hand them over as text. */
export function booleanRule(name: string): (value: unknown) => Judgement<boolean> {
  return (value) => {
    if (typeof value === "boolean") return { value };
    if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
      return { value: value.trim().toLowerCase() === "true" };
    }
    return { reason: `${name} must be true or false; got ${show(value)}` };
  };
}

function adoptRule(value: unknown): Judgement<boolean> {
  if (value === false) return {};
  if (value === true) return { value };
  return { reason: `adopt must be true or false; got ${show(value)}` };
}

function intervalRule(value: unknown): Judgement<number> {
  let n: number | undefined;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) n = Number(value);
  // A fraction is refused for what it is: "90.5 is out of range" would send the user looking at
  // the bounds. Config values arrive as strings, so "90.5" counts as a fraction too (a string is
  // still accepted only in whole-number form).
  const fraction =
    (n !== undefined && Number.isFinite(n) && !Number.isInteger(n)) || (typeof value === "string" && /^\s*\d+\.\d+\s*$/.test(value));
  if (fraction) return { reason: `intervalDays ${show(value)} is not a whole number: ${INTERVAL_RULE}` };
  if (n === undefined || !Number.isFinite(n)) {
    return { reason: `intervalDays must be a number of days; got ${show(value)} (${INTERVAL_RULE})` };
  }
  if (n < MIN_ROTATION_INTERVAL_DAYS || n > MAX_ROTATION_INTERVAL_DAYS) {
    return { reason: `intervalDays ${show(value)} is out of range: ${INTERVAL_RULE}` };
  }
  return { value: n };
}

export const keyRotationSpec = {
  token: "huaweicloud-kms:index:KeyRotation",
  description:
    "Automatic rotation of one Huawei Cloud / Open Telekom Cloud KMS key (a customer master key). " +
    "Creating it turns rotation on (or off) as declared, deleting it turns rotation off. The resource id is the key id.",
  properties: {
    keyId: {
      type: "string",
      kind: "input",
      required: true,
      replaces: true,
      pattern: KEY_ID_PATTERN,
      rule: keyIdRule,
      description:
        "The KMS key (customer master key) id, e.g. `0d0466b0-e727-4d9c-b35d-f84bb474a37f`. Changing it replaces the resource.",
    },
    enabled: {
      type: "boolean",
      kind: "input",
      default: true,
      rule: booleanRule("enabled"),
      description: "Whether the key rotates automatically. Default `true`.",
    },
    intervalDays: {
      type: "integer",
      kind: "input",
      default: DEFAULT_ROTATION_INTERVAL_DAYS,
      minimum: MIN_ROTATION_INTERVAL_DAYS,
      maximum: MAX_ROTATION_INTERVAL_DAYS,
      rule: intervalRule,
      description: `Days between rotations, a whole number from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}. Default \`${DEFAULT_ROTATION_INTERVAL_DAYS}\`. Kept while rotation is off and applied when it is turned on.`,
    },
    adopt: {
      type: "boolean",
      kind: "input",
      managementOption: true,
      rule: adoptRule,
      description:
        "Take over the key's rotation as it is: the first `up` reads it and fails, changing nothing, if it differs from `enabled`/`intervalDays`. Set for you by the `import` resource option.",
    },
    lastRotationTime: {
      type: "string",
      kind: "output",
      optional: true,
      description: "When KMS last rotated the key (ISO 8601 UTC); absent before the first rotation.",
    },
    numberOfRotations: {
      type: "integer",
      kind: "output",
      minimum: 0,
      description: "How many times KMS has rotated the key.",
    },
    claimedBy: {
      type: "string",
      kind: "output",
      optional: true,
      description:
        "With the `claimKeys` setting on: the stack that claims the key (`<project>/<stack>`, the value of its `pulumi-rotation-owner` tag). This stack's identity once it holds the claim; after a refresh, the stack that has taken the key over. Absent while no claim is held.",
    },
  },
} as const satisfies ResourceSpec;
