import { describe, expect, it } from "vitest";
import { createRedactor } from "../config/kms-config.js";
import { TransportError, type HttpResponse } from "../transport/http-request.js";
import { KmsApiError } from "./kms-api-error.js";
import {
  deadlineError,
  httpError,
  interpretResponse,
  interpretSuccess,
  invalidArgument,
  parseErrorBody,
  transportFailure,
  type CallContext,
} from "./kms-response.js";
import { kmsSchemas } from "./kms-schemas.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const SECRET = "s3cr3tS3cr3tS3cr3t";
const ctx: CallContext = { operation: "enable-key-rotation", keyId: KEY, endpoint: "https://kms.example.com", redact: createRedactor([SECRET]) };
const first = { attempts: 1, landedBefore: false };

function res(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === "string" ? body : JSON.stringify(body) };
}

function network(code: string, mayHaveLanded: boolean): TransportError {
  return new TransportError("network", code, `${code}: boom`, { mayHaveLanded });
}

describe("success answers", () => {
  it("parse with the operation's schema; an empty body counts as {}", () => {
    const status = interpretSuccess(ctx, kmsSchemas().rotationStatus, res(200, { key_rotation_enabled: true, rotation_interval: 90, number_of_rotations: 0 }), first);
    expect(status).toEqual({ ok: true, value: expect.objectContaining({ enabled: true, intervalDays: 90 }) as unknown });
    expect(interpretSuccess(ctx, kmsSchemas().empty, res(200, ""), first)).toEqual({ ok: true, value: {} });
  });

  it("that cannot be read are INVALID_RESPONSE, not retryable, with the request id redacted", () => {
    const read = interpretSuccess(ctx, kmsSchemas().empty, res(200, `<html>${SECRET}</html>`, { "x-request-id": "r-1" }), first);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toMatchObject({ status: 200, code: "INVALID_RESPONSE", retryable: false, mayHaveLanded: false, attempts: 1, requestId: "r-1" });
    expect(read.error.message).not.toContain(SECRET);
    const shape = interpretSuccess(ctx, kmsSchemas().rotationStatus, res(200, { key_rotation_enabled: "maybe" }), first);
    expect(!shape.ok && shape.error.kmsMessage).toMatch(/^unexpected enable-key-rotation response \(/);
  });

  it("go through interpretResponse only for 2xx", () => {
    expect(interpretResponse(ctx, kmsSchemas().empty, res(204, ""), first).ok).toBe(true);
    const refused = interpretResponse(ctx, kmsSchemas().empty, res(400, { error: { error_code: "KMS.2901", error_msg: "not disabled" } }), first);
    expect(!refused.ok && refused.error.code).toBe("KMS.2901");
  });
});

describe("error bodies", () => {
  it("read KMS's nested form and the gateway's flat form", () => {
    expect(parseErrorBody(res(400, { error: { error_code: "KMS.0207", error_msg: "gone", request_id: "b-1" } }))).toEqual({ code: "KMS.0207", kmsMessage: "gone", requestId: "b-1" });
    expect(parseErrorBody(res(429, { error_code: "APIG.0308", error_msg: "slow down" }))).toEqual({ code: "APIG.0308", kmsMessage: "slow down" });
  });

  it("fall back to HTTP_<status> with a readable excerpt", () => {
    expect(parseErrorBody(res(502, ""))).toEqual({ code: "HTTP_502" });
    expect(parseErrorBody(res(502, "<html><b>Bad</b>   Gateway</html>"))).toEqual({ code: "HTTP_502", kmsMessage: "Bad Gateway" });
    expect(parseErrorBody(res(500, { unexpected: true }))).toEqual({ code: "HTTP_500", kmsMessage: '{"unexpected":true}' });
  });
});

describe("HTTP errors", () => {
  it("prefer the X-Request-Id header over the body's id", () => {
    const e = httpError(ctx, res(400, { error: { error_code: "KMS.0313", request_id: "body-id" } }, { "x-request-id": "hdr-id" }), first);
    expect(e).toMatchObject({ status: 400, code: "KMS.0313", requestId: "hdr-id", operation: "enable-key-rotation", keyId: KEY });
  });

  it.each([
    [500, true, true],
    [503, true, true],
    [501, false, false],
    [429, true, false],
    [400, false, false],
  ])("HTTP %i: retryable %s, may have landed %s", (status, retryable, landed) => {
    expect(httpError(ctx, res(status, ""), first)).toMatchObject({ retryable, mayHaveLanded: landed });
  });

  it("may have landed when an earlier attempt may have, whatever this answer says", () => {
    expect(httpError(ctx, res(429, ""), { attempts: 2, landedBefore: true }).mayHaveLanded).toBe(true);
    expect(httpError(ctx, res(400, ""), { attempts: 2, landedBefore: true }).mayHaveLanded).toBe(true);
  });
});

describe("transport failures", () => {
  it("take may-have-landed from the transport: a refused connection never landed, a reset may have", () => {
    expect(transportFailure(ctx, network("ECONNREFUSED", false), first)).toMatchObject({ code: "NETWORK_ERROR", retryable: true, mayHaveLanded: false });
    expect(transportFailure(ctx, network("ECONNRESET", true), first)).toMatchObject({ code: "NETWORK_ERROR", retryable: true, mayHaveLanded: true });
    const timeout = new TransportError("timeout", "TIMEOUT", "no response within 5 ms", { mayHaveLanded: true });
    expect(transportFailure(ctx, timeout, first)).toMatchObject({ code: "TIMEOUT", retryable: true, mayHaveLanded: true });
  });

  it("name the endpoint, keep the cause, and advise on untrusted certificates", () => {
    const err = network("DEPTH_ZERO_SELF_SIGNED_CERT", false);
    const e = transportFailure(ctx, err, first);
    expect(e).toMatchObject({ retryable: false, mayHaveLanded: false, kmsMessage: "DEPTH_ZERO_SELF_SIGNED_CERT: boom (https://kms.example.com)" });
    expect(e.cause).toBe(err);
    expect(e.message).toContain("NODE_EXTRA_CA_CERTS");
  });
});

describe("deadlines", () => {
  const own = { at: 10_000, description: "customTimeouts.update of 10s", advice: "Raise customTimeouts.update." };

  it("name the operation deadline when it is the one that passed", () => {
    const e = deadlineError(ctx, { attempts: 2, landedBefore: false }, { deadlineMs: 120_000, operationDeadline: own, now: 10_000 });
    expect(e).toMatchObject({ code: "TIMEOUT", retryable: true, mayHaveLanded: false, attempts: 2, kmsMessage: "customTimeouts.update of 10s passed" });
    expect(e.message).toContain("Raise customTimeouts.update.");
  });

  it("else the client's own deadline; a request cut short may have landed", () => {
    const cut = new TransportError("timeout", "TIMEOUT", "no response", { mayHaveLanded: true });
    const e = deadlineError(ctx, first, { deadlineMs: 500, operationDeadline: own, now: 5_000 }, cut);
    expect(e).toMatchObject({ kmsMessage: "overall deadline of 500 ms passed", mayHaveLanded: true });
    expect(e.cause).toBe(cut);
  });
});

describe("invalid arguments", () => {
  it("never reach KMS: no attempt, nothing landed, the key id only when it is valid", () => {
    const e = invalidArgument("update-key-rotation-interval", "intervalDays 7 is out of range", "Use 30 to 365.", ctx.redact, KEY);
    expect(KmsApiError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ status: 0, code: "INVALID_ARGUMENT", attempts: 0, retryable: false, mayHaveLanded: false, keyId: KEY });
    expect(invalidArgument("describe-key", "bad", "fix", ctx.redact, "alias/x").keyId).toBeUndefined();
  });
});
