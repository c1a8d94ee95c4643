import { afterEach, describe, expect, it } from "vitest";
import { gateForOrigin, OriginGate, resetOriginGates } from "./concurrency.js";

afterEach(() => {
  resetOriginGates();
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("OriginGate concurrency limit", () => {
  it("never lets more than the limit run and serves waiters first come first served", async () => {
    const gate = new OriginGate("https://kms.example", 2);
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map(async (i) => {
      const release = await gate.acquire();
      order.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      release();
    });
    await tick();
    expect(running).toBe(2);
    expect(gate.queued).toBe(3);
    while (gates.length > 0 || running > 0) {
      gates.shift()?.();
      await tick();
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(gate.inFlight).toBe(0);
  });

  it("ignores a second release", async () => {
    const gate = new OriginGate("https://kms.example", 1);
    const release = await gate.acquire();
    release();
    release();
    expect(gate.inFlight).toBe(0);
    const again = await gate.acquire();
    expect(gate.inFlight).toBe(1);
    again();
  });

  it("rejects a non-positive limit", () => {
    expect(() => new OriginGate("https://kms.example", 0)).toThrow(/positive integer/);
  });
});

describe("shared throttling backoff", () => {
  it("waits until the gate opens, and again when it is pushed further meanwhile", async () => {
    const gate = new OriginGate("https://kms.example", 5);
    let clock = 1_000;
    const slept: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      slept.push(ms);
      clock += ms;
      // Another request is throttled while we sleep the first time.
      if (slept.length === 1) gate.backoffUntil(clock + 300);
      return Promise.resolve();
    };
    gate.backoffUntil(1_500);
    gate.backoffUntil(1_200); // never shortens
    const total = await gate.waitUntilOpen(() => new Date(clock), sleep);
    expect(slept).toEqual([500, 300]);
    expect(total).toBe(800);
  });

  it("does not wait when not throttled, and ends even if sleep does not move the clock", async () => {
    const gate = new OriginGate("https://kms.example", 5);
    const slept: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      slept.push(ms);
      return Promise.resolve();
    };
    expect(await gate.waitUntilOpen(() => new Date(0), sleep)).toBe(0);
    gate.backoffUntil(250);
    expect(await gate.waitUntilOpen(() => new Date(0), sleep)).toBe(250);
    expect(slept).toEqual([250]);
  });
});

describe("process-wide registry", () => {
  it("gives every client of an origin the same gate and keeps the lowest limit", () => {
    const a = gateForOrigin("https://kms.a.example", 10);
    const b = gateForOrigin("https://kms.a.example", 4);
    const c = gateForOrigin("https://kms.a.example", 20);
    expect(a).toBe(b);
    expect(a).toBe(c);
    expect(a.maxConcurrency).toBe(4);
    expect(gateForOrigin("https://kms.b.example", 10)).not.toBe(a);
  });
});
