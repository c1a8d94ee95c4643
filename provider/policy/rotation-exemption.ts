// Keys KMS cannot rotate, so a rotation policy does not apply to them: asymmetric keys and keys
// with imported key material (origin "external"). Pure.
import { isAsymmetricKeySpec } from "../kms/kms-rules.js";
import { UNKNOWN, type Unknown } from "./rotation-rule.js";

/** The origin of keys whose material was imported. */
export const IMPORTED_ORIGIN = "external";

/**
 * Why a key with this spec and origin cannot rotate, or undefined when it can; UNKNOWN when a
 * value it depends on is not known during a preview. An absent value is the provider's default
 * (a symmetric key made by KMS).
 */
export function rotationExemption(
  spec: { property: string; value: string | undefined | Unknown },
  origin: { property: string; value: string | undefined | Unknown },
): string | undefined | Unknown {
  if (spec.value === UNKNOWN || origin.value === UNKNOWN) return UNKNOWN;
  if (spec.value !== undefined && isAsymmetricKeySpec(spec.value.toUpperCase())) {
    return `${spec.property} ${JSON.stringify(spec.value)} is asymmetric: KMS rotates no asymmetric key`;
  }
  if (origin.value?.toLowerCase() === IMPORTED_ORIGIN) {
    return `${origin.property} ${JSON.stringify(origin.value)}: KMS rotates no key with imported material`;
  }
  return undefined;
}
