import { describe, expect, it } from "vitest";
import { rotatability } from "./rotatability.js";

const key = { keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256" };

describe("rotatability", () => {
  it("calls an enabled symmetric KMS-made customer key rotatable", () => {
    expect(rotatability(key)).toEqual({ rotatable: true });
    expect(rotatability({ ...key, keySpec: "SM4" })).toEqual({ rotatable: true });
  });

  it.each([
    [{ isDefaultKey: true }, "default key", "KMS.0211"],
    [{ origin: "external" }, "imported material", "KMS.0312"],
    [{ keySpec: "RSA_2048" }, "asymmetric", "KMS.0324"],
    [{ keySpec: "EC_P384" }, "asymmetric", "KMS.0325"],
    [{ keySpec: "SM2" }, "asymmetric", "KMS.0325"],
    [{ keyState: "3" }, "disabled", "KMS.0209"],
    [{ keyState: "4" }, "pending deletion", "KMS.0210"],
    [{ keyState: "1" }, "key state", "KMS.0208"],
    [{ keyState: "7" }, "key state", "KMS.0208"],
  ])("%o cannot rotate: %s (%s)", (patch, reason, code) => {
    expect(rotatability({ ...key, ...patch })).toMatchObject({ rotatable: false, reason, code });
  });

  it("names the permanent reason before the state: a disabled Default Master Key is a default key", () => {
    expect(rotatability({ ...key, keyState: "3", isDefaultKey: true })).toMatchObject({ reason: "default key" });
    expect(rotatability({ ...key, keyState: "5", origin: "external" })).toMatchObject({ reason: "imported material" });
  });
});
