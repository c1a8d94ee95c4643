// What every KMS handler shares: the outcome of a request (a body, no content, or an error for
// the `{"error":{...}}` envelope), the parsing of a JSON body, the `sequence` check, and a key as
// describe-key shows it. Pure; the server maps outcomes to HTTP answers.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import { isAsymmetricKeySpec } from "../provider/kms/kms-rules.js";
import { DEFAULT_DOMAIN_ID } from "./config.js";
import type { AdminKey } from "./kms-state.js";

/**
 * What an operation answers: a 200 body; no body at all (204 No Content, as KMS answers tag
 * writes); or an error.
 */
export type Outcome =
  | { ok: true; body: Record<string, unknown> }
  | { ok: true; body?: undefined }
  | { ok: false; status: number; code: string; message: string };

export type Body = Record<string, unknown>;

export function apiError(status: number, code: string, message: string): Outcome & { ok: false } {
  return { ok: false, status, code, message };
}

export function ok(body: Record<string, unknown> = {}): Outcome {
  return { ok: true, body };
}

/** Success without a body: the 204 of the tag writes. */
export function noContent(): Outcome {
  return { ok: true };
}

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === "object" && value !== null && "ok" in value;
}

export function parseBody(raw: string): Body | Outcome {
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

const MAX_SEQUENCE_BYTES = 36;

export function validateSequence(body: Body): Outcome | undefined {
  const sequence = body.sequence;
  if (
    sequence !== undefined &&
    (typeof sequence !== "string" || Buffer.byteLength(sequence, "utf8") > MAX_SEQUENCE_BYTES)
  ) {
    return apiError(400, KmsErrorCode.InvalidSequence, `Invalid sequence: a string of at most ${MAX_SEQUENCE_BYTES} bytes is required`);
  }
  return undefined;
}

/** The key as describe-key's `key_info` (and list-keys' `key_details`) show it: strings throughout. */
export function keyInfo(key: AdminKey): Record<string, unknown> {
  const asymmetric = isAsymmetricKeySpec(key.keySpec);
  return {
    key_id: key.keyId,
    // The account IAM lists every project in, so a key and its project name the same account.
    domain_id: DEFAULT_DOMAIN_ID,
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
