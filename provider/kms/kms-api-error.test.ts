import { describe, expect, it } from "vitest";
import { adviceFor } from "./error-advice.js";
import { KmsConfigError } from "../config/kms-config.js";
import { KmsProviderError } from "../errors/kms-provider-error.js";
import { KmsApiError, oneLine } from "./kms-api-error.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

describe("KmsApiError", () => {
  it("carries its fields and a one-line actionable message", () => {
    const e = new KmsApiError({
      status: 400,
      code: "KMS.2901",
      kmsMessage: "The rotation state\nof key is not disabled",
      operation: "enable-key-rotation",
      keyId: KEY,
      requestId: "req-123",
      retryable: false,
      mayHaveLanded: false,
      attempts: 1,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("KmsApiError");
    expect(e).toMatchObject({ status: 400, code: "KMS.2901", operation: "enable-key-rotation", keyId: KEY, requestId: "req-123", retryable: false, mayHaveLanded: false, attempts: 1 });
    expect(e.kmsMessage).toBe("The rotation state of key is not disabled");
    expect(e.message).toBe(
      `KMS enable-key-rotation for key ${KEY} failed: HTTP 400 KMS.2901 "The rotation state of key is not disabled". ${adviceFor("KMS.2901", 400)} (request id req-123)`,
    );
    expect(e.message).not.toContain("\n");
  });

  it("describes transport failures without a status and counts attempts", () => {
    const e = new KmsApiError({ status: 0, code: "TIMEOUT", operation: "describe-key", keyId: KEY, retryable: true, mayHaveLanded: true, attempts: 6 });
    expect(e.message).toMatch(/^KMS describe-key for key \S+ failed after 6 attempts: TIMEOUT\. KMS did not answer in time/);
  });

  it("truncates long service messages", () => {
    expect(oneLine("x".repeat(1000)).length).toBe(300);
    expect(oneLine("  a \t b  ")).toBe("a b");
  });

  it("is recognized by its marker, not by instanceof or by name; its fields survive JSON", () => {
    const e = new KmsApiError({ status: 503, code: "KMS.0104", operation: "describe-key", retryable: true, mayHaveLanded: true, attempts: 3 });
    expect(KmsApiError.isInstance(e)).toBe(true);
    expect(KmsProviderError.isInstance(e)).toBe(true);
    const copy: unknown = JSON.parse(JSON.stringify(e));
    expect(copy).toMatchObject({ name: "KmsApiError", status: 503, code: "KMS.0104", retryable: true, mayHaveLanded: true, attempts: 3, message: e.message });
    expect(KmsApiError.isInstance(copy)).toBe(false);
    expect(KmsApiError.isInstance(new Error("x"))).toBe(false);
    expect(KmsApiError.isInstance({ name: "KmsApiError" })).toBe(false);
    expect(KmsApiError.isInstance(undefined)).toBe(false);
    expect(KmsApiError.isInstance(new KmsConfigError("region", "x"))).toBe(false);
  });

  it("recognizes an error built by another copy of the module (same global marker)", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("pulumi-huaweicloud-kms.error.KmsApiError")]: true });
    expect(KmsApiError.isInstance(foreign)).toBe(true);
  });
});
