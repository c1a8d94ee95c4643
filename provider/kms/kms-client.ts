// The provider's only way to talk to KMS: typed operations over signed HTTP calls, with
// validation before sending, retries with backoff, a per-origin concurrency budget shared by the
// whole process, and errors that say what to do.
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { createRedactor, normalizeEndpoint, secretsOf, type KmsClientConfig, type Redactor } from "../config/kms-config.js";
import { gateForOrigin, type OriginGate } from "../transport/concurrency.js";
import { sendHttpRequest, TransportError, type HttpResponse } from "../transport/http-request.js";
import {
  isRetryableOutcome,
  mayHaveLanded,
  parseRetryAfterMs,
  retryDelayMs,
  type AttemptOutcome,
  type BackoffOptions,
  DEFAULT_BACKOFF,
} from "../transport/retry-policy.js";
import { KmsErrorCode, LocalErrorCode } from "./kms-error-codes.js";
import { KmsApiError, oneLine } from "./kms-api-error.js";
import { buildKmsRequest } from "./kms-request.js";
import {
  isValidKeyId,
  isValidRotationInterval,
  KEY_ID_PATTERN,
  MAX_ROTATION_INTERVAL_DAYS,
  MIN_ROTATION_INTERVAL_DAYS,
  type KmsOperation,
} from "./kms-rules.js";
import { kmsSchemas, type KeyInfo, type KeyStateChange, type RotationStatus } from "./kms-schemas.js";

export type { KeyInfo, KeyStateChange, RotationStatus } from "./kms-schemas.js";

/** Receives one line per attempt; lines never contain credentials. */
export interface KmsLogger {
  debug(msg: string): void;
}

export interface KmsClientOptions {
  /** undici dispatcher (a MockAgent in tests); default: the process-wide keep-alive pool. */
  dispatcher?: Dispatcher;
  logger?: KmsLogger;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Request serial numbers (`sequence`); default: random UUIDs. */
  newSequence?: () => string;
  /** Backoff ceilings; default 500 ms doubling up to 20 s. */
  backoff?: BackoffOptions;
  /**
   * A deadline for everything this client does (e.g. a resource's `customTimeouts`), on top of
   * each call's own `deadlineMs`: no attempt starts and no request runs past it.
   */
  deadline?: OperationDeadline;
}

/** An absolute deadline and how to name it in the error when it passes. */
export interface OperationDeadline {
  /** Epoch milliseconds, on the clock of `now`. */
  at: number;
  /** What set it, e.g. `customTimeouts.update of 2s`. */
  description: string;
  /** What to do about it, for the error's advice. */
  advice: string;
}

/**
 * For enable/disable rotation: the error code that means "already in the requested state". It
 * counts as success only when an earlier attempt of the same call may have landed.
 */
const ALREADY_IN_STATE: Partial<Record<KmsOperation, string>> = {
  "enable-key-rotation": KmsErrorCode.RotationAlreadyEnabled,
  "disable-key-rotation": KmsErrorCode.RotationNotEnabled,
};

interface AttemptResult {
  outcome: AttemptOutcome;
  response?: HttpResponse;
  transportError?: TransportError;
  attemptStart: number;
  /** The operation deadline, not the per-request timeout, bounded this attempt. */
  cutByDeadline: boolean;
}

interface ParsedError {
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

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Typed KMS operations for one endpoint, project and set of credentials. */
export class KmsClient {
  private readonly config: KmsClientConfig;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly logger: KmsLogger | undefined;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly newSequence: () => string;
  private readonly backoff: BackoffOptions;
  private readonly redactor: Redactor;
  private readonly gate: OriginGate;
  private readonly deadline: OperationDeadline | undefined;

  constructor(config: KmsClientConfig, options: KmsClientOptions = {}) {
    // Re-validated here too: a hand-built config must not bypass the http:// refusal.
    this.config = { ...config, endpoint: normalizeEndpoint(config.endpoint) };
    this.dispatcher = options.dispatcher;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? (() => new Date());
    this.newSequence = options.newSequence ?? randomUUID;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.redactor = createRedactor(secretsOf(config));
    this.gate = gateForOrigin(new URL(this.config.endpoint).origin, config.maxConcurrency);
    this.deadline = options.deadline;
  }

  /** Whether rotation is on, its interval, when it last rotated and how often. */
  async getKeyRotationStatus(keyId: string): Promise<RotationStatus> {
    return this.call("get-key-rotation-status", keyId, {}, kmsSchemas().rotationStatus);
  }

  /** Turns rotation on (KMS then uses a 365-day interval until it is updated). */
  async enableKeyRotation(keyId: string): Promise<void> {
    await this.call("enable-key-rotation", keyId, {}, kmsSchemas().empty);
  }

  async disableKeyRotation(keyId: string): Promise<void> {
    await this.call("disable-key-rotation", keyId, {}, kmsSchemas().empty);
  }

  /** Sets the rotation interval (whole days, 30 to 365); rotation must be enabled. */
  async updateKeyRotationInterval(keyId: string, intervalDays: number): Promise<void> {
    if (!isValidRotationInterval(intervalDays)) {
      throw this.invalidArgument(
        "update-key-rotation-interval",
        `intervalDays ${String(intervalDays)} is not a whole number from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}`,
        `Set the rotation interval to a whole number of days from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}.`,
        keyId,
      );
    }
    await this.call("update-key-rotation-interval", keyId, { rotation_interval: intervalDays }, kmsSchemas().empty);
  }

  async describeKey(keyId: string): Promise<KeyInfo> {
    return this.call("describe-key", keyId, {}, kmsSchemas().describeKey);
  }

  async enableKey(keyId: string): Promise<KeyStateChange> {
    return this.call("enable-key", keyId, {}, kmsSchemas().keyStateChange);
  }

  async disableKey(keyId: string): Promise<KeyStateChange> {
    return this.call("disable-key", keyId, {}, kmsSchemas().keyStateChange);
  }

  private invalidArgument(operation: KmsOperation, problem: string, advice: string, keyId?: string): KmsApiError {
    return new KmsApiError({
      status: 0,
      code: LocalErrorCode.InvalidArgument,
      kmsMessage: this.redactor(problem),
      operation,
      ...(keyId !== undefined && isValidKeyId(keyId) ? { keyId } : {}),
      retryable: false,
      attempts: 0,
      advice,
    });
  }

  private async call<S extends z.ZodType>(
    operation: KmsOperation,
    keyId: string,
    extra: Readonly<Record<string, string | number>>,
    schema: S,
  ): Promise<z.output<S>> {
    if (typeof keyId !== "string" || !isValidKeyId(keyId)) {
      throw this.invalidArgument(
        operation,
        `keyId must match ${KEY_ID_PATTERN.source}, got ${typeof keyId === "string" ? JSON.stringify(oneLine(keyId, 60)) : typeof keyId}`,
        "Use the 36-character KMS key id (e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f), not the alias or ARN-like name.",
      );
    }
    // One sequence for the whole logical call, so KMS can tell retries from new requests.
    const payload = { key_id: keyId, ...extra, sequence: this.newSequence() };
    const maxAttempts = Math.max(0, Math.floor(this.config.maxRetries)) + 1;
    const started = this.now().getTime();
    const deadlineAt = Math.min(started + this.config.deadlineMs, this.deadline?.at ?? Infinity);
    let mayHaveApplied = false;
    let lastError: KmsApiError | undefined;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const { outcome, response, transportError, attemptStart, cutByDeadline } = await this.attemptOnce(
        operation,
        keyId,
        payload,
        deadlineAt,
        () => lastError ?? this.deadlineError(operation, keyId, attempt - 1),
      );
      const durationMs = this.now().getTime() - attemptStart;
      const requestId = response?.headers["x-request-id"];
      if (response && response.status >= 200 && response.status < 300) {
        this.log(operation, keyId, attempt, maxAttempts, String(response.status), durationMs, requestId);
        return this.parseSuccess(operation, keyId, schema, response, attempt);
      }

      const error = response
        ? this.httpError(operation, keyId, response, attempt)
        : cutByDeadline && transportError?.kind === "timeout"
          ? this.deadlineError(operation, keyId, attempt, transportError)
          : this.transportFailure(operation, keyId, transportError, attempt);
      lastError = error;

      const already = ALREADY_IN_STATE[operation];
      if (already !== undefined && error.code === already && mayHaveApplied) {
        this.log(operation, keyId, attempt, maxAttempts, `${error.status} ${error.code}`, durationMs, error.requestId, "already in the requested state after an uncertain attempt: success");
        return schema.parse({});
      }
      if (mayHaveLanded(outcome)) mayHaveApplied = true;

      const now = this.now().getTime();
      let delayMs: number | undefined;
      if (isRetryableOutcome(outcome)) {
        const retryAfterMs = response ? parseRetryAfterMs(response.headers["retry-after"], new Date(now)) : undefined;
        delayMs = retryDelayMs(attempt - 1, retryAfterMs, this.random, this.backoff);
        // Throttling is about the origin, not this call: everyone holds off, even if we give up.
        if (outcome.kind === "response" && outcome.status === 429) this.gate.backoffUntil(now + delayMs);
      }
      const statusText = error.status === 0 ? error.code : `${error.status} ${error.code}`;
      if (delayMs === undefined || attempt >= maxAttempts || now + delayMs >= deadlineAt) {
        const note = delayMs === undefined ? undefined : attempt >= maxAttempts ? "giving up: no attempts left" : "giving up: deadline";
        this.log(operation, keyId, attempt, maxAttempts, statusText, durationMs, error.requestId, note);
        throw error;
      }
      this.log(operation, keyId, attempt, maxAttempts, statusText, durationMs, error.requestId, `retrying in ${delayMs} ms`);
      await this.sleep(delayMs);
    }
    // Unreachable: the last attempt either returned or threw.
    throw lastError ?? this.deadlineError(operation, keyId, maxAttempts);
  }

  /** One attempt holding a concurrency slot: waits out shared throttling, signs, sends. */
  private async attemptOnce(
    operation: KmsOperation,
    keyId: string,
    payload: Readonly<Record<string, string | number>>,
    deadlineAt: number,
    onDeadline: () => KmsApiError,
  ): Promise<AttemptResult> {
    const release = await this.gate.acquire();
    try {
      await this.gate.waitUntilOpen(this.now, this.sleep);
      const attemptStart = this.now().getTime();
      const remaining = deadlineAt - attemptStart;
      if (remaining <= 0) throw onDeadline();
      const cutByDeadline = this.deadline !== undefined && this.deadline.at - attemptStart < this.config.requestTimeoutMs;
      const wire = buildKmsRequest(this.config, operation, payload, new Date(attemptStart));
      try {
        const response = await sendHttpRequest({
          url: wire.url,
          method: "POST",
          headers: wire.headers,
          body: wire.body,
          timeoutMs: Math.min(this.config.requestTimeoutMs, remaining),
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        });
        return { outcome: { kind: "response", status: response.status }, response, attemptStart, cutByDeadline };
      } catch (err) {
        if (!TransportError.isInstance(err)) throw err;
        const outcome: AttemptOutcome = err.kind === "timeout" ? { kind: "timeout" } : { kind: "network", code: err.code };
        return { outcome, transportError: err, attemptStart, cutByDeadline };
      }
    } finally {
      release();
    }
  }

  private parseSuccess<S extends z.ZodType>(
    operation: KmsOperation,
    keyId: string,
    schema: S,
    response: HttpResponse,
    attempts: number,
  ): z.output<S> {
    const requestId = response.headers["x-request-id"];
    const invalid = (problem: string): KmsApiError =>
      new KmsApiError({
        status: response.status,
        code: LocalErrorCode.InvalidResponse,
        kmsMessage: this.redactor(problem),
        operation,
        keyId,
        ...(requestId !== undefined ? { requestId: this.redactor(requestId) } : {}),
        retryable: false,
        attempts,
      });
    let json: unknown;
    try {
      json = response.body.trim() === "" ? {} : JSON.parse(response.body);
    } catch {
      throw invalid(`body is not JSON: ${oneLine(response.body, 120)}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
      throw invalid(`unexpected ${operation} response (${issues})`);
    }
    return parsed.data;
  }

  private parseErrorBody(response: HttpResponse): ParsedError {
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
    const out: ParsedError = { code: parsed.data.error_code };
    if (parsed.data.error_msg !== undefined) out.kmsMessage = parsed.data.error_msg;
    if (parsed.data.request_id !== undefined) out.requestId = parsed.data.request_id;
    return out;
  }

  private httpError(operation: KmsOperation, keyId: string, response: HttpResponse, attempts: number): KmsApiError {
    const parsed = this.parseErrorBody(response);
    const requestId = response.headers["x-request-id"] ?? parsed.requestId;
    return new KmsApiError({
      status: response.status,
      code: this.redactor(parsed.code),
      ...(parsed.kmsMessage !== undefined ? { kmsMessage: this.redactor(parsed.kmsMessage) } : {}),
      operation,
      keyId,
      ...(requestId !== undefined ? { requestId: this.redactor(oneLine(requestId, 100)) } : {}),
      retryable: isRetryableOutcome({ kind: "response", status: response.status }),
      attempts,
    });
  }

  private transportFailure(operation: KmsOperation, keyId: string, err: TransportError | undefined, attempts: number): KmsApiError {
    const timeout = err?.kind === "timeout";
    const detail = err?.message ?? "no response";
    const tls = err?.code !== undefined && TLS_ERROR_CODES.has(err.code);
    return new KmsApiError({
      status: 0,
      code: timeout ? LocalErrorCode.Timeout : LocalErrorCode.NetworkError,
      kmsMessage: this.redactor(`${detail} (${this.config.endpoint})`),
      operation,
      keyId,
      retryable: timeout || (err !== undefined && isRetryableOutcome({ kind: "network", code: err.code })),
      attempts,
      ...(tls ? { advice: TLS_ADVICE } : {}),
      ...(err !== undefined ? { cause: err } : {}),
    });
  }

  private deadlineError(operation: KmsOperation, keyId: string, attempts: number, cause?: TransportError): KmsApiError {
    // The operation deadline speaks when it is the one that ran out.
    const own = this.deadline !== undefined && this.now().getTime() >= this.deadline.at - 1 ? this.deadline : undefined;
    return new KmsApiError({
      status: 0,
      code: LocalErrorCode.Timeout,
      kmsMessage: own ? `${own.description} passed` : `overall deadline of ${this.config.deadlineMs} ms passed`,
      operation,
      keyId,
      retryable: true,
      attempts,
      ...(own ? { advice: own.advice } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  private log(
    operation: KmsOperation,
    keyId: string,
    attempt: number,
    maxAttempts: number,
    status: string,
    durationMs: number,
    requestId: string | undefined,
    note?: string,
  ): void {
    if (!this.logger) return;
    const parts = [
      `kms ${operation}`,
      `key=${keyId}`,
      `status=${status}`,
      `attempt=${attempt}/${maxAttempts}`,
      `duration=${durationMs}ms`,
      `requestId=${requestId ?? "-"}`,
    ];
    if (note !== undefined) parts.push(`(${note})`);
    this.logger.debug(this.redactor(oneLine(parts.join(" "), 1000)));
  }
}
