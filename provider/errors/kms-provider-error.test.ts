import { describe, expect, it } from "vitest";
import { ERROR_MARKER, errorMarker, KmsProviderError } from "./kms-provider-error.js";

const childName = "ChildError";
const childMarker = Symbol.for(errorMarker(childName));

class ChildError extends KmsProviderError {
  private readonly [childMarker] = true;
  override readonly name = childName;
  static override isInstance(error: unknown): error is ChildError {
    return KmsProviderError.hasMarker(error, errorMarker(childName));
  }
}

describe("KmsProviderError", () => {
  it("is an Error that keeps its message and cause", () => {
    const cause = new Error("root");
    const e = new KmsProviderError("boom", { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe("boom");
    expect(e.cause).toBe(cause);
    expect("cause" in new KmsProviderError("no cause")).toBe(false);
  });

  it("recognizes its family by the global marker, not by class identity or name", () => {
    expect(KmsProviderError.isInstance(new KmsProviderError("x"))).toBe(true);
    expect(KmsProviderError.isInstance(new ChildError("x"))).toBe(true);
    // What a second copy of the module builds: another class, the same registry symbol.
    const foreign = Object.assign(new Error("x"), { [Symbol.for(ERROR_MARKER)]: true });
    expect(KmsProviderError.isInstance(foreign)).toBe(true);
    expect(KmsProviderError.isInstance(new Error("x"))).toBe(false);
    expect(KmsProviderError.isInstance({ name: "KmsProviderError" })).toBe(false);
    expect(KmsProviderError.isInstance({ [Symbol.for(ERROR_MARKER)]: "yes" })).toBe(false);
    expect(KmsProviderError.isInstance(null)).toBe(false);
    expect(KmsProviderError.isInstance("x")).toBe(false);
  });

  it("tells kinds apart: a kind's isInstance accepts only its own marker", () => {
    expect(ChildError.isInstance(new ChildError("x"))).toBe(true);
    expect(ChildError.isInstance(new KmsProviderError("x"))).toBe(false);
    expect(errorMarker("ChildError")).toBe("pulumi-huaweicloud-kms.error.ChildError");
  });
});
