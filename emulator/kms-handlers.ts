// Validation and semantics of the KMS operations (docs/kms-api.md): the eight that name their key
// in the body here, the tag operations in tag-handlers.ts. Each request is a function of (state,
// project, path parameters, raw body): no HTTP here, so every rule is testable on its own and the
// server only maps outcomes to responses.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import type { KmsRoute } from "../provider/kms/kms-routes.js";
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
import {
  apiError,
  isOutcome,
  keyInfo,
  ok,
  parseBody,
  validateSequence,
  type Body,
  type Outcome,
} from "./kms-wire.js";
import { handleTagOperation, isTagOperation, type TagOperation } from "./tag-handlers.js";

export { apiError, type Outcome } from "./kms-wire.js";

export interface HandlerOptions {
  /** Answer get-key-rotation-status with strings, as the doc tables describe. */
  looseTypes: boolean;
}

/**
 * The `key_id` of a body, as the request log parsed it, if it has a string one; used to label logs
 * and match faults. Taking the log's parse spares every request a second JSON.parse.
 */
export function keyIdOf(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null && "key_id" in body && typeof body.key_id === "string") {
    return body.key_id;
  }
  // Not a JSON object (text that did not parse is logged as a string): there is no key id to report.
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
    .listProject(projectId)
    .filter((k) => (keyState === undefined || k.keyState === keyState) && (keySpec === ALL_KEY_SPECS || k.keySpec === keySpec));
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
  // Fields are added in the order of the answer; this read is every refreshed key's one request.
  const status: Record<string, unknown> = loose
    ? { key_rotation_enabled: String(key.rotationEnabled), rotation_interval: String(key.rotationInterval) }
    : { key_rotation_enabled: key.rotationEnabled, rotation_interval: key.rotationInterval };
  if (last !== undefined) status.last_rotation_time = loose ? String(last) : last;
  status.number_of_rotations = loose ? String(key.numberOfRotations) : key.numberOfRotations;
  return status;
}

/** Operations that name their key in the body (everything but list-keys and the tag operations). */
type BodyKeyOperation = Exclude<KmsOperation, "list-keys" | TagOperation>;

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

/**
 * Validates and performs one API call against the state of `projectId`; `route` is the operation
 * with the path parameters it was called with (kms-routes.ts).
 */
export function handleKmsOperation(
  state: KmsState,
  route: KmsRoute,
  projectId: string,
  rawBody: string,
  opts: HandlerOptions,
): Outcome {
  const op = route.operation;
  if (isTagOperation(op)) return handleTagOperation(state, { operation: op, keyId: route.keyId, tagKey: route.tagKey }, projectId, rawBody);
  const body = parseBody(rawBody);
  if (isOutcome(body)) return body;
  if (op === "list-keys") return listKeys(state, projectId, body);
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
