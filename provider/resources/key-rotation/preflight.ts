// What a preview can tell from one describe-key: whether KMS would refuse the rotation change a
// create is about to make, and with which code. Pure; the codes and rules are KMS's own (see
// kms-rules.ts), so a preview fails with the code and advice that `up` would get.
import { adviceFor } from "../../kms/error-advice.js";
import { KmsErrorCode } from "../../kms/kms-error-codes.js";
import { isAsymmetricKeySpec, KeyState, type KmsOperation } from "../../kms/kms-rules.js";
import type { KeyInfo } from "../../kms/kms-schemas.js";

/** Why KMS refuses every rotation change on a key. */
export interface RotationRefusal {
  code: string;
  reason: string;
}

/** The refusal KMS answers any rotation change of `key` with, or undefined when it allows them. */
export function rotationRefusal(key: Pick<KeyInfo, "keyState" | "isDefaultKey" | "origin" | "keySpec">): RotationRefusal | undefined {
  if (key.keyState === KeyState.Disabled) return { code: KmsErrorCode.KeyDisabled, reason: "the key is disabled" };
  if (key.keyState === KeyState.PendingDeletion) return { code: KmsErrorCode.PendingDeletion, reason: "the key is scheduled for deletion" };
  if (key.keyState !== KeyState.Enabled) return { code: KmsErrorCode.InvalidKeyState, reason: `the key's state (key_state ${key.keyState}) allows no rotation change` };
  if (key.isDefaultKey) return { code: KmsErrorCode.DefaultMasterKey, reason: "the key is a Default Master Key" };
  if (key.origin === "external") return { code: KmsErrorCode.ImportedMaterial, reason: "the key has imported key material" };
  const spec = key.keySpec ?? "";
  if (spec.startsWith("RSA_")) return { code: KmsErrorCode.RSA, reason: `the key is an RSA key (${spec})` };
  if (isAsymmetricKeySpec(spec)) return { code: KmsErrorCode.Asymmetric, reason: `the key is asymmetric (${spec})` };
  return undefined;
}

/**
 * Why a key cannot be imported: it is scheduled for deletion, or it can never rotate whatever its
 * state. A disabled (or frozen, or not yet active) key can: its rotation is recorded as it is and
 * can change once the key is enabled again.
 */
export function importRefusal(key: Pick<KeyInfo, "keyState" | "isDefaultKey" | "origin" | "keySpec">): RotationRefusal | undefined {
  const terminal = key.keyState === KeyState.PendingDeletion;
  return rotationRefusal({ ...key, keyState: terminal ? key.keyState : KeyState.Enabled });
}

/**
 * The first call a create would send from `liveEnabled` towards `wantEnabled`, when that alone
 * tells: turning rotation on or off. Undefined when rotation stays as it is (on → on may still
 * change the interval, which a preview cannot know without the status).
 */
export function firstWrite(liveEnabled: boolean, wantEnabled: boolean): KmsOperation | undefined {
  if (liveEnabled === wantEnabled) return undefined;
  return wantEnabled ? "enable-key-rotation" : "disable-key-rotation";
}

/** The one-line preview failure for a refused call: the code and the advice `up` would show. */
export function refusalMessage(keyId: string, operation: KmsOperation, refusal: RotationRefusal): string {
  return (
    `KMS would refuse ${operation} for key ${keyId}: ${refusal.code} (${refusal.reason}; checked by preview). ` +
    adviceFor(refusal.code, 400, operation)
  );
}

/** The one-line import failure for a key that cannot be managed: the code and what to do. */
export function importRefusalMessage(keyId: string, refusal: RotationRefusal): string {
  return (
    `cannot import the rotation of key ${keyId}: ${refusal.code} (${refusal.reason}), so KMS would refuse every change a KeyRotation makes. ` +
    adviceFor(refusal.code, 400, "enable-key-rotation")
  );
}
