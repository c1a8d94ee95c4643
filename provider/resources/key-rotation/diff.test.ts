import { describe, expect, it } from "vitest";
import { diffKeyRotation } from "./diff.js";

const A = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const B = "1d0466b0-e727-4d9c-b35d-f84bb474a37f";
const base = { keyId: A, enabled: true, intervalDays: 90 };

describe("diffKeyRotation", () => {
  it("reports nothing when the inputs are the same, whatever the outputs say", () => {
    expect(diffKeyRotation({ ...base, numberOfRotations: 3 }, base)).toEqual({
      changes: false,
      replaces: [],
      updates: [],
    });
  });

  it("replaces on a new key id", () => {
    expect(diffKeyRotation(base, { ...base, keyId: B })).toEqual({ changes: true, replaces: ["keyId"], updates: [] });
  });

  it("updates in place on enabled or interval", () => {
    expect(diffKeyRotation(base, { ...base, intervalDays: 30 }).updates).toEqual(["intervalDays"]);
    expect(diffKeyRotation(base, { ...base, enabled: false }).updates).toEqual(["enabled"]);
    expect(diffKeyRotation(base, { ...base, enabled: false, intervalDays: 30 })).toEqual({
      changes: true,
      replaces: [],
      updates: ["enabled", "intervalDays"],
    });
  });
});
