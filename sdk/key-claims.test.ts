import { expect, it } from "vitest";
import { duplicateKeyMessage } from "./key-claims.js";

it("names every resource and the key, and says what to do", () => {
  const msg = duplicateKeyMessage("0d0466b0-e727-4d9c-b35d-f84bb474a37f", ["payments", "ledger"]);
  expect(msg).toContain('KeyRotation "payments" and "ledger" both manage key 0d0466b0-e727-4d9c-b35d-f84bb474a37f');
  expect(msg).toContain("Keep one of them");
});
