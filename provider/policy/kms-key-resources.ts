// Which resources the rotation policy judges, and how each kind declares its rotation. Pure.
import { HUAWEICLOUD_KMS_KEY_TYPE, huaweicloudKeyRotation } from "./huaweicloud-key-rules.js";
import { isKeyRotation, keyRotationRotation, type ResourceInputs } from "./key-rotation-rules.js";
import { OPENTELEKOMCLOUD_KMS_KEY_TYPE, opentelekomcloudKeyRotation } from "./opentelekomcloud-key-rules.js";
import { rotationViolations, UNKNOWN, type DeclaredRotation, type Unknown } from "./rotation-rule.js";

/** The resource types the policy judges (besides anonymous dynamic resources of this package's provider). */
export const JUDGED_TYPES = [HUAWEICLOUD_KMS_KEY_TYPE, OPENTELEKOMCLOUD_KMS_KEY_TYPE] as const;

/** What the policy makes of one resource. */
export type Judgement =
  | { kind: "not a key" }
  | { kind: "exempt"; reason: string }
  /** A value the judgement needs is unknown during this preview; the update judges it. */
  | { kind: "unknown" }
  | { kind: "judged"; violations: string[] };

/** Judges `resource` against a maximum rotation interval of `maxIntervalDays`. */
export function judgeRotation(resource: ResourceInputs, maxIntervalDays: number): Judgement {
  const declared = declaredRotation(resource);
  if (declared === undefined) return { kind: "not a key" };
  if ("exempt" in declared) return declared.exempt === UNKNOWN ? { kind: "unknown" } : { kind: "exempt", reason: declared.exempt };
  return { kind: "judged", violations: rotationViolations(declared, maxIntervalDays) };
}

function declaredRotation(resource: ResourceInputs): DeclaredRotation | { exempt: string | Unknown } | undefined {
  if (resource.type === HUAWEICLOUD_KMS_KEY_TYPE) return huaweicloudKeyRotation(resource);
  if (resource.type === OPENTELEKOMCLOUD_KMS_KEY_TYPE) return opentelekomcloudKeyRotation(resource);
  if (isKeyRotation(resource)) return keyRotationRotation(resource);
  return undefined;
}
