import { describe, expect, it } from "vitest";
import {
  FORWARDED,
  forwardReplaceOnChanges,
  forwardTimeouts,
  isPreview,
  parseTimeout,
  readReplaceOnChanges,
  readTimeouts,
} from "./forwarded-options.js";

describe("customTimeouts", () => {
  it("parses Go-style durations into milliseconds", () => {
    expect(parseTimeout("create", "2s")).toBe(2000);
    expect(parseTimeout("update", "5m")).toBe(300_000);
    expect(parseTimeout("delete", "1h30m")).toBe(5_400_000);
    expect(parseTimeout("create", "1.5s")).toBe(1500);
    expect(parseTimeout("create", "250ms")).toBe(250);
  });

  it("refuses what is not a duration, naming the option, the value and the rule", () => {
    expect(() => parseTimeout("create", "soon")).toThrow('customTimeouts.create "soon" is not a duration: use a number with a unit, e.g. "90s", "5m" or "1h30m"');
    expect(() => parseTimeout("update", "10")).toThrow('customTimeouts.update "10" is not a duration');
    expect(() => parseTimeout("delete", "0s")).toThrow('customTimeouts.delete "0s" must be longer than zero');
  });

  it("forwards only the operations set, and nothing when none is", () => {
    expect(forwardTimeouts(undefined)).toBeUndefined();
    expect(forwardTimeouts({})).toBeUndefined();
    expect(forwardTimeouts({ update: "2s", delete: "" })).toEqual({ update: 2000 });
  });

  it("reads forwarded timeouts back, ignoring anything malformed", () => {
    expect(readTimeouts({ [FORWARDED.timeouts]: { create: 1000, update: -1, delete: "5s" } })).toEqual({ create: 1000 });
    expect(readTimeouts({})).toEqual({});
  });

});

describe("replaceOnChanges", () => {
  it("keeps the in-place properties it names; '*' names them all; keyId already replaces", () => {
    expect(forwardReplaceOnChanges(undefined)).toBeUndefined();
    expect(forwardReplaceOnChanges(["keyId"])).toBeUndefined();
    expect(forwardReplaceOnChanges(["intervalDays"])).toEqual(["intervalDays"]);
    expect(forwardReplaceOnChanges(["*"])).toEqual(["enabled", "intervalDays"]);
  });

  it("reads the forwarded list back, ignoring unknown names", () => {
    expect(readReplaceOnChanges({ [FORWARDED.replaceOnChanges]: ["intervalDays", "bogus"] })).toEqual(["intervalDays"]);
    expect(readReplaceOnChanges({ [FORWARDED.replaceOnChanges]: "intervalDays" })).toEqual([]);
  });
});

it("recognises a preview only by the literal true", () => {
  expect(isPreview({ [FORWARDED.preview]: true })).toBe(true);
  expect(isPreview({ [FORWARDED.preview]: "true" })).toBe(false);
  expect(isPreview({})).toBe(false);
});
