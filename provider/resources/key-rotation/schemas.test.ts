import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkKeyRotationInputs, keyRotationInputsSchema } from "./schemas.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("checkKeyRotationInputs", () => {
  it("applies the defaults: enabled, every 365 days", () => {
    expect(checkKeyRotationInputs({ keyId: KEY })).toEqual({
      inputs: { keyId: KEY, enabled: true, intervalDays: 365 },
      failures: [],
    });
  });

  it("keeps valid values and normalizes text from config-driven programs", () => {
    expect(checkKeyRotationInputs({ keyId: KEY, enabled: "False", intervalDays: " 90 " }).inputs).toEqual({
      keyId: KEY,
      enabled: false,
      intervalDays: 90,
    });
  });

  it.each([
    [{ keyId: "abc" }, "keyId", 'keyId "abc" is not a KMS key id: a KMS key id is 36 characters'],
    [{ keyId: KEY.toUpperCase() }, "keyId", "KMS key ids are lower case"],
    [{ keyId: ` ${KEY}` }, "keyId", "remove the surrounding spaces"],
    [{}, "keyId", "keyId is required and must be a string; got undefined"],
    [{ keyId: KEY, intervalDays: 29 }, "intervalDays", "intervalDays 29 is out of range: use a whole number of days from 30 to 365"],
    [{ keyId: KEY, intervalDays: 366 }, "intervalDays", "intervalDays 366 is out of range"],
    [{ keyId: KEY, intervalDays: 90.5 }, "intervalDays", "intervalDays 90.5 is not a whole number: use a whole number of days from 30 to 365"],
    [{ keyId: KEY, intervalDays: 29.5 }, "intervalDays", "intervalDays 29.5 is not a whole number"],
    [{ keyId: KEY, intervalDays: "90.5" }, "intervalDays", 'intervalDays "90.5" is not a whole number: use a whole number of days from 30 to 365'],
    [{ keyId: KEY, intervalDays: "ninety" }, "intervalDays", 'intervalDays must be a number of days; got "ninety"'],
    [{ keyId: KEY, enabled: "yes" }, "enabled", 'enabled must be true or false; got "yes"'],
  ])("rejects %j naming %s, the value and the rule", (raw, property, text) => {
    const { failures } = checkKeyRotationInputs(raw);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toContain(text);
  });

  it("reports every bad property at once", () => {
    const { failures } = checkKeyRotationInputs({ keyId: 1, enabled: 2, intervalDays: 3 });
    expect(failures.map((f) => f.property)).toEqual(["keyId", "enabled", "intervalDays"]);
  });

  it("lets values unknown during a preview through without judging them", () => {
    const result = checkKeyRotationInputs(
      { keyId: UNKNOWN, intervalDays: UNKNOWN },
      { isUnknown: (v) => v === UNKNOWN },
    );
    expect(result).toEqual({ inputs: { keyId: UNKNOWN, enabled: true, intervalDays: UNKNOWN }, failures: [] });
  });

  it("either normalizes to valid inputs or names a failing property, for arbitrary input, without throwing", () => {
    const anyValue = fc.oneof(fc.anything(), fc.constant(KEY), fc.integer({ min: 0, max: 400 }), fc.boolean());
    fc.assert(
      fc.property(fc.record({ keyId: anyValue, enabled: anyValue, intervalDays: anyValue }, { requiredKeys: [] }), (raw) => {
        const { inputs, failures } = checkKeyRotationInputs(raw);
        if (failures.length === 0) {
          expect(keyRotationInputsSchema.safeParse(inputs).success).toBe(true);
        } else {
          for (const f of failures) {
            expect(["keyId", "enabled", "intervalDays"]).toContain(f.property);
            expect(f.reason.startsWith(f.property)).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
