// What a key's rotation means against a rotation policy ("rotation on, every N days or more
// often"). Pure. A key KMS would not let rotate is reported with the reason but never breaks the
// policy: nothing a rotation setting could do would fix it, and a run that fails for it would
// fail for ever. A rotatable key whose status could not be read breaks it: the policy cannot be
// shown to hold.
import { MAX_ROTATION_INTERVAL_DAYS, MIN_ROTATION_INTERVAL_DAYS } from "../kms/kms-rules.js";
import type { InventoryEntry } from "./key-inventory.js";
import type { CannotRotateReason } from "./rotatability.js";

/** The rotation a project's rotatable keys must have. */
export interface RotationPolicy {
  /** The longest rotation interval allowed, whole days from 30 to 365. */
  maxIntervalDays: number;
}

/**
 * The policy when none is given: rotation on, at any interval KMS accepts (365 days is KMS's own
 * default when rotation is enabled, and the yearly rotation most standards ask for).
 */
export const DEFAULT_MAX_INTERVAL_DAYS = MAX_ROTATION_INTERVAL_DAYS;

/** The bounds of `maxIntervalDays`: the intervals KMS accepts. */
export const POLICY_INTERVAL_BOUNDS = { min: MIN_ROTATION_INTERVAL_DAYS, max: MAX_ROTATION_INTERVAL_DAYS } as const;

/** The kinds of verdict, in the order reports list them. */
export const VERDICT_KINDS = ["compliant", "not-rotating", "interval-too-long", "unknown", "cannot-rotate"] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

/** One key against the policy. */
export type Verdict =
  | { kind: "compliant" }
  | { kind: "not-rotating" }
  | { kind: "interval-too-long"; intervalDays: number; maxIntervalDays: number }
  /** The status read was refused for this key (e.g. it vanished after the listing): `code` says why. */
  | { kind: "unknown"; code: string }
  | { kind: "cannot-rotate"; reason: CannotRotateReason; code: string };

/** The verdict on one inventory entry. */
export function verdictFor(entry: Pick<InventoryEntry, "key" | "rotatability" | "status" | "statusError">, policy: RotationPolicy): Verdict {
  const r = entry.rotatability;
  if (!r.rotatable) return { kind: "cannot-rotate", reason: r.reason, code: r.code };
  if (entry.statusError !== undefined) return { kind: "unknown", code: entry.statusError };
  // The status is the later and fuller word; without one the listing said rotation is off.
  const enabled = entry.status?.enabled ?? entry.key.rotationEnabled ?? false;
  if (!enabled) return { kind: "not-rotating" };
  const intervalDays = entry.status?.intervalDays;
  // Rotation on but no status cannot come from an inventory (it reads every rotating key); a
  // caller that skipped the read has not shown the interval either.
  if (intervalDays === undefined) return { kind: "unknown", code: "no status read" };
  if (intervalDays > policy.maxIntervalDays) return { kind: "interval-too-long", intervalDays, maxIntervalDays: policy.maxIntervalDays };
  return { kind: "compliant" };
}

/** The verdict as a person reads it: `compliant`, `cannot rotate (default key)`, `unknown (KMS.0207)`... */
export function verdictLabel(verdict: Verdict): string {
  switch (verdict.kind) {
    case "compliant":
      return "compliant";
    case "not-rotating":
      return "not rotating";
    case "interval-too-long":
      return "interval too long";
    case "unknown":
      return `unknown (${verdict.code})`;
    case "cannot-rotate":
      return `cannot rotate (${verdict.reason})`;
  }
}

/** Whether the verdict fails the run: a rotatable key that is not shown to follow the policy. */
export function breaksPolicy(verdict: Verdict): boolean {
  return verdict.kind === "not-rotating" || verdict.kind === "interval-too-long" || verdict.kind === "unknown";
}

/** Whether KMS lets the key's rotation change, so that an import or a policy can cover it. */
export function isRotatable(verdict: Verdict): boolean {
  return verdict.kind !== "cannot-rotate";
}

/** The policy in words, e.g. "rotation on, every 90 days or more often". */
export function describePolicy(policy: RotationPolicy): string {
  return `rotation on, every ${policy.maxIntervalDays} days or more often`;
}
