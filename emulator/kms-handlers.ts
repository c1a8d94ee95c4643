// Validation and semantics of the eight KMS operations (docs/kms-api.md). Each request is a
// function of (state, project, raw body): no HTTP here, so every rule is testable on its own and
// the server only maps outcomes to responses.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import {
  ALL_KEY_SPECS,
  DEFAULT_ROTATION_INTERVAL_DAYS,
  isAsymmetricKeySpec,
  KEY_ID_PATTERN,
  KEY_SPECS,
  KeyState,
  LISTABLE_KEY_STATES,
  MAX_LIST_PAGE_SIZE,
  isValidRotationInterval,
  type KmsOperation,
} from "../provider/kms/kms-rules.js";
import type { AdminKey, KmsState } from "./kms-state.js";

/** What an operation answers: a 200 body, or an error for the `{"error":{...}}` envelope. */
export type Outcome =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; code: string; message: string };

export interface HandlerOptions {
  /** Answer get-key-rotation-status with strings, as the doc tables describe. */
  looseTypes: boolean;
}

export function apiError(status: number, code: string, message: string): Outcome & { ok: false } {
  return { ok: false, status, code, message };
}

const MAX_SEQUENCE_BYTES = 36;

type Body = Record<string, unknown>;

function parseBody(raw: string): Body | Outcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return apiError(400, KmsErrorCode.InvalidBody, "Invalid request body: not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return apiError(400, KmsErrorCode.InvalidBody, "Invalid request body: a JSON object is required");
  }
  return parsed as Body;
}

function isOutcome(value: unknown): value is Outcome {
  return typeof value === "object" && value !== null && "ok" in value;
}

/** The `key_id` of a body if it has a string one; used to label logs and match faults. */
export function peekKeyId(raw: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === "object" && parsed !== null && "key_id" in parsed && typeof parsed.key_id === "string") {
      return parsed.key_id;
    }
  } catch {
    // Not JSON: there is no key id to report.
  }
  return undefined;
}

function validateSequence(body: Body): Outcome | undefined {
  const sequence = body.sequence;
  if (
    sequence !== undefined &&
    (typeof sequence !== "string" || Buffer.byteLength(sequence, "utf8") > MAX_SEQUENCE_BYTES)
  ) {
    return apiError(400, KmsErrorCode.InvalidSequence, `Invalid sequence: a string of at most ${MAX_SEQUENCE_BYTES} bytes is required`);
  }
  return undefined;
}

function validateCommon(body: Body): string | Outcome {
  const keyId = body.key_id;
  if (keyId === undefined || keyId === null) {
    return apiError(400, KmsErrorCode.MissingParameter, "Missing required parameter: key_id");
  }
  if (typeof keyId !== "string" || !KEY_ID_PATTERN.test(keyId)) {
    return apiError(400, KmsErrorCode.InvalidKeyId, `Invalid key_id: it must match ${KEY_ID_PATTERN.source}`);
  }
  return validateSequence(body) ?? keyId;
}

/** A list-keys paging field: a string of digits (a number is tolerated), or undefined when absent. */
function pagingNumber(body: Body, field: "limit" | "marker"): number | undefined | Outcome {
  const value = body[field];
  if (value === undefined || value === null || value === "") return undefined;
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d{1,9}$/.test(text)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid ${field}: a string of digits is required`);
  }
  return Number(text);
}

/**
 * list-keys: the project's keys matching `key_state` and `key_spec` (AES_256 when absent, every
 * spec for "ALL"), one page of `limit` keys from offset `marker` (all of them without a limit),
 * in a stable order. `next_marker` is the offset of the next page.
 */
function listKeys(state: KmsState, projectId: string, body: Body): Outcome {
  const invalidSequence = validateSequence(body);
  if (invalidSequence) return invalidSequence;
  const limit = pagingNumber(body, "limit");
  if (isOutcome(limit)) return limit;
  if (limit !== undefined && (limit < 1 || limit > MAX_LIST_PAGE_SIZE)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid limit: from 1 to ${MAX_LIST_PAGE_SIZE} is required`);
  }
  const offset = pagingNumber(body, "marker");
  if (isOutcome(offset)) return offset;
  const keyState = body.key_state;
  if (keyState !== undefined && !(LISTABLE_KEY_STATES as readonly unknown[]).includes(keyState)) {
    return apiError(400, KmsErrorCode.InvalidParameter, "Invalid key_state: it must match ^[1-5]{1}$");
  }
  const keySpec = body.key_spec ?? "AES_256";
  if (keySpec !== ALL_KEY_SPECS && !(KEY_SPECS as readonly unknown[]).includes(keySpec)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid key_spec: one of ${[...KEY_SPECS, ALL_KEY_SPECS].join(", ")} is required`);
  }
  const matching = state
    .list()
    .filter((k) => k.projectId === projectId && (keyState === undefined || k.keyState === keyState) && (keySpec === ALL_KEY_SPECS || k.keySpec === keySpec));
  const start = Math.min(offset ?? 0, matching.length);
  const end = limit === undefined ? matching.length : Math.min(start + limit, matching.length);
  const page = matching.slice(start, end);
  const truncated = end < matching.length;
  return ok({
    keys: page.map((k) => k.keyId),
    key_details: page.map(keyInfo),
    next_marker: truncated ? String(end) : "",
    truncated: String(truncated),
    total: matching.length,
  });
}

function validateInterval(body: Body): number | Outcome {
  const interval = body.rotation_interval;
  if (interval === undefined || interval === null) {
    return apiError(400, KmsErrorCode.MissingParameter, "Missing required parameter: rotation_interval");
  }
  // The API types it Integer: a numeric string is a client bug worth surfacing, not coercing.
  if (typeof interval !== "number" || !isValidRotationInterval(interval)) {
    return apiError(400, KmsErrorCode.InvalidInterval, "Invalid rotation_interval: an integer from 30 to 365 is required");
  }
  return interval;
}

/** Why the key cannot have its rotation changed, or undefined when it can. */
export function rotationRefusal(key: AdminKey): Outcome | undefined {
  if (key.keyState === KeyState.Disabled) return apiError(400, KmsErrorCode.KeyDisabled, "The key is disabled");
  if (key.keyState === KeyState.PendingDeletion) {
    return apiError(400, KmsErrorCode.PendingDeletion, "The key is scheduled for deletion");
  }
  if (key.keyState !== KeyState.Enabled) return invalidState(key);
  if (key.defaultKeyFlag === "1") {
    return apiError(400, KmsErrorCode.DefaultMasterKey, "The operation is not allowed on a Default Master Key");
  }
  if (key.origin === "external") {
    return apiError(400, KmsErrorCode.ImportedMaterial, "Keys with imported key material cannot be rotated");
  }
  if (key.keySpec.startsWith("RSA_")) return apiError(400, KmsErrorCode.RSA, "RSA keys cannot be rotated");
  if (isAsymmetricKeySpec(key.keySpec)) return apiError(400, KmsErrorCode.Asymmetric, "Asymmetric keys cannot be rotated");
  return undefined;
}

// Not in docs/kms-api.md: the code for "pending activation/import" and "frozen" keys is a guess.
function invalidState(key: AdminKey): Outcome {
  return apiError(400, KmsErrorCode.InvalidKeyState, `The key state ${key.keyState} does not allow this operation`);
}

function rotationStatus(key: AdminKey, loose: boolean): Record<string, unknown> {
  // Never-rotated keys omit last_rotation_time (documented in emulator/README.md).
  const last = key.lastRotationTime ?? undefined;
  if (loose) {
    return {
      key_rotation_enabled: String(key.rotationEnabled),
      rotation_interval: String(key.rotationInterval),
      ...(last === undefined ? {} : { last_rotation_time: String(last) }),
      number_of_rotations: String(key.numberOfRotations),
    };
  }
  return {
    key_rotation_enabled: key.rotationEnabled,
    rotation_interval: key.rotationInterval,
    ...(last === undefined ? {} : { last_rotation_time: last }),
    number_of_rotations: key.numberOfRotations,
  };
}

function keyInfo(key: AdminKey): Record<string, unknown> {
  const asymmetric = isAsymmetricKeySpec(key.keySpec);
  return {
    key_id: key.keyId,
    domain_id: "emulator-domain",
    key_alias: key.keyAlias,
    realm: "emulator",
    key_description: "",
    creation_date: String(key.creationDate),
    scheduled_deletion_date: "",
    key_state: key.keyState,
    default_key_flag: key.defaultKeyFlag,
    key_type: "1",
    expiration_time: "",
    origin: key.origin,
    key_rotation_enabled: String(key.rotationEnabled),
    sys_enterprise_project_id: "0",
    key_spec: key.keySpec,
    key_usage: asymmetric ? "SIGN_VERIFY" : "ENCRYPT_DECRYPT",
  };
}

function ok(body: Record<string, unknown> = {}): Outcome {
  return { ok: true, body };
}

/** Operations that name their key in the body (everything but list-keys and the tag operations). */
type BodyKeyOperation = Exclude<KmsOperation, "list-keys" | TagOperation>;

/** The tag operations (kms-routes.ts): their key id, if any, comes from the path. */
const TAG_OPERATIONS = [
  "show-kms-tags",
  "create-kms-tag",
  "batch-create-kms-tags",
  "delete-tag",
  "list-kms-tags",
  "list-kms-by-tags",
] as const satisfies readonly KmsOperation[];
type TagOperation = (typeof TAG_OPERATIONS)[number];

function isTagOperation(op: KmsOperation): op is TagOperation {
  return (TAG_OPERATIONS as readonly string[]).includes(op);
}

function apply(state: KmsState, key: AdminKey, op: BodyKeyOperation, interval: number | undefined, opts: HandlerOptions): Outcome {
  switch (op) {
    case "describe-key":
      return ok({ key_info: keyInfo(key) });
    case "get-key-rotation-status":
      return ok(rotationStatus(key, opts.looseTypes));
    case "enable-key-rotation": {
      const refusal = rotationRefusal(key);
      if (refusal) return refusal;
      if (key.rotationEnabled) return apiError(400, KmsErrorCode.RotationAlreadyEnabled, "The rotation state of key is not disabled");
      // Enabling resets the interval to the default and does not rotate (docs/kms-api.md).
      state.put(key.keyId, { rotationEnabled: true, rotationInterval: DEFAULT_ROTATION_INTERVAL_DAYS });
      return ok();
    }
    case "disable-key-rotation": {
      const refusal = rotationRefusal(key);
      if (refusal) return refusal;
      if (!key.rotationEnabled) return apiError(400, KmsErrorCode.RotationNotEnabled, "Key rotation is not enabled");
      state.put(key.keyId, { rotationEnabled: false });
      return ok();
    }
    case "update-key-rotation-interval": {
      const refusal = rotationRefusal(key);
      if (refusal) return refusal;
      if (!key.rotationEnabled) return apiError(400, KmsErrorCode.RotationNotEnabled, "Key rotation is not enabled");
      state.put(key.keyId, { rotationInterval: interval });
      return ok();
    }
    case "enable-key":
      return setKeyEnabled(state, key, true);
    case "disable-key":
      return setKeyEnabled(state, key, false);
  }
}

// Only a disabled key can be enabled and only an enabled key disabled (docs/kms-api.md, "disable-key").
function setKeyEnabled(state: KmsState, key: AdminKey, enable: boolean): Outcome {
  if (key.defaultKeyFlag === "1") {
    return apiError(400, KmsErrorCode.DefaultMasterKey, "The operation is not allowed on a Default Master Key");
  }
  if (key.keyState === KeyState.PendingDeletion) return apiError(400, KmsErrorCode.PendingDeletion, "The key is scheduled for deletion");
  const from = enable ? KeyState.Disabled : KeyState.Enabled;
  const to = enable ? KeyState.Enabled : KeyState.Disabled;
  if (key.keyState !== from) {
    return key.keyState === KeyState.Disabled ? apiError(400, KmsErrorCode.KeyDisabled, "The key is disabled") : invalidState(key);
  }
  state.put(key.keyId, { keyState: to });
  return ok({ key_info: { key_id: key.keyId, key_state: to } });
}

/** Validates and performs one API call against the state of `projectId`. */
export function handleKmsOperation(
  state: KmsState,
  op: KmsOperation,
  projectId: string,
  rawBody: string,
  opts: HandlerOptions,
): Outcome {
  const body = parseBody(rawBody);
  if (isOutcome(body)) return body;
  if (op === "list-keys") return listKeys(state, projectId, body);
  if (isTagOperation(op)) {
    return apiError(404, KmsErrorCode.ApiNotFound, "The API does not exist or has not been published in the environment");
  }
  const keyId = validateCommon(body);
  if (isOutcome(keyId)) return keyId;
  let interval: number | undefined;
  if (op === "update-key-rotation-interval") {
    const parsed = validateInterval(body);
    if (isOutcome(parsed)) return parsed;
    interval = parsed;
  }
  const key = state.find(projectId, keyId);
  if (!key) return apiError(404, KmsErrorCode.KeyNotFound, `The key does not exist: ${keyId}`);
  return apply(state, key, op, interval, opts);
}
