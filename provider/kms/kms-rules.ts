// The service's own rules (docs/kms-api.md), shared by input validation, the client and the
// emulator so that all three agree on what KMS accepts.

/** `key_id`: 36 characters, lower-case letters and digits in UUID groups. */
export const KEY_ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;

/** Rotation interval bounds in days, inclusive. */
export const MIN_ROTATION_INTERVAL_DAYS = 30;
export const MAX_ROTATION_INTERVAL_DAYS = 365;

/** The interval KMS sets when rotation is enabled. */
export const DEFAULT_ROTATION_INTERVAL_DAYS = 365;

/** `key_state` values. */
export const KeyState = {
  PendingActivation: "1",
  Enabled: "2",
  Disabled: "3",
  PendingDeletion: "4",
  PendingImport: "5",
  Frozen: "7",
} as const;
export type KeyState = (typeof KeyState)[keyof typeof KeyState];

/** KMS operations this project uses; each is `POST /v1.0/{project_id}/kms/<operation>`. */
export const KMS_OPERATIONS = [
  "enable-key-rotation",
  "disable-key-rotation",
  "update-key-rotation-interval",
  "get-key-rotation-status",
  "describe-key",
  "enable-key",
  "disable-key",
] as const;
export type KmsOperation = (typeof KMS_OPERATIONS)[number];

export function isValidKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

export function isValidRotationInterval(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_ROTATION_INTERVAL_DAYS && value <= MAX_ROTATION_INTERVAL_DAYS;
}
