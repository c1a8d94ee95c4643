// The single error type of the KMS client. It carries everything needed to act on a failure
// (status, code, request id) and a one-line message a user can act on without reading code.
import { errorMarker, KmsProviderError } from "../errors/kms-provider-error.js";
import { adviceFor } from "./error-advice.js";
import { IAM_OPERATIONS, type ApiOperation } from "./kms-rules.js";

export const KMS_API_ERROR_NAME = "KmsApiError";
const markerName = errorMarker(KMS_API_ERROR_NAME);
const marker = Symbol.for(markerName);

export interface KmsApiErrorFields {
  /** HTTP status; 0 when there was no HTTP response. */
  status: number;
  /** KMS/APIG code, or a local one (`NETWORK_ERROR`, `TIMEOUT`, `INVALID_RESPONSE`, `INVALID_ARGUMENT`). */
  code: string;
  /** The service's own `error_msg` (or a short excerpt of a non-JSON body). */
  kmsMessage?: string;
  operation: ApiOperation;
  keyId?: string;
  /** `X-Request-Id` of the last response, for Huawei support. */
  requestId?: string;
  /** Whether trying the same call again later may succeed. */
  retryable: boolean;
  /**
   * Whether KMS may have acted on the call although no attempt was seen to succeed: true when
   * any attempt timed out, broke after the connection was made, or got a retryable 5xx.
   */
  mayHaveLanded: boolean;
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

/** A failed KMS call. Recognize it with {@link KmsApiError.isInstance}, not `instanceof`. */
export class KmsApiError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [marker] = true;
  override readonly name = KMS_API_ERROR_NAME;
  readonly status: number;
  readonly code: string;
  readonly kmsMessage?: string;
  readonly operation: ApiOperation;
  readonly keyId?: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly mayHaveLanded: boolean;
  readonly attempts: number;

  constructor(fields: KmsApiErrorFields) {
    super(formatMessage(fields), { cause: fields.cause });
    this.status = fields.status;
    this.code = fields.code;
    if (fields.kmsMessage !== undefined) this.kmsMessage = oneLine(fields.kmsMessage);
    this.operation = fields.operation;
    if (fields.keyId !== undefined) this.keyId = fields.keyId;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    this.retryable = fields.retryable;
    this.mayHaveLanded = fields.mayHaveLanded;
    this.attempts = fields.attempts;
  }

  /** Whether `error` is a KmsApiError, from any copy of this package. */
  static override isInstance(error: unknown): error is KmsApiError {
    return KmsProviderError.hasMarker(error, markerName);
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
      mayHaveLanded: this.mayHaveLanded,
      attempts: this.attempts,
    };
  }
}

function formatMessage(f: KmsApiErrorFields): string {
  const target = f.keyId === undefined ? "" : ` for key ${f.keyId}`;
  const what = f.status === 0 ? f.code : `HTTP ${f.status} ${f.code}`;
  const said = f.kmsMessage === undefined || f.kmsMessage.trim() === "" ? "" : ` "${oneLine(f.kmsMessage)}"`;
  const tries = f.attempts > 1 ? ` after ${f.attempts} attempts` : "";
  const advice = f.advice ?? adviceFor(f.code, f.status, f.operation);
  const reqId = f.requestId === undefined ? "" : ` (request id ${f.requestId})`;
  // IAM's calls run through the same machinery; the message names the service that answered.
  const service = (IAM_OPERATIONS as readonly string[]).includes(f.operation) ? "IAM" : "KMS";
  return `${service} ${f.operation}${target} failed${tries}: ${what}${said}. ${advice}${reqId}`;
}
