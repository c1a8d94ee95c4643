// What a KeyRotation accepts and records, derived from its one declaration
// (resources/key-rotation/spec.ts), and the check that turns raw program inputs into it.
// Pure: runs before any API call, so bad input never reaches KMS.
import type { z } from "zod";
import { checkInputs, inputSchema, optionSchema, outputSchema, type CheckedInputs } from "../../engine/resource-spec.js";
import { keyRotationSpec } from "./spec.js";

/** Normalized inputs of a KeyRotation. */
export const keyRotationInputsSchema = inputSchema(keyRotationSpec);
export type KeyRotationInputs = z.infer<typeof keyRotationInputsSchema>;

/**
 * Inputs that steer how a rotation is brought under management, not what it is: `adopt` takes
 * over a key's rotation as it stands and refuses to change it (the dynamic provider's stand-in
 * for the engine's import, which cannot reach a dynamic provider).
 */
export const keyRotationOptionsSchema = optionSchema(keyRotationSpec);
export type KeyRotationOptions = z.infer<typeof keyRotationOptionsSchema>;

/** What the engine records: the inputs plus what KMS reports about past rotations. */
export const keyRotationOutputsSchema = outputSchema(keyRotationSpec);
export type KeyRotationOutputs = z.infer<typeof keyRotationOutputsSchema>;

export interface CheckOptions {
  /** Recognizes values that are not known yet during a preview; they are not validated. */
  isUnknown?: (value: unknown) => boolean;
}

/**
 * Validates and normalizes raw inputs: applies the defaults (`enabled: true`, `intervalDays: 365`)
 * and returns one failure per bad property, each naming the property, the value and the rule.
 * Never throws.
 */
export function checkKeyRotationInputs(raw: Readonly<Record<string, unknown>>, options: CheckOptions = {}): CheckedInputs {
  return checkInputs(keyRotationSpec, raw, options.isUnknown);
}
