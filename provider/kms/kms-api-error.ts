// The single error type of the KMS client. It carries everything needed to act on a failure
// (status, code, request id) and a one-line message a user can act on without reading code.
import { adviceFor } from "./error-advice.js";
import type { KmsOperation } from "./kms-rules.js";

export const KMS_API_ERROR_NAME = "KmsApiError";

export interface KmsApiErrorFields {
  /** HTTP status; 0 when there was no HTTP response. */
  status: number;
  /** KMS/APIG code, or a local one (`NETWORK_ERROR`, `TIMEOUT`, `INVALID_RESPONSE`, `INVALID_ARGUMENT`). */
  code: string;
  /** The service's own `error_msg` (or a short excerpt of a non-JSON body). */
  kmsMessage?: string;
  operation: KmsOperation;
  keyId?: string;
  /** `X-Request-Id` of the last response, for Huawei support. */
  requestId?: string;
  /** Whether trying the same call again later may succeed. */
  retryable: boolean;
  /** Attempts made (0 when rejected before sending). */
  attempts: number;
  /** Overrides the generated advice. */
  advice?: string;
  cause?: unknown;
}

const MAX_KMS_MESSAGE = 300;

/** Makes a service-provided text safe for a one-line message. */
export function oneLine(text: string, max = MAX_KMS_MESSAGE): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A failed KMS call. Recognize it with {@link isKmsApiError}, not `instanceof`. */
export class KmsApiError extends Error {
  override readonly name = KMS_API_ERROR_NAME;
  readonly status: number;
  readonly code: string;
  readonly kmsMessage?: string;
  readonly operation: KmsOperation;
  readonly keyId?: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(fields: KmsApiErrorFields) {
    super(formatMessage(fields), fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.code = fields.code;
    if (fields.kmsMessage !== undefined) this.kmsMessage = oneLine(fields.kmsMessage);
    this.operation = fields.operation;
    if (fields.keyId !== undefined) this.keyId = fields.keyId;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    this.retryable = fields.retryable;
    this.attempts = fields.attempts;
  }

  /** Same as {@link isKmsApiError}. */
  static is(e: unknown): e is KmsApiError {
    return isKmsApiError(e);
  }

  /** Plain data, so the error survives JSON and structured-clone boundaries with its fields. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      kmsMessage: this.kmsMessage,
      operation: this.operation,
      keyId: this.keyId,
      requestId: this.requestId,
      retryable: this.retryable,
      attempts: this.attempts,
    };
  }
}

/** Recognizes a KmsApiError by its name and fields, so it works across realms and serialization. */
export function isKmsApiError(e: unknown): e is KmsApiError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    o.name === KMS_API_ERROR_NAME &&
    typeof o.status === "number" &&
    typeof o.code === "string" &&
    typeof o.operation === "string" &&
    typeof o.retryable === "boolean"
  );
}

function formatMessage(f: KmsApiErrorFields): string {
  const target = f.keyId === undefined ? "" : ` for key ${f.keyId}`;
  const what = f.status === 0 ? f.code : `HTTP ${f.status} ${f.code}`;
  const said = f.kmsMessage === undefined || f.kmsMessage.trim() === "" ? "" : ` "${oneLine(f.kmsMessage)}"`;
  const tries = f.attempts > 1 ? ` after ${f.attempts} attempts` : "";
  const advice = f.advice ?? adviceFor(f.code, f.status, f.operation);
  const reqId = f.requestId === undefined ? "" : ` (request id ${f.requestId})`;
  return `KMS ${f.operation}${target} failed${tries}: ${what}${said}. ${advice}${reqId}`;
}
