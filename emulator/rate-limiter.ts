// A token bucket like the API gateway's per-user throttle: bursts up to the rate, then N per second.

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBucket {
  private tokens: number;
  private last: number;
  // Below 1 req/s the bucket still has to hold one whole request.
  private readonly capacity: number;

  /** `now` is in milliseconds (injectable so tests need no sleeps). */
  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`rate limit must be positive, got ${ratePerSecond}`);
    this.capacity = Math.max(1, ratePerSecond);
    this.tokens = this.capacity;
    this.last = now();
  }

  take(): RateDecision {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    // Retry-After is whole seconds; round up so a client that obeys it is admitted.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond)) };
  }
}
