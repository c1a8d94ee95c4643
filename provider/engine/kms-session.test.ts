import { expect, it } from "vitest";
import { describeTimeout } from "./kms-session.js";

it("describes a timeout in the unit a user would write", () => {
  expect(describeTimeout(2000)).toBe("2s");
  expect(describeTimeout(300_000)).toBe("5m");
  expect(describeTimeout(7_200_000)).toBe("2h");
  expect(describeTimeout(1500)).toBe("1500ms");
});
