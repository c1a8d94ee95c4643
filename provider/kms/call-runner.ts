// Runs one logical KMS call over as many attempts as it takes: the attempt limit, the call's
// deadline (and the operation's, e.g. customTimeouts), the per-origin concurrency slot and
// shared 429 backoff, the "already in that state" rule, and one log line per attempt. It knows
// nothing of what an operation sends or returns: the client hands it `send` and `interpret`.
import type { Redactor } from "../config/kms-config.js";
import { gateForOrigin, type OriginGate } from "../transport/concurrency.js";
import { TransportError, type HttpResponse } from "../transport/http-request.js";
import {
  DEFAULT_BACKOFF,
  isRetryableOutcome,
  parseRetryAfterMs,
  retryDelayMs,
  type AttemptOutcome,
  type BackoffOptions,
} from "../transport/retry-policy.js";
import { oneLine, type KmsApiError } from "./kms-api-error.js";
import {
  deadlineError,
  transportFailure,
  type AttemptTally,
  type CallContext,
  type Interpretation,
  type OperationDeadline,
} from "./kms-response.js";
import { IAM_OPERATIONS, type ApiOperation } from "./kms-rules.js";

/** The hooks a client hands its runner (tests: a fake clock and sleep, a fixed random). */
export interface RunnerHooks {
  logger?: KmsLogger;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Backoff ceilings; default 500 ms doubling up to 20 s. */
  backoff?: BackoffOptions;
  /** A deadline over every call of the client (e.g. a resource's `customTimeouts`). */
  deadline?: OperationDeadline;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * The runner of a client talking to `endpoint` with these limits: every client of the process
 * (KMS, IAM) shares the per-origin concurrency budget and retries, waits and logs the same way.
 */
export function runnerForEndpoint(
  endpoint: string,
  limits: { maxRetries: number; requestTimeoutMs: number; deadlineMs: number; maxConcurrency: number },
  redact: Redactor,
  hooks: RunnerHooks,
): CallRunner {
  return new CallRunner({
    maxRetries: limits.maxRetries,
    requestTimeoutMs: limits.requestTimeoutMs,
    deadlineMs: limits.deadlineMs,
    endpoint,
    gate: gateForOrigin(new URL(endpoint).origin, limits.maxConcurrency),
    redact,
    ...(hooks.logger ? { logger: hooks.logger } : {}),
    random: hooks.random ?? Math.random,
    sleep: hooks.sleep ?? defaultSleep,
    now: hooks.now ?? (() => new Date()),
    backoff: hooks.backoff ?? DEFAULT_BACKOFF,
    ...(hooks.deadline ? { deadline: hooks.deadline } : {}),
  });
}

/** Receives one line per attempt; lines never contain credentials. */
export interface KmsLogger {
  debug(msg: string): void;
}

/** Everything the runner needs besides the call itself; one per client. */
export interface CallRunnerSettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Per-attempt limit. */
  requestTimeoutMs: number;
  /** Per-call limit, over every attempt and wait. */
  deadlineMs: number;
  /** Named in transport failures. */
  endpoint: string;
  gate: OriginGate;
  redact: Redactor;
  logger?: KmsLogger;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  backoff: BackoffOptions;
  /** A deadline over every call of the client, on top of each call's `deadlineMs`. */
  deadline?: OperationDeadline;
}

/** One logical call: what to send per attempt and how to read an answer. */
export interface CallSpec<T> {
  operation: ApiOperation;
  /** The key the call is about; absent for list-keys. */
  keyId?: string;
  /** Sends one attempt signed at `date`; throws TransportError when no HTTP answer came. */
  send(date: Date, timeoutMs: number): Promise<HttpResponse>;
  /** Reads an HTTP answer (kms-response.ts). */
  interpret(response: HttpResponse, tally: AttemptTally): Interpretation<T>;
  /**
   * The error code meaning "already in the requested state" and the value it stands for. It
   * counts as success only when an earlier attempt of the same call may have landed: then it is
   * that attempt's effect, not a state someone else set.
   */
  alreadyInState?: { code: string; value: () => T };
}

interface AttemptResult {
  outcome: AttemptOutcome;
  response?: HttpResponse;
  transportError?: TransportError;
  attemptStart: number;
  /** The operation deadline, not the per-request timeout, bounded this attempt. */
  cutByDeadline: boolean;
}

/** Runs calls with retries, deadlines, the origin's gate and logging. */
export class CallRunner {
  constructor(private readonly settings: CallRunnerSettings) {}

  /** Runs `spec` to its value, or throws the KmsApiError that ended it. */
  async run<T>(spec: CallSpec<T>): Promise<T> {
    const s = this.settings;
    const ctx: CallContext = { operation: spec.operation, keyId: spec.keyId, endpoint: s.endpoint, redact: s.redact };
    const maxAttempts = Math.max(0, Math.floor(s.maxRetries)) + 1;
    const started = s.now().getTime();
    const deadlineAt = Math.min(started + s.deadlineMs, s.deadline?.at ?? Infinity);
    let landedBefore = false;
    let lastError: KmsApiError | undefined;
    const passed = (attempts: number, cause?: TransportError): KmsApiError =>
      deadlineError(ctx, { attempts, landedBefore }, { deadlineMs: s.deadlineMs, operationDeadline: s.deadline, now: s.now().getTime() }, cause);

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const { outcome, response, transportError, attemptStart, cutByDeadline } = await this.attemptOnce(
        spec,
        deadlineAt,
        () => lastError ?? passed(attempt - 1),
      );
      const durationMs = s.now().getTime() - attemptStart;
      const tally: AttemptTally = { attempts: attempt, landedBefore };
      let error: KmsApiError;
      if (response && response.status >= 200 && response.status < 300) {
        this.log(spec, attempt, maxAttempts, String(response.status), durationMs, response.headers["x-request-id"]);
        const read = spec.interpret(response, tally);
        // A 2xx that cannot be read is final: another attempt would repeat a call that worked.
        if (!read.ok) throw read.error;
        return read.value;
      }
      if (response) {
        const read = spec.interpret(response, tally);
        if (read.ok) return read.value;
        error = read.error;
      } else {
        error = cutByDeadline && transportError?.kind === "timeout" ? passed(attempt, transportError) : transportFailure(ctx, transportError, tally);
      }
      lastError = error;

      const already = spec.alreadyInState;
      if (already !== undefined && error.code === already.code && landedBefore) {
        this.log(spec, attempt, maxAttempts, `${error.status} ${error.code}`, durationMs, error.requestId, "already in the requested state after an uncertain attempt: success");
        return already.value();
      }
      if (error.mayHaveLanded) landedBefore = true;

      const now = s.now().getTime();
      let delayMs: number | undefined;
      if (isRetryableOutcome(outcome)) {
        const retryAfterMs = response ? parseRetryAfterMs(response.headers["retry-after"], new Date(now)) : undefined;
        delayMs = retryDelayMs(attempt - 1, retryAfterMs, s.random, s.backoff);
        // Throttling is about the origin, not this call: everyone holds off, even if we give up.
        if (outcome.kind === "response" && outcome.status === 429) s.gate.backoffUntil(now + delayMs);
      }
      const statusText = error.status === 0 ? error.code : `${error.status} ${error.code}`;
      if (delayMs === undefined || attempt >= maxAttempts || now + delayMs >= deadlineAt) {
        const note = delayMs === undefined ? undefined : attempt >= maxAttempts ? "giving up: no attempts left" : "giving up: deadline";
        this.log(spec, attempt, maxAttempts, statusText, durationMs, error.requestId, note);
        throw error;
      }
      this.log(spec, attempt, maxAttempts, statusText, durationMs, error.requestId, `retrying in ${delayMs} ms`);
      await s.sleep(delayMs);
    }
    // Unreachable: the last attempt either returned or threw.
    throw lastError ?? passed(maxAttempts);
  }

  /** One attempt holding a concurrency slot: waits out shared throttling, then sends. */
  private async attemptOnce<T>(spec: CallSpec<T>, deadlineAt: number, onDeadline: () => KmsApiError): Promise<AttemptResult> {
    const s = this.settings;
    const release = await s.gate.acquire();
    try {
      await s.gate.waitUntilOpen(s.now, s.sleep);
      const attemptStart = s.now().getTime();
      const remaining = deadlineAt - attemptStart;
      if (remaining <= 0) throw onDeadline();
      const cutByDeadline = s.deadline !== undefined && s.deadline.at - attemptStart < s.requestTimeoutMs;
      try {
        const response = await spec.send(new Date(attemptStart), Math.min(s.requestTimeoutMs, remaining));
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

  private log<T>(
    spec: CallSpec<T>,
    attempt: number,
    maxAttempts: number,
    status: string,
    durationMs: number,
    requestId: string | undefined,
    note?: string,
  ): void {
    const logger = this.settings.logger;
    if (!logger) return;
    const parts = [
      `${(IAM_OPERATIONS as readonly string[]).includes(spec.operation) ? "iam" : "kms"} ${spec.operation}`,
      ...(spec.keyId === undefined ? [] : [`key=${spec.keyId}`]),
      `status=${status}`,
      `attempt=${attempt}/${maxAttempts}`,
      `duration=${durationMs}ms`,
      `requestId=${requestId ?? "-"}`,
    ];
    if (note !== undefined) parts.push(`(${note})`);
    logger.debug(this.settings.redact(oneLine(parts.join(" "), 1000)));
  }
}
