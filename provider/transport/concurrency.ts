// Client-side politeness towards one API origin: at most N requests in flight, and when the
// gateway throttles one of them (429), every request to that origin holds off until the backoff
// has passed. The registry is module-level on purpose: a Pulumi stack with hundreds of keys
// creates many clients in one process, and they must share one budget per origin.

/** Releases a slot taken with {@link OriginGate.acquire}; calling it twice is harmless. */
export type Release = () => void;

/** Concurrency limit and shared throttling backoff for one origin. */
export class OriginGate {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private blockedUntilMs = 0;

  constructor(
    readonly origin: string,
    private limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }

  get maxConcurrency(): number {
    return this.limit;
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Epoch milliseconds before which no request should be sent (0 when not throttled). */
  get blockedUntil(): number {
    return this.blockedUntilMs;
  }

  /** Lowers the limit when a more cautious client joins; never raises it. */
  tighten(limit: number): void {
    if (Number.isInteger(limit) && limit >= 1 && limit < this.limit) this.limit = limit;
  }

  /** Waits for a free slot (first come, first served). */
  async acquire(): Promise<Release> {
    if (this.active < this.limit && this.waiters.length === 0) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    // The slot was handed over by release() without decrementing `active`.
    return this.releaser();
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }

  /** Records a throttling answer: nobody sends before `untilMs` (epoch ms). Only ever extends. */
  backoffUntil(untilMs: number): void {
    if (untilMs > this.blockedUntilMs) this.blockedUntilMs = untilMs;
  }

  /**
   * Waits until the shared backoff has passed. Waits are measured against the deadline that was
   * current when sleeping started, so a fake `sleep` that does not move the clock still ends.
   * Returns the total time slept.
   */
  async waitUntilOpen(now: () => Date, sleep: (ms: number) => Promise<void>): Promise<number> {
    let target = this.blockedUntilMs;
    let wait = target - now().getTime();
    let slept = 0;
    while (wait > 0) {
      await sleep(wait);
      slept += wait;
      // Another request may have been throttled meanwhile and pushed the gate further.
      wait = this.blockedUntilMs - target;
      target = this.blockedUntilMs;
    }
    return slept;
  }
}

const gates = new Map<string, OriginGate>();

/**
 * The process-wide gate for an origin (`https://host[:port]`). The first caller's limit applies;
 * a later caller asking for a lower one tightens it.
 */
export function gateForOrigin(origin: string, maxConcurrency: number): OriginGate {
  let gate = gates.get(origin);
  if (!gate) {
    gate = new OriginGate(origin, maxConcurrency);
    gates.set(origin, gate);
  } else {
    gate.tighten(maxConcurrency);
  }
  return gate;
}

/** Forgets every gate (tests use it to start from a clean slate). */
export function resetOriginGates(): void {
  gates.clear();
}
