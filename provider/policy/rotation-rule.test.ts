import { describe, expect, it } from "vitest";
import { rotationViolations, UNKNOWN, type DeclaredRotation } from "./rotation-rule.js";

function rotation(enabled: boolean | undefined | typeof UNKNOWN, intervalDays: number | undefined | typeof UNKNOWN): DeclaredRotation {
  return {
    resource: 'KeyRotation "orders-key"',
    enabled: { property: "enabled", value: enabled, defaultValue: true },
    intervalDays: { property: "intervalDays", value: intervalDays, defaultValue: 365 },
  };
}

describe("rotationViolations", () => {
  it("names the resource, the property, the value and the rule", () => {
    expect(rotationViolations(rotation(true, 400), 365)).toEqual([
      'KeyRotation "orders-key": intervalDays 400 exceeds the maximum of 365 days (maxIntervalDays)',
    ]);
    expect(rotationViolations(rotation(false, 90), 365)).toEqual([
      'KeyRotation "orders-key": enabled false turns rotation off; the key must rotate at least every 365 days (maxIntervalDays)',
    ]);
  });

  it("allows rotation at the maximum or more often", () => {
    expect(rotationViolations(rotation(true, 90), 90)).toEqual([]);
    expect(rotationViolations(rotation(true, 30), 90)).toEqual([]);
  });

  it("judges a property left out by the provider's default, and says it is the default", () => {
    expect(rotationViolations(rotation(undefined, undefined), 365)).toEqual([]);
    expect(rotationViolations(rotation(undefined, undefined), 180)).toEqual([
      'KeyRotation "orders-key": intervalDays 365 (not set: the default) exceeds the maximum of 180 days (maxIntervalDays)',
    ]);
    const offByDefault = { ...rotation(undefined, 90), enabled: { property: "rotationEnabled", value: undefined, defaultValue: false } };
    expect(rotationViolations(offByDefault, 365)).toEqual([
      'KeyRotation "orders-key": rotationEnabled false (not set: the default) turns rotation off; the key must rotate at least every 365 days (maxIntervalDays)',
    ]);
  });

  it("leaves what a preview cannot know to the update: no violation, no failure", () => {
    expect(rotationViolations(rotation(UNKNOWN, 400), 365)).toEqual([]);
    expect(rotationViolations(rotation(true, UNKNOWN), 365)).toEqual([]);
    expect(rotationViolations(rotation(undefined, UNKNOWN), 365)).toEqual([]);
  });

  it("reports rotation turned off even when the interval is unknown", () => {
    expect(rotationViolations(rotation(false, UNKNOWN), 365)).toHaveLength(1);
  });
});
