// How the engine should treat a change of inputs, from the declaration's field lists. Pure.
import { diffInputs, type InputDiff } from "../../engine/resource-spec.js";
import { keyRotationSpec } from "./spec.js";

export type KeyRotationDiff = InputDiff;

/**
 * `keyId` → replace; `enabled` / `intervalDays` → update in place; nothing else matters (outputs
 * such as `numberOfRotations` move on their own, and `adopt` only steers a create).
 */
export function diffKeyRotation(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): KeyRotationDiff {
  return diffInputs(keyRotationSpec, olds, news);
}
