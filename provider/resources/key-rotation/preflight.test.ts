import { describe, expect, it } from "vitest";
import { firstWrite, importRefusal, importRefusalMessage, refusalMessage, rotationRefusal } from "./preflight.js";

const rotatable = { keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256" };

describe("rotationRefusal", () => {
  it("allows an enabled symmetric customer key of KMS origin", () => {
    expect(rotationRefusal(rotatable)).toBeUndefined();
    expect(rotationRefusal({ ...rotatable, keySpec: "SM4" })).toBeUndefined();
  });

  it.each([
    [{ keyState: "3" }, "KMS.0209"],
    [{ keyState: "4" }, "KMS.0210"],
    [{ keyState: "1" }, "KMS.0208"],
    [{ isDefaultKey: true }, "KMS.0211"],
    [{ origin: "external" }, "KMS.0312"],
    [{ keySpec: "RSA_2048" }, "KMS.0324"],
    [{ keySpec: "EC_P256" }, "KMS.0325"],
    [{ keySpec: "SM2" }, "KMS.0325"],
  ])("refuses %o with %s, as KMS does", (patch, code) => {
    expect(rotationRefusal({ ...rotatable, ...patch })?.code).toBe(code);
  });

  it("names the key state first when several reasons apply", () => {
    expect(rotationRefusal({ ...rotatable, keyState: "3", isDefaultKey: true })?.code).toBe("KMS.0209");
  });
});

describe("importRefusal", () => {
  it("lets a disabled, frozen or not yet active key be imported: its rotation can change once it is enabled", () => {
    for (const keyState of ["1", "2", "3", "7"]) expect(importRefusal({ ...rotatable, keyState })).toBeUndefined();
  });

  it.each([
    [{ keyState: "4" }, "KMS.0210"],
    [{ keyState: "3", isDefaultKey: true }, "KMS.0211"],
    [{ origin: "external", keyState: "5" }, "KMS.0312"],
    [{ keySpec: "RSA_2048" }, "KMS.0324"],
    [{ keySpec: "EC_P256" }, "KMS.0325"],
  ])("refuses %o with %s: the key is going away or can never rotate", (patch, code) => {
    expect(importRefusal({ ...rotatable, ...patch })?.code).toBe(code);
  });

  it("says which key, the code, the reason and what to do", () => {
    const message = importRefusalMessage("k-1", { code: "KMS.0210", reason: "the key is scheduled for deletion" });
    expect(message).toMatch(/^cannot import the rotation of key k-1: KMS.0210 \(the key is scheduled for deletion\)/);
    expect(message).toContain("cancel the deletion");
  });
});

describe("firstWrite", () => {
  it("is the toggle a create sends, or nothing when rotation stays as it is", () => {
    expect(firstWrite(false, true)).toBe("enable-key-rotation");
    expect(firstWrite(true, false)).toBe("disable-key-rotation");
    expect(firstWrite(true, true)).toBeUndefined();
    expect(firstWrite(false, false)).toBeUndefined();
  });
});

it("words a refusal with the operation, the code and the advice up would show", () => {
  const msg = refusalMessage("0d0466b0-e727-4d9c-b35d-f84bb474a37f", "enable-key-rotation", { code: "KMS.0209", reason: "the key is disabled" });
  expect(msg).toBe(
    "KMS would refuse enable-key-rotation for key 0d0466b0-e727-4d9c-b35d-f84bb474a37f: KMS.0209 (the key is disabled; checked by preview). " +
      "The key is disabled: enable it first (KMS console or enable-key), then retry.",
  );
});
