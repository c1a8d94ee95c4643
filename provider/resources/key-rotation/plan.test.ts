import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRotationCalls, settingAfter, type RotationSetting } from "./plan.js";

const on = (intervalDays: number): RotationSetting => ({ enabled: true, intervalDays });
const off = (intervalDays = 365): RotationSetting => ({ enabled: false, intervalDays });

describe("planRotationCalls", () => {
  it.each([
    ["off → on at 365: enable only", off(), on(365), ["enable-key-rotation"]],
    ["off → on at 90: enable, then the interval", off(90), on(90), ["enable-key-rotation", "update-key-rotation-interval:90"]],
    ["on 365 → on 90: the interval only", on(365), on(90), ["update-key-rotation-interval:90"]],
    ["on 90 → on 90: nothing", on(90), on(90), []],
    ["on → off: disable", on(90), off(90), ["disable-key-rotation"]],
    ["off → off with a new interval: nothing now", off(90), off(180), []],
  ])("%s", (_name, current, desired, expected) => {
    const calls = planRotationCalls(current, desired).map((c) =>
      c.operation === "update-key-rotation-interval" ? `${c.operation}:${c.intervalDays}` : c.operation,
    );
    expect(calls).toEqual(expected);
  });

  // A model of the service: enabling resets the interval to 365, the interval only moves while on.
  function apply(s: RotationSetting, calls: ReturnType<typeof planRotationCalls>): RotationSetting {
    for (const c of calls) {
      if (c.operation === "enable-key-rotation") {
        if (s.enabled) throw new Error("KMS.2901");
        s = { enabled: true, intervalDays: 365 };
      } else if (c.operation === "disable-key-rotation") {
        if (!s.enabled) throw new Error("KMS.0313");
        s = { ...s, enabled: false };
      } else {
        if (!s.enabled) throw new Error("KMS.0313");
        s = { ...s, intervalDays: c.intervalDays };
      }
    }
    return s;
  }

  const setting = fc.record({ enabled: fc.boolean(), intervalDays: fc.integer({ min: 30, max: 365 }) });

  it("reaches any desired setting from any live one with the fewest mutating calls, and never a refused call", () => {
    fc.assert(
      fc.property(setting, setting, (live, desired) => {
        const calls = planRotationCalls(live, desired);
        const after = apply(live, calls);
        expect(after.enabled).toBe(desired.enabled);
        if (desired.enabled) expect(after.intervalDays).toBe(desired.intervalDays);
        const minimum =
          (live.enabled !== desired.enabled ? 1 : 0) +
          (desired.enabled && (live.enabled ? live.intervalDays : 365) !== desired.intervalDays ? 1 : 0);
        expect(calls).toHaveLength(minimum);
        expect(settingAfter(live, calls)).toEqual(after);
      }),
      { numRuns: 2000 },
    );
  });
});
