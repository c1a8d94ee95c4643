import { describe, expect, it } from "vitest";
import { adviceFor } from "./error-advice.js";

describe("advice", () => {
  it.each([
    ["KMS.0301", 403, /credentials/],
    ["KMS.0303", 403, /credentials/],
    ["KMS.0305", 403, /credentials/],
    ["APIG.0301", 401, /credentials/],
    ["APIG.0305", 401, /credentials/],
    ["SOMETHING", 401, /credentials/],
    ["KMS.0306", 403, /permission/],
    ["KMS.0307", 403, /permission/],
    ["KMS.0321", 403, /projectId/],
    ["KMS.0207", 404, /does not exist/],
    ["KMS.0205", 400, /key id/],
    ["KMS.0209", 400, /enable it first/],
    ["KMS.0210", 400, /scheduled for deletion/],
    ["KMS.0211", 400, /Default Master Keys/],
    ["KMS.0312", 400, /imported key material/],
    ["KMS.0324", 400, /symmetric/],
    ["KMS.0325", 400, /symmetric/],
    ["KMS.2901", 400, /already enabled/],
    ["KMS.3001", 400, /30 to 365/],
    ["KMS.0202", 400, /bug/],
    ["KMS.0204", 400, /bug/],
    ["KMS.0206", 400, /bug/],
    ["APIG.0308", 429, /throttling.*maxConcurrency/],
    ["HTTP_429", 429, /throttling/],
    ["KMS.0100", 500, /temporary server-side/],
    ["KMS.0103", 500, /temporary server-side/],
    ["KMS.0104", 503, /temporary server-side/],
    ["HTTP_502", 502, /temporary server-side/],
    ["NETWORK_ERROR", 0, /Could not reach KMS/],
    ["TIMEOUT", 0, /did not answer in time/],
    ["INVALID_RESPONSE", 200, /cannot read/],
    ["KMS.9999", 400, /refused/],
  ] as const)("%s (HTTP %i) → %s", (code, status, advice) => {
    expect(adviceFor(code, status)).toMatch(advice);
  });

  it("reads KMS.0313 according to the operation", () => {
    expect(adviceFor("KMS.0313", 400, "disable-key-rotation")).toMatch(/already disabled/);
    expect(adviceFor("KMS.0313", 400, "update-key-rotation-interval")).toMatch(/enable rotation first/);
  });
});
