// Which outcomes of one HTTP attempt are worth another try, and how long to wait before it.
// Pure (no clock, no randomness of its own) so that every rule can be tested exactly.

/** HTTP statuses that say "try again": throttling and transient server/gateway failures. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * Transport error codes (Node and undici) worth retrying: the connection broke, timed out or was
 * refused. Anything else (bad certificate, unknown host, invalid argument) fails at once because
 * another try would fail the same way.
 */
export const RETRYABLE_NETWORK_CODES: readonly string[] = [
  "ECONNRESET",
  "ECONNABORTED",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
];

/**
 * Codes that prove the request never left this machine (no connection was made), so the server
 * cannot have acted on it. Everything else that breaks mid-flight leaves the outcome unknown.
 */
export const NOT_SENT_NETWORK_CODES: readonly string[] = [
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
];

/** What one attempt ended with, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: "response"; status: number }
  | { kind: "network"; code: string }
  | { kind: "timeout" };

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.includes(status);
}

export function isRetryableNetworkCode(code: string): boolean {
  return RETRYABLE_NETWORK_CODES.includes(code);
}

/** Whether the outcome calls for another attempt (attempt limits and deadlines aside). */
export function isRetryableOutcome(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case "response":
      return isRetryableStatus(outcome.status);
    case "network":
      return isRetryableNetworkCode(outcome.code);
    case "timeout":
      return true;
  }
}

/**
 * Whether the server may have acted on a request whose attempt ended with `outcome` although no
 * success was seen. The one place this is decided: the call runner carries it on the error.
 *
 * - a timeout: the request may have been processed and only the answer lost;
 * - a connection that broke after it was made (ECONNRESET, EPIPE, UND_ERR_SOCKET, ...): the
 *   request may have been written;
 * - 500, 502, 503 and 504: the gateway may have forwarded the request, or KMS failed midway.
 *
 * Never landed: a connection that was never made ({@link NOT_SENT_NETWORK_CODES}: refused,
 * unknown host, unreachable, connect timeout), any other transport failure (bad certificate,
 * invalid argument: nothing was sent), 429 (the gateway throttles before KMS sees the request),
 * other 4xx (definite refusals) and 5xx that are not worth a retry (501, 505: the server cannot
 * serve the request at all).
 */
export function mayHaveLanded(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case "response":
      return outcome.status >= 500 && isRetryableStatus(outcome.status);
    case "network":
      return isRetryableNetworkCode(outcome.code) && !NOT_SENT_NETWORK_CODES.includes(outcome.code);
    case "timeout":
      return true;
  }
}

export interface BackoffOptions {
  /** Ceiling of the first retry's wait. */
  baseDelayMs: number;
  /** No single wait (Retry-After aside) exceeds this. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * Exponential backoff with full jitter (a uniform draw between 0 and the exponential ceiling), so
 * that many clients throttled at the same moment spread out instead of retrying in lockstep.
 * `retryIndex` is 0 before the first retry. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(retryIndex: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retryIndex));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Parses `Retry-After` (delay-seconds or an HTTP-date) into milliseconds from `now`; undefined
 * when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // Only HTTP-dates: Date.parse also accepts bare numbers and other shapes that are not dates.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The wait before retry number `retryIndex + 1`: the server's Retry-After when it gave one (the
 * server knows best when it will accept us again), else backoff with full jitter.
 */
export function retryDelayMs(
  retryIndex: number,
  retryAfterMs: number | undefined,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  return retryAfterMs ?? backoffDelayMs(retryIndex, random, options);
}
