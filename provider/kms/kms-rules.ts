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

/**
 * KMS operations this project knows. The first eight are `POST /v1.0/{project_id}/kms/<operation>`;
 * the tag operations (named after Huawei's SDK: ShowKmsTags, CreateKmsTag, BatchCreateKmsTags,
 * DeleteTag, ListKmsTags, ListKmsByTags) have their own methods and paths (kms-routes.ts).
 */
export const KMS_OPERATIONS = [
  "enable-key-rotation",
  "disable-key-rotation",
  "update-key-rotation-interval",
  "get-key-rotation-status",
  "describe-key",
  "enable-key",
  "disable-key",
  "list-keys",
  "show-kms-tags",
  "create-kms-tag",
  "batch-create-kms-tags",
  "delete-tag",
  "list-kms-tags",
  "list-kms-by-tags",
] as const;
export type KmsOperation = (typeof KMS_OPERATIONS)[number];

/** IAM operations this project calls (signed like KMS calls): the projects the credentials may use. */
export const IAM_OPERATIONS = ["list-auth-projects"] as const;
export type IamOperation = (typeof IAM_OPERATIONS)[number];

/** Any call the client machinery runs: a KMS operation or an IAM one. */
export type ApiOperation = KmsOperation | IamOperation;

export function isValidKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

export function isValidRotationInterval(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_ROTATION_INTERVAL_DAYS && value <= MAX_ROTATION_INTERVAL_DAYS;
}

/** Asymmetric specs (RSA, EC, secp256k1, SM2): KMS rotates none of them. */
const ASYMMETRIC_SPEC = /^(RSA_|EC_|SECP256K1|SM2)/;

/** Whether `keySpec` names an asymmetric key, which KMS cannot rotate. */
export function isAsymmetricKeySpec(keySpec: string): boolean {
  return ASYMMETRIC_SPEC.test(keySpec);
}

/** `key_spec` values list-keys filters on; without a filter it lists AES_256 keys only. */
export const KEY_SPECS = ["AES_256", "SM4", "RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "SM2"] as const;
/** The list-keys `key_spec` filter that lists keys of every spec, asymmetric ones included. */
export const ALL_KEY_SPECS = "ALL";
/** `key_state` values list-keys filters on (`^[1-5]$`). */
export const LISTABLE_KEY_STATES = ["1", "2", "3", "4", "5"] as const;
/** The page size list-keys is asked for unless told otherwise; and the largest it accepts here. */
export const DEFAULT_LIST_PAGE_SIZE = 1000;
export const MAX_LIST_PAGE_SIZE = 1000;

/** Key tags (docs/kms-api.md, "Key tags"): at most this many per key. */
export const MAX_TAGS_PER_KEY = 10;
/** A tag key is 1 to 36 characters. */
export const MAX_TAG_KEY_LENGTH = 36;
/** A tag value is 0 to 43 characters. */
export const MAX_TAG_VALUE_LENGTH = 43;
/** Characters neither a tag key nor a tag value may hold: ASCII 0-31 and `* < > \ =`. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what KMS refuses
export const TAG_FORBIDDEN_CHARACTERS = /[\u0000-\u001f*<>\\=]/;
/** The largest page list-kms-by-tags (resource_instances/action) answers. */
export const MAX_TAG_FILTER_LIMIT = 1000;
/** The page list-kms-by-tags answers when `limit` is left out. */
export const DEFAULT_TAG_FILTER_LIMIT = 10;
