// Whether KMS lets a key rotate, and if not the reason a person acts on. Pure. The permanent
// reasons (Default Master Key, imported material, asymmetric) come before the key's state: enabling
// a disabled Default Master Key would not make it rotatable, so "default key" is the answer that
// helps.
import { KmsErrorCode } from "../kms/kms-error-codes.js";
import { KeyState } from "../kms/kms-rules.js";
import type { KeyInfo } from "../kms/kms-schemas.js";
import { rotationRefusal } from "../resources/key-rotation/preflight.js";

/** Why a key cannot rotate. */
export const CannotRotateReason = {
  DefaultKey: "default key",
  ImportedMaterial: "imported material",
  Asymmetric: "asymmetric",
  Disabled: "disabled",
  PendingDeletion: "pending deletion",
  KeyState: "key state",
} as const;
export type CannotRotateReason = (typeof CannotRotateReason)[keyof typeof CannotRotateReason];

const REASON_BY_CODE: Readonly<Record<string, CannotRotateReason>> = {
  [KmsErrorCode.DefaultMasterKey]: CannotRotateReason.DefaultKey,
  [KmsErrorCode.ImportedMaterial]: CannotRotateReason.ImportedMaterial,
  [KmsErrorCode.RSA]: CannotRotateReason.Asymmetric,
  [KmsErrorCode.Asymmetric]: CannotRotateReason.Asymmetric,
  [KmsErrorCode.KeyDisabled]: CannotRotateReason.Disabled,
  [KmsErrorCode.PendingDeletion]: CannotRotateReason.PendingDeletion,
  [KmsErrorCode.InvalidKeyState]: CannotRotateReason.KeyState,
};

/** A key's rotatability: rotatable, or the reason and the KMS code a rotation change would get. */
export type Rotatability =
  | { rotatable: true }
  | { rotatable: false; reason: CannotRotateReason; code: string; detail: string };

/** Whether KMS would let `key`'s rotation change now. */
export function rotatability(key: Pick<KeyInfo, "keyState" | "isDefaultKey" | "origin" | "keySpec">): Rotatability {
  const refusal = rotationRefusal({ ...key, keyState: KeyState.Enabled }) ?? rotationRefusal(key);
  if (refusal === undefined) return { rotatable: true };
  return { rotatable: false, reason: REASON_BY_CODE[refusal.code] ?? CannotRotateReason.KeyState, code: refusal.code, detail: refusal.reason };
}
