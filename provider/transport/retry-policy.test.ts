import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableOutcome,
  isRetryableStatus,
  mayHaveLanded,
  NOT_SENT_NETWORK_CODES,
  RETRYABLE_NETWORK_CODES,
  parseRetryAfterMs,
  retryDelayMs,
} from "./retry-policy.js";

describe("which outcomes retry", () => {
  it.each([429, 500, 502, 503, 504])("retries HTTP %i", (status) => {
    expect(isRetryableStatus(status)).toBe(true);
    expect(isRetryableOutcome({ kind: "response", status })).toBe(true);
  });

  it.each([200, 400, 401, 403, 404, 409, 501, 505])("does not retry HTTP %i", (status) => {
    expect(isRetryableOutcome({ kind: "response", status })).toBe(false);
  });

  it.each(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"])(
    "retries network error %s",
    (code) => {
      expect(isRetryableOutcome({ kind: "network", code })).toBe(true);
    },
  );

  it.each(["ENOTFOUND", "CERT_HAS_EXPIRED", "UND_ERR_INVALID_ARG", "UNKNOWN"])("does not retry network error %s", (code) => {
    expect(isRetryableOutcome({ kind: "network", code })).toBe(false);
  });

  it("retries timeouts", () => {
    expect(isRetryableOutcome({ kind: "timeout" })).toBe(true);
  });
});

describe("whether an attempt may have landed", () => {
  it("is unknown after a timeout, a reset or a 5xx", () => {
    expect(mayHaveLanded({ kind: "timeout" })).toBe(true);
    expect(mayHaveLanded({ kind: "network", code: "ECONNRESET" })).toBe(true);
    expect(mayHaveLanded({ kind: "network", code: "UND_ERR_SOCKET" })).toBe(true);
    for (const status of [500, 502, 503, 504]) expect(mayHaveLanded({ kind: "response", status })).toBe(true);
  });

  it("is known not to have landed when no connection was made, on 429 and on 4xx", () => {
    expect(mayHaveLanded({ kind: "network", code: "ECONNREFUSED" })).toBe(false);
    expect(mayHaveLanded({ kind: "network", code: "UND_ERR_CONNECT_TIMEOUT" })).toBe(false);
    expect(mayHaveLanded({ kind: "response", status: 429 })).toBe(false);
    expect(mayHaveLanded({ kind: "response", status: 400 })).toBe(false);
  });

  it.each(["ECONNREFUSED", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "UND_ERR_CONNECT_TIMEOUT"])(
    "is known not to have landed after %s: the connection was never made",
    (code) => {
      expect(mayHaveLanded({ kind: "network", code })).toBe(false);
    },
  );

  it("is known not to have landed when nothing was sent (bad certificate, bad argument, unknown failure)", () => {
    for (const code of ["CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "UND_ERR_INVALID_ARG", "UNKNOWN"]) {
      expect(mayHaveLanded({ kind: "network", code })).toBe(false);
    }
  });

  it("lands only with statuses worth a retry among 5xx, and never with a success status", () => {
    expect(mayHaveLanded({ kind: "response", status: 501 })).toBe(false);
    expect(mayHaveLanded({ kind: "response", status: 505 })).toBe(false);
    expect(mayHaveLanded({ kind: "response", status: 200 })).toBe(false);
  });

  it("may have landed after every retryable code outside the never-connected ones", () => {
    for (const code of RETRYABLE_NETWORK_CODES) {
      expect(mayHaveLanded({ kind: "network", code })).toBe(!NOT_SENT_NETWORK_CODES.includes(code));
    }
  });
});

describe("backoff with full jitter", () => {
  it("draws uniformly below an exponential ceiling capped at maxDelayMs", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((i) => backoffDelayMs(i, () => 0.999999, opts))).toEqual([99, 199, 399, 799, 999, 999]);
    expect([0, 1, 2, 3].map((i) => backoffDelayMs(i, () => 0.5, opts))).toEqual([50, 100, 200, 400]);
    expect(backoffDelayMs(3, () => 0, opts)).toBe(0);
  });

  it("stays within [0, min(cap, base*2^i)) for any draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (i, r) => {
        const d = backoffDelayMs(i, () => r);
        const ceiling = Math.min(DEFAULT_BACKOFF.maxDelayMs, DEFAULT_BACKOFF.baseDelayMs * 2 ** i);
        return Number.isInteger(d) && d >= 0 && d < ceiling;
      }),
    );
  });

  it("prefers Retry-After over jitter", () => {
    expect(retryDelayMs(0, 7000, () => 0.5)).toBe(7000);
    expect(retryDelayMs(0, 0, () => 0.5)).toBe(0);
    expect(retryDelayMs(2, undefined, () => 0.5)).toBe(1000);
  });
});

describe("Retry-After", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("reads delay-seconds", () => {
    expect(parseRetryAfterMs("3", now)).toBe(3000);
    expect(parseRetryAfterMs(" 0 ", now)).toBe(0);
    expect(parseRetryAfterMs("1.5", now)).toBe(1500);
  });

  it("reads an HTTP-date relative to now, and a past date as 0", () => {
    expect(parseRetryAfterMs("Sun, 01 Mar 2026 12:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfterMs("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("ignores absent and unreadable values", () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs("", now)).toBeUndefined();
    expect(parseRetryAfterMs("-1", now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs("2026", now)).toBe(2_026_000);
  });
});
