// Every error code the project reads or writes, named once: the KMS and API-gateway codes of
// docs/kms-api.md ("Error codes") and the local codes this project gives failures that have no
// KMS code. The client, the resource logic and the emulator all use these names, so a code is
// spelled in one place.

/** Codes KMS and its API gateway answer with (docs/kms-api.md). */
export const KmsErrorCode = {
  /** 500: server error (the first of KMS.0100–KMS.0103). */
  ServerError: "KMS.0100",
  /** 500: server error; the emulator's default for injected faults. */
  InternalError: "KMS.0101",
  /** 503: service unavailable. */
  ServiceUnavailable: "KMS.0104",
  /** 400: the body is not valid JSON. */
  InvalidBody: "KMS.0202",
  /** 400: a parameter has a value the operation does not accept (a list-keys filter or page). */
  InvalidParameter: "KMS.0203",
  /** 400: a required parameter is missing. */
  MissingParameter: "KMS.0204",
  /** 400: invalid `key_id`. */
  InvalidKeyId: "KMS.0205",
  /** 400: invalid `sequence`. */
  InvalidSequence: "KMS.0206",
  /** 404: the key does not exist in this project and region. */
  KeyNotFound: "KMS.0207",
  /** 400: the key's state forbids the operation (the code is a guess, see docs/kms-api.md). */
  InvalidKeyState: "KMS.0208",
  /** 400: the key is disabled. */
  KeyDisabled: "KMS.0209",
  /** 400: the key is scheduled for deletion. */
  PendingDeletion: "KMS.0210",
  /** 400: not allowed on a Default Master Key. */
  DefaultMasterKey: "KMS.0211",
  /** 403: the token is missing (the first of KMS.0301–KMS.0305). */
  TokenMissing: "KMS.0301",
  /** 403: the token is invalid. */
  TokenInvalid: "KMS.0302",
  /** 403: the token has expired. */
  TokenExpired: "KMS.0303",
  /** 403: no permission for this action. */
  NoPermission: "KMS.0306",
  /** 403: no permission for this resource. */
  NoResourcePermission: "KMS.0307",
  /** 400: keys with imported material cannot rotate. */
  ImportedMaterial: "KMS.0312",
  /** 400: rotation is not enabled (disable, or an interval update, while off). */
  RotationNotEnabled: "KMS.0313",
  /** 403: the project in the URI does not match the credentials. */
  ProjectMismatch: "KMS.0321",
  /** 400: RSA keys cannot rotate. */
  RSA: "KMS.0324",
  /** 400: other asymmetric keys cannot rotate. */
  Asymmetric: "KMS.0325",
  /** 400: a tag operation was given an empty tag list. */
  TagListEmpty: "KMS.0401",
  /** 400: a tag value holds a character KMS refuses. */
  InvalidTagValue: "KMS.0405",
  /** 400: a tag key is empty or holds a character KMS refuses. */
  InvalidTagKey: "KMS.0406",
  /** 400: a tag list is longer than allowed. */
  TagListLength: "KMS.0407",
  /** 400: the key would carry more tags than allowed (10). */
  TooManyTags: "KMS.0409",
  /** 400: a tag value is longer than 43 characters. */
  TagValueTooLong: "KMS.0410",
  /** 400: a tag key is longer than 36 characters. */
  TagKeyTooLong: "KMS.0411",
  /** 400: a filter's tag key list is longer than allowed. */
  TagKeyListLength: "KMS.0412",
  /** 400: a filter's tag value list is longer than allowed. */
  TagValueListLength: "KMS.0413",
  /** 400: a listing's offset is below 0. */
  InvalidOffset: "KMS.0417",
  /** 400: rotation is not disabled, i.e. already enabled. */
  RotationAlreadyEnabled: "KMS.2901",
  /** 400: invalid `rotation_interval`. */
  InvalidInterval: "KMS.3001",
  /** 404: no such API at this endpoint (API gateway). */
  ApiNotFound: "APIG.0101",
  /** 401: the gateway refused the credentials or the signature. */
  Unauthorized: "APIG.0301",
  /** 429: throttled by the API gateway. */
  Throttled: "APIG.0308",
} as const;
export type KmsErrorCode = (typeof KmsErrorCode)[keyof typeof KmsErrorCode];

/** Codes this project assigns to failures that have no KMS code. */
export const LocalErrorCode = {
  /** The connection failed or broke (no HTTP response). */
  NetworkError: "NETWORK_ERROR",
  /** No complete response within the per-request timeout or the overall deadline. */
  Timeout: "TIMEOUT",
  /** KMS answered success with a body that does not match the documented shape. */
  InvalidResponse: "INVALID_RESPONSE",
  /** A key id or interval was rejected before sending anything. */
  InvalidArgument: "INVALID_ARGUMENT",
} as const;
export type LocalErrorCode = (typeof LocalErrorCode)[keyof typeof LocalErrorCode];
