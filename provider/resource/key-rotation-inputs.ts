// What a KeyRotation accepts, and the check that turns raw program inputs into it.
// Pure: runs before any API call, so bad input never reaches KMS.
import { z } from "zod";
import {
  DEFAULT_ROTATION_INTERVAL_DAYS,
  KEY_ID_PATTERN,
  MAX_ROTATION_INTERVAL_DAYS,
  MIN_ROTATION_INTERVAL_DAYS,
} from "../kms/kms-rules.js";

/** Normalized inputs of a KeyRotation. */
export const keyRotationInputsSchema = z.object({
  keyId: z.string().regex(KEY_ID_PATTERN),
  enabled: z.boolean(),
  intervalDays: z.number().int().min(MIN_ROTATION_INTERVAL_DAYS).max(MAX_ROTATION_INTERVAL_DAYS),
});
export type KeyRotationInputs = z.infer<typeof keyRotationInputsSchema>;

/**
 * Inputs that steer how a rotation is brought under management, not what it is: `adopt` takes
 * over a key's rotation as it stands and refuses to change it (the dynamic provider's stand-in
 * for the engine's import, which cannot reach a dynamic provider).
 */
export const keyRotationOptionsSchema = z.object({ adopt: z.boolean().optional() });
export type KeyRotationOptions = z.infer<typeof keyRotationOptionsSchema>;

/** What the engine records: the inputs plus what KMS reports about past rotations. */
export const keyRotationOutputsSchema = keyRotationInputsSchema.extend({
  lastRotationTime: z.string().optional(),
  numberOfRotations: z.number().int().nonnegative(),
});
export type KeyRotationOutputs = z.infer<typeof keyRotationOutputsSchema>;

export const KEY_ROTATION_DEFAULTS = { enabled: true, intervalDays: DEFAULT_ROTATION_INTERVAL_DAYS } as const;

export interface CheckFailure {
  property: keyof KeyRotationInputs | keyof KeyRotationOptions;
  reason: string;
}

export interface CheckResult {
  /** The normalized inputs; values the engine does not know yet (previews) are passed through. */
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export interface CheckOptions {
  /** Recognizes values that are not known yet during a preview; they are not validated. */
  isUnknown?: (value: unknown) => boolean;
}

function show(value: unknown): string {
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

function checkKeyId(value: unknown): { value?: string; reason?: string } {
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

function checkEnabled(value: unknown): { value?: boolean; reason?: string } {
  if (value === undefined || value === null) return { value: KEY_ROTATION_DEFAULTS.enabled };
  if (typeof value === "boolean") return { value };
  // Config-driven programs (YAML, stack config) hand booleans over as text.
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
    return { value: value.trim().toLowerCase() === "true" };
  }
  return { reason: `enabled must be true or false; got ${show(value)}` };
}

function checkAdopt(value: unknown): { value?: boolean; reason?: string } {
  if (value === undefined || value === null || value === false) return {};
  if (value === true) return { value };
  return { reason: `adopt must be true or false; got ${show(value)}` };
}

function checkInterval(value: unknown): { value?: number; reason?: string } {
  if (value === undefined || value === null) return { value: KEY_ROTATION_DEFAULTS.intervalDays };
  let n: number | undefined;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) n = Number(value);
  // A fraction is refused for what it is: "90.5 is out of range" would send the user looking at
  // the bounds. Config values arrive as strings, so "90.5" counts as a fraction too (a string is
  // still accepted only in whole-number form).
  const fraction = (n !== undefined && Number.isFinite(n) && !Number.isInteger(n)) || (typeof value === "string" && /^\s*\d+\.\d+\s*$/.test(value));
  if (fraction) return { reason: `intervalDays ${show(value)} is not a whole number: ${INTERVAL_RULE}` };
  if (n === undefined || !Number.isFinite(n)) {
    return { reason: `intervalDays must be a number of days; got ${show(value)} (${INTERVAL_RULE})` };
  }
  if (n < MIN_ROTATION_INTERVAL_DAYS || n > MAX_ROTATION_INTERVAL_DAYS) {
    return { reason: `intervalDays ${show(value)} is out of range: ${INTERVAL_RULE}` };
  }
  return { value: n };
}

/**
 * Validates and normalizes raw inputs: applies the defaults (`enabled: true`, `intervalDays: 365`)
 * and returns one failure per bad property, each naming the property, the value and the rule.
 * Never throws.
 */
export function checkKeyRotationInputs(raw: Readonly<Record<string, unknown>>, options: CheckOptions = {}): CheckResult {
  const isUnknown = options.isUnknown ?? (() => false);
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  const checks = [
    ["keyId", checkKeyId],
    ["enabled", checkEnabled],
    ["intervalDays", checkInterval],
    ["adopt", checkAdopt],
  ] as const;
  for (const [property, check] of checks) {
    const value = raw[property];
    if (isUnknown(value)) {
      inputs[property] = value;
      continue;
    }
    const result = check(value);
    if (result.reason !== undefined) failures.push({ property, reason: result.reason });
    else if (result.value !== undefined) inputs[property] = result.value;
  }
  return { inputs, failures };
}
