import { describe, expect, it } from "vitest";
import { createRedactor } from "../config/kms-config.js";
import { OriginGate } from "../transport/concurrency.js";
import { TransportError, type HttpResponse } from "../transport/http-request.js";
import { CallRunner, type CallRunnerSettings, type CallSpec } from "./call-runner.js";
import { KmsApiError } from "./kms-api-error.js";
import { interpretResponse, type OperationDeadline } from "./kms-response.js";
import { kmsSchemas } from "./kms-schemas.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const T0 = 1_000_000;

type Answer = HttpResponse | TransportError;

const ok: HttpResponse = { status: 200, headers: {}, body: "{}" };
const answer = (status: number, code: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: JSON.stringify({ error: { error_code: code, error_msg: "said" } }),
});
const reset = (): TransportError => new TransportError("network", "ECONNRESET", "ECONNRESET: reset", { mayHaveLanded: true });
const refused = (): TransportError => new TransportError("network", "ECONNREFUSED", "ECONNREFUSED: refused", { mayHaveLanded: false });
const timeout = (): TransportError => new TransportError("timeout", "TIMEOUT", "no response", { mayHaveLanded: true });

/** A runner on a fake clock that sleeping advances, answering from `answers` in order. */
function setup(answers: Answer[], overrides: Partial<CallRunnerSettings> = {}) {
  let clock = T0;
  const sleeps: number[] = [];
  const logs: string[] = [];
  const sent: { at: number; timeoutMs: number }[] = [];
  const gate = new OriginGate("https://kms.example.com", 4);
  const runner = new CallRunner({
    maxRetries: 3,
    requestTimeoutMs: 30_000,
    deadlineMs: 120_000,
    endpoint: "https://kms.example.com",
    gate,
    redact: createRedactor(["s3cr3t"]),
    logger: { debug: (m) => logs.push(m) },
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => new Date(clock),
    backoff: { baseDelayMs: 100, maxDelayMs: 1000 },
    ...overrides,
  });
  const spec = (extra: Partial<CallSpec<Record<string, unknown>>> = {}): CallSpec<Record<string, unknown>> => ({
    operation: "enable-key-rotation",
    keyId: KEY,
    send: (date, timeoutMs) => {
      sent.push({ at: date.getTime(), timeoutMs });
      const next = answers.shift();
      if (next === undefined) throw new Error("no answer left");
      if (TransportError.isInstance(next)) return Promise.reject(next);
      return Promise.resolve(next);
    },
    interpret: (response, tally) =>
      interpretResponse({ operation: "enable-key-rotation", keyId: KEY, endpoint: "https://kms.example.com", redact: (s) => s }, kmsSchemas().empty, response, tally),
    ...extra,
  });
  const failure = async (s = spec()): Promise<KmsApiError> => {
    const e: unknown = await runner.run(s).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!KmsApiError.isInstance(e)) throw new Error(`expected a KmsApiError, got ${String(e)}`);
    return e;
  };
  return { runner, spec, failure, sleeps, logs, sent, gate, advance: (ms: number) => (clock += ms) };
}

describe("attempts", () => {
  it("returns the first success with one log line", async () => {
    const t = setup([ok]);
    await expect(t.runner.run(t.spec())).resolves.toEqual({});
    expect(t.logs).toEqual([`kms enable-key-rotation key=${KEY} status=200 attempt=1/4 duration=0ms requestId=-`]);
  });

  it("retries retryable failures with jittered backoff, then gives up with the attempt count", async () => {
    const t = setup([answer(503, "KMS.0104"), reset(), timeout(), answer(500, "KMS.0101")]);
    const e = await t.failure();
    expect(e).toMatchObject({ status: 500, code: "KMS.0101", attempts: 4 });
    expect(t.sleeps).toEqual([50, 100, 200]);
    expect(t.logs[3]).toContain("(giving up: no attempts left)");
    expect(t.logs[0]).toContain("(retrying in 50 ms)");
  });

  it("throws a definite refusal at once", async () => {
    const t = setup([answer(400, "KMS.0312"), ok]);
    expect(await t.failure()).toMatchObject({ code: "KMS.0312", attempts: 1, retryable: false });
    expect(t.sent).toHaveLength(1);
  });

  it("never retries a 2xx it cannot read: the call worked", async () => {
    const t = setup([{ status: 200, headers: {}, body: "not json" }, ok]);
    expect(await t.failure()).toMatchObject({ code: "INVALID_RESPONSE", attempts: 1 });
    expect(t.logs).toHaveLength(1);
  });
});

describe("throttling", () => {
  it("holds the whole origin off for the Retry-After of a 429", async () => {
    const t = setup([answer(429, "APIG.0308", { "retry-after": "2" }), ok]);
    await t.runner.run(t.spec());
    expect(t.gate.blockedUntil).toBe(T0 + 2000);
    expect(t.sleeps[0]).toBe(2000);
    expect(t.sent[1]?.at).toBe(T0 + 2000);
  });
});

describe("may have landed", () => {
  it("is carried from any earlier attempt onto the final error", async () => {
    const t = setup([timeout(), answer(429, "APIG.0308"), answer(429, "APIG.0308"), answer(429, "APIG.0308")]);
    expect(await t.failure()).toMatchObject({ code: "APIG.0308", mayHaveLanded: true });
  });

  it("is false when no attempt can have reached KMS (refused connections, throttling)", async () => {
    const t = setup([refused(), answer(429, "APIG.0308"), refused(), refused()]);
    expect(await t.failure()).toMatchObject({ code: "NETWORK_ERROR", mayHaveLanded: false, attempts: 4 });
  });
});

describe("already in the requested state", () => {
  const already = { alreadyInState: { code: "KMS.2901", value: () => ({ already: true }) } };

  it("is success after an attempt that may have landed", async () => {
    const t = setup([reset(), answer(400, "KMS.2901")]);
    await expect(t.runner.run(t.spec(already))).resolves.toEqual({ already: true });
    expect(t.logs[1]).toContain("already in the requested state after an uncertain attempt: success");
  });

  it("is the error when nothing of this call can have landed before", async () => {
    const t = setup([refused(), answer(400, "KMS.2901")]);
    expect(await t.failure(t.spec(already))).toMatchObject({ code: "KMS.2901", attempts: 2, mayHaveLanded: false });
  });
});

describe("deadlines", () => {
  it("stops retrying when the next wait would pass the call's deadline", async () => {
    const t = setup([answer(503, "KMS.0104"), answer(503, "KMS.0104")], { deadlineMs: 120 });
    expect(await t.failure()).toMatchObject({ code: "KMS.0104", attempts: 2 });
    expect(t.logs[1]).toContain("(giving up: deadline)");
  });

  it("bounds each request by what is left of the operation deadline and names it when it cuts one short", async () => {
    const deadline: OperationDeadline = { at: T0 + 5000, description: "customTimeouts.create of 5s", advice: "Raise customTimeouts.create." };
    const t = setup([], { deadline });
    const timeouts: number[] = [];
    const e = await t.failure(
      t.spec({
        send: (_date, timeoutMs) => {
          timeouts.push(timeoutMs);
          t.advance(timeoutMs);
          return Promise.reject(timeout());
        },
      }),
    );
    expect(timeouts).toEqual([5000]);
    expect(e).toMatchObject({ code: "TIMEOUT", attempts: 1, mayHaveLanded: true, kmsMessage: "customTimeouts.create of 5s passed" });
    expect(e.message).toContain("Raise customTimeouts.create.");
    expect(TransportError.isInstance(e.cause)).toBe(true);
  });

  it("sends nothing once the operation deadline has passed, and nothing can have landed", async () => {
    const deadline: OperationDeadline = { at: T0 - 1, description: "customTimeouts.update of 1s", advice: "Raise customTimeouts.update." };
    const t = setup([ok], { deadline });
    const e = await t.failure();
    expect(e).toMatchObject({ code: "TIMEOUT", attempts: 0, mayHaveLanded: false, kmsMessage: "customTimeouts.update of 1s passed" });
    expect(t.sent).toHaveLength(0);
  });
});
