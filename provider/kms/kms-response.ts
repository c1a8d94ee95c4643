// What one KMS answer means: a success body becomes the typed value, anything else a KmsApiError
// that says what happened, whether another try may help and whether the call may have landed.
// Pure (no I/O, no clock, no state), so each rule is tested on its own (kms-response.test.ts).
import type { z } from "zod";
import type { Redactor } from "../config/kms-config.js";
import type { HttpResponse, TransportError } from "../transport/http-request.js";
import { isRetryableOutcome, mayHaveLanded } from "../transport/retry-policy.js";
import { KmsApiError, oneLine } from "./kms-api-error.js";
import { LocalErrorCode } from "./kms-error-codes.js";
import { isValidKeyId, type ApiOperation } from "./kms-rules.js";
import { kmsSchemas } from "./kms-schemas.js";

/** The call an answer belongs to. */
export interface CallContext {
  operation: ApiOperation;
  /** Absent for calls about no single key (list-keys). */
  keyId?: string;
  /** Named in transport failures, so the user sees where the client tried to go. */
  endpoint: string;
  /** Applied to every service-provided text that goes into an error. */
  redact: Redactor;
}

/** How far the call got when this answer arrived. */
export interface AttemptTally {
  /** Attempts made, this one included. */
  attempts: number;
  /** Whether an earlier attempt of the same call may have landed. */
  landedBefore: boolean;
}

/** An answer's meaning: the value, or the error to retry or throw. */
export type Interpretation<T> = { ok: true; value: T } | { ok: false; error: KmsApiError };

/** An absolute deadline and how to name it in the error when it passes. */
export interface OperationDeadline {
  /** Epoch milliseconds, on the clock of `now`. */
  at: number;
  /** What set it, e.g. `customTimeouts.update of 2s`. */
  description: string;
  /** What to do about it, for the error's advice. */
  advice: string;
}

/** The parts of an error body KMS documents (`{"error": {...}}` or flat). */
export interface ParsedErrorBody {
  code: string;
  kmsMessage?: string;
  requestId?: string;
}

/** Node's codes for a server certificate it does not trust. */
const TLS_ERROR_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const TLS_ADVICE =
  "The endpoint's TLS certificate is not trusted: check the endpoint; for a private CA, add its certificate with NODE_EXTRA_CA_CERTS (certificate checks stay on).";

/** An argument refused before anything was sent (nothing can have landed). */
export function invalidArgument(operation: ApiOperation, problem: string, advice: string, redact: Redactor, keyId?: string): KmsApiError {
  return new KmsApiError({
    status: 0,
    code: LocalErrorCode.InvalidArgument,
    kmsMessage: redact(problem),
    operation,
    ...(keyId !== undefined && isValidKeyId(keyId) ? { keyId } : {}),
    retryable: false,
    mayHaveLanded: false,
    attempts: 0,
    advice,
  });
}

/** A 2xx answer parsed with `schema`, or INVALID_RESPONSE when the body is not what KMS documents. */
export function interpretSuccess<S extends z.ZodType>(
  ctx: CallContext,
  schema: S,
  response: HttpResponse,
  tally: AttemptTally,
): Interpretation<z.output<S>> {
  const requestId = response.headers["x-request-id"];
  const invalid = (problem: string): Interpretation<z.output<S>> => ({
    ok: false,
    error: new KmsApiError({
      status: response.status,
      code: LocalErrorCode.InvalidResponse,
      kmsMessage: ctx.redact(problem),
      operation: ctx.operation,
      keyId: ctx.keyId,
      ...(requestId !== undefined ? { requestId: ctx.redact(requestId) } : {}),
      retryable: false,
      mayHaveLanded: tally.landedBefore || mayHaveLanded({ kind: "response", status: response.status }),
      attempts: tally.attempts,
    }),
  });
  let json: unknown;
  try {
    json = response.body.trim() === "" ? {} : JSON.parse(response.body);
  } catch {
    return invalid(`body is not JSON: ${oneLine(response.body, 120)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    return invalid(`unexpected ${ctx.operation} response (${issues})`);
  }
  return { ok: true, value: parsed.data };
}

/** Code, message and request id of an error answer; `HTTP_<status>` when the body names no code. */
export function parseErrorBody(response: HttpResponse): ParsedErrorBody {
  const fallback = `HTTP_${response.status}`;
  const text = response.body.trim();
  if (text === "") return { code: fallback };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Gateways and proxies answer with HTML or plain text; keep a readable excerpt.
    return { code: fallback, kmsMessage: oneLine(text.replace(/<[^>]*>/g, " "), 200) };
  }
  const parsed = kmsSchemas().errorBody.safeParse(json);
  if (!parsed.success || parsed.data.error_code === undefined || parsed.data.error_code === "") {
    return { code: fallback, kmsMessage: oneLine(text, 200) };
  }
  const out: ParsedErrorBody = { code: parsed.data.error_code };
  if (parsed.data.error_msg !== undefined) out.kmsMessage = parsed.data.error_msg;
  if (parsed.data.request_id !== undefined) out.requestId = parsed.data.request_id;
  return out;
}

/** A non-2xx answer as an error; the `X-Request-Id` header wins over the body's request id. */
export function httpError(ctx: CallContext, response: HttpResponse, tally: AttemptTally): KmsApiError {
  const parsed = parseErrorBody(response);
  const requestId = response.headers["x-request-id"] ?? parsed.requestId;
  const outcome = { kind: "response", status: response.status } as const;
  return new KmsApiError({
    status: response.status,
    code: ctx.redact(parsed.code),
    ...(parsed.kmsMessage !== undefined ? { kmsMessage: ctx.redact(parsed.kmsMessage) } : {}),
    operation: ctx.operation,
    keyId: ctx.keyId,
    ...(requestId !== undefined ? { requestId: ctx.redact(oneLine(requestId, 100)) } : {}),
    retryable: isRetryableOutcome(outcome),
    mayHaveLanded: tally.landedBefore || mayHaveLanded(outcome),
    attempts: tally.attempts,
  });
}

/** Any HTTP answer: the value of a 2xx, else the error. */
export function interpretResponse<S extends z.ZodType>(
  ctx: CallContext,
  schema: S,
  response: HttpResponse,
  tally: AttemptTally,
): Interpretation<z.output<S>> {
  if (response.status >= 200 && response.status < 300) return interpretSuccess(ctx, schema, response, tally);
  return { ok: false, error: httpError(ctx, response, tally) };
}

/** No HTTP answer: NETWORK_ERROR or TIMEOUT, with certificate advice for an untrusted server. */
export function transportFailure(ctx: CallContext, err: TransportError | undefined, tally: AttemptTally): KmsApiError {
  const timeout = err?.kind === "timeout";
  const detail = err?.message ?? "no response";
  const tls = err?.code !== undefined && TLS_ERROR_CODES.has(err.code);
  return new KmsApiError({
    status: 0,
    code: timeout ? LocalErrorCode.Timeout : LocalErrorCode.NetworkError,
    kmsMessage: ctx.redact(`${detail} (${ctx.endpoint})`),
    operation: ctx.operation,
    keyId: ctx.keyId,
    retryable: timeout || (err !== undefined && isRetryableOutcome({ kind: "network", code: err.code })),
    mayHaveLanded: tally.landedBefore || (err?.mayHaveLanded ?? false),
    attempts: tally.attempts,
    ...(tls ? { advice: TLS_ADVICE } : {}),
    ...(err !== undefined ? { cause: err } : {}),
  });
}

/** What bounded the call: the client's own `deadlineMs` and, when set, the operation's deadline. */
export interface DeadlineSettings {
  deadlineMs: number;
  operationDeadline?: OperationDeadline;
  /** Epoch milliseconds when the deadline was found to have passed. */
  now: number;
}

/**
 * TIMEOUT because a deadline passed. The operation deadline speaks when it is the one that ran
 * out, so the user learns which setting to raise. `cause` is the request it cut short, if any.
 */
export function deadlineError(ctx: CallContext, tally: AttemptTally, deadline: DeadlineSettings, cause?: TransportError): KmsApiError {
  const own = deadline.operationDeadline !== undefined && deadline.now >= deadline.operationDeadline.at - 1 ? deadline.operationDeadline : undefined;
  return new KmsApiError({
    status: 0,
    code: LocalErrorCode.Timeout,
    kmsMessage: own ? `${own.description} passed` : `overall deadline of ${deadline.deadlineMs} ms passed`,
    operation: ctx.operation,
    keyId: ctx.keyId,
    retryable: true,
    mayHaveLanded: tally.landedBefore || (cause?.mayHaveLanded ?? false),
    attempts: tally.attempts,
    ...(own ? { advice: own.advice } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}
