import { describe, expect, it } from "vitest";
import {
  authorizationHeader,
  computeSignature,
  formatSdkDate,
  parseAuthorizationHeader,
  parseSdkDate,
  signaturesEqual,
} from "./aksk-signer.js";

// Published vectors of the official Go SDK (core/auth/signer/signer_test.go), see docs/kms-api.md.
describe("SDK-HMAC-SHA256 published vectors", () => {
  const headers = { "X-Sdk-Date": "20060102T150405Z" };

  it("GET /path?limit=1 with an empty body", () => {
    const sig = computeSignature(
      { method: "GET", path: "/path", query: [["limit", "1"]], headers, body: "" },
      "SecretKey",
    );
    expect(sig).toBe("5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624");
  });

  it("POST /path?key=value with a JSON body and trailing newline", () => {
    const sig = computeSignature(
      { method: "POST", path: "/path", query: [["key", "value"]], headers, body: '{"Name":"test","Id":1}\n' },
      "SecretKey",
    );
    expect(sig).toBe("cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59");
  });

  it("changes when one byte of the body changes", () => {
    const base = { method: "POST", path: "/path", headers, body: '{"Name":"test","Id":1}\n' };
    expect(computeSignature(base, "SecretKey")).not.toBe(
      computeSignature({ ...base, body: '{"Name":"test","Id":2}\n' }, "SecretKey"),
    );
  });
});

describe("Authorization header", () => {
  it("round-trips through the parser and names the signed headers in order", () => {
    const req = {
      method: "POST",
      path: "/v1.0/p1/kms/enable-key-rotation",
      headers: { "X-Sdk-Date": "20260101T000000Z", "Content-Type": "application/json", Host: "kms.example" },
      body: "{}",
    };
    const value = authorizationHeader(req, { accessKey: "AK1", secretKey: "SK1" });
    const parsed = parseAuthorizationHeader(value);
    expect(parsed).toEqual({
      accessKey: "AK1",
      signedHeaders: ["content-type", "host", "x-sdk-date"],
      signature: computeSignature(req, "SK1"),
    });
    expect(value).not.toContain("SK1");
  });

  it("rejects other schemes", () => {
    expect(parseAuthorizationHeader("Bearer abc")).toBeUndefined();
  });

  it("compares signatures case-insensitively and by length", () => {
    expect(signaturesEqual("abcd", "ABCD")).toBe(true);
    expect(signaturesEqual("abcd", "abc")).toBe(false);
  });
});

describe("X-Sdk-Date", () => {
  it("formats and parses the basic ISO form", () => {
    const d = new Date(Date.UTC(2026, 10, 23, 14, 5, 9));
    expect(formatSdkDate(d)).toBe("20261123T140509Z");
    expect(parseSdkDate("20261123T140509Z")?.getTime()).toBe(d.getTime());
    expect(parseSdkDate("2026-11-23T14:05:09Z")).toBeUndefined();
  });
});
