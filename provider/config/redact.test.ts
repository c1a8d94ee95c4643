import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRedactor, redact, REDACTED, redactHeaders } from "./redact.js";

describe("redact", () => {
  it("replaces every occurrence of each secret, longest first", () => {
    expect(redact("ak=AKID1 sk=SECRET1 again SECRET1", ["SECRET1", "AKID1"])).toBe(`ak=${REDACTED} sk=${REDACTED} again ${REDACTED}`);
    expect(redact("token SECRETXYZ", ["SECRET", "SECRETXYZ"])).toBe(`token ${REDACTED}`);
  });

  it("ignores empty, undefined and very short values", () => {
    expect(redact("a b c", ["", undefined, "a"])).toBe("a b c");
  });

  it("leaves no secret in any text", () => {
    // Credentials are alphanumeric (plus a few symbols), so none can straddle the brackets of REDACTED.
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=]{4,40}$/), fc.array(fc.string(), { maxLength: 4 }), (secret, parts) => {
        const text = parts.join(secret);
        return !createRedactor([secret])(text).includes(secret) || REDACTED.includes(secret);
      }),
    );
  });
});

describe("redactHeaders", () => {
  it("masks token headers and strips access key and signature from Authorization", () => {
    const out = redactHeaders({
      Authorization: "SDK-HMAC-SHA256 Access=AKID1, SignedHeaders=content-type;host;x-sdk-date, Signature=abcdef",
      "X-Auth-Token": "MIItoken",
      "X-Security-Token": "sts",
      "X-Project-Id": "p1",
    });
    expect(out).toEqual({
      Authorization: `SDK-HMAC-SHA256 Access=${REDACTED}, SignedHeaders=content-type;host;x-sdk-date, Signature=${REDACTED}`,
      "X-Auth-Token": REDACTED,
      "X-Security-Token": REDACTED,
      "X-Project-Id": "p1",
    });
    expect(redactHeaders({ authorization: "Basic dXNlcjpwYXNz" }).authorization).toBe(REDACTED);
  });
});
