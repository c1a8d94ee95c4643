import { describe, expect, it } from "vitest";
import { startEmulator } from "./index.js";
import { callKms, errorOf } from "./kms-test-client.js";
import { TokenBucket } from "./rate-limiter.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

describe("TokenBucket", () => {
  it("admits a burst of N, then refills N per second", () => {
    let t = 0;
    const bucket = new TokenBucket(2, () => t);
    expect([bucket.take().ok, bucket.take().ok, bucket.take()]).toEqual([true, true, { ok: false, retryAfterSeconds: 1 }]);
    t = 499;
    expect(bucket.take().ok).toBe(false);
    t = 1000;
    expect(bucket.take().ok).toBe(true);
  });

  it("rounds Retry-After up to whole seconds for slow rates", () => {
    let t = 0;
    const bucket = new TokenBucket(0.25, () => t);
    expect(bucket.take().ok).toBe(true);
    expect(bucket.take()).toEqual({ ok: false, retryAfterSeconds: 4 });
    t = 4000;
    expect(bucket.take().ok).toBe(true);
  });

  it("refuses a non-positive rate", () => {
    expect(() => new TokenBucket(0)).toThrow();
  });
});

describe("--rate-limit over HTTP", () => {
  it("answers 429 APIG.0308 with Retry-After once the bucket is empty, before authentication", async () => {
    const emu = await startEmulator({ rateLimit: 1, seed: { keys: [{ keyId: KEY }] } });
    try {
      const first = await callKms(emu.url, "describe-key", { key_id: KEY });
      const second = await callKms(emu.url, "describe-key", { key_id: KEY }, { auth: "none" });
      expect(first.status).toBe(200);
      expect([second.status, errorOf(second)?.error_code]).toEqual([429, "APIG.0308"]);
      expect(second.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
      expect(second.headers["x-request-id"]).toBeDefined();
    } finally {
      await emu.close();
    }
  });
});
