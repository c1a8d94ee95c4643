import { describe, expect, it } from "vitest";
import { adviceFor } from "./error-advice.js";
import { KmsErrorCode, LocalErrorCode } from "./kms-error-codes.js";

describe("error codes", () => {
  it("spells every KMS and gateway code in the documented shape, each once", () => {
    const codes = Object.values(KmsErrorCode);
    for (const code of codes) expect(code).toMatch(/^(KMS|APIG)\.\d{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("keeps the codes the resource logic and the emulator rely on", () => {
    expect(KmsErrorCode).toMatchObject({
      KeyNotFound: "KMS.0207",
      KeyDisabled: "KMS.0209",
      PendingDeletion: "KMS.0210",
      DefaultMasterKey: "KMS.0211",
      ImportedMaterial: "KMS.0312",
      RotationNotEnabled: "KMS.0313",
      RSA: "KMS.0324",
      Asymmetric: "KMS.0325",
      RotationAlreadyEnabled: "KMS.2901",
      InvalidInterval: "KMS.3001",
      Throttled: "APIG.0308",
    });
  });

  it("keeps local codes apart from KMS ones, each with its own advice", () => {
    const local = Object.values(LocalErrorCode);
    expect(local).toEqual(["NETWORK_ERROR", "TIMEOUT", "INVALID_RESPONSE", "INVALID_ARGUMENT"]);
    for (const code of local) expect(Object.values(KmsErrorCode)).not.toContain(code);
    const generic = adviceFor("UNLISTED", 0);
    for (const code of [LocalErrorCode.NetworkError, LocalErrorCode.Timeout, LocalErrorCode.InvalidResponse]) {
      expect(adviceFor(code, 0)).not.toBe(generic);
    }
  });
});
