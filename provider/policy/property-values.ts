// The values of resource inputs as the policy pack reads them. Programs in YAML or driven by stack
// config may hand booleans and numbers over as text, which the providers accept; the pack accepts
// the same forms so that it judges what the provider will apply.
import { UNKNOWN, type Unknown } from "./rotation-rule.js";

/** A boolean input: true/false, or their text; anything else is left to the provider to refuse. */
export function booleanInput(value: unknown): boolean | undefined | Unknown {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^\s*(true|false)\s*$/i.test(value)) return value.trim().toLowerCase() === "true";
  return undefined;
}

/** A whole-number input: a number, or digits as text; anything else is left to the provider to refuse. */
export function integerInput(value: unknown): number | undefined | Unknown {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A text input, or undefined when absent or not text. */
export function textInput(value: unknown): string | undefined | Unknown {
  if (value === UNKNOWN) return UNKNOWN;
  return typeof value === "string" ? value : undefined;
}
