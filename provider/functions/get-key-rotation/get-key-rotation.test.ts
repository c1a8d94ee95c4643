import { describe, expect, it } from "vitest";
import { checkFunctionArgs } from "../../engine/function-spec.js";
import { checkKeyRotationInputs } from "../../resources/key-rotation/schemas.js";
import { getKeyRotation } from "./get-key-rotation.js";
import { getKeyRotationSpec } from "./spec.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

describe("getKeyRotation", () => {
  it("answers with one status read", async () => {
    const reads: string[] = [];
    const api = {
      getKeyRotationStatus: (keyId: string) => {
        reads.push(keyId);
        return Promise.resolve({ enabled: true, intervalDays: 90, numberOfRotations: 3, lastRotationTime: "2025-06-01T00:00:00.000Z" });
      },
    };
    expect(await getKeyRotation(api, { keyId: KEY })).toEqual({
      keyId: KEY,
      enabled: true,
      intervalDays: 90,
      numberOfRotations: 3,
      lastRotationTime: "2025-06-01T00:00:00.000Z",
    });
    expect(reads).toEqual([KEY]);
  });

  it("leaves lastRotationTime out for a key that never rotated", async () => {
    const api = { getKeyRotationStatus: () => Promise.resolve({ enabled: false, intervalDays: 365, numberOfRotations: 0 }) };
    expect(await getKeyRotation(api, { keyId: KEY })).toEqual({ keyId: KEY, enabled: false, intervalDays: 365, numberOfRotations: 0 });
  });

  it.each([[KEY.toUpperCase()], [` ${KEY}`], ["alias/orders"], [42], [undefined]])(
    "refuses the key id %j with KeyRotation's own message",
    (keyId) => {
      const resource = checkKeyRotationInputs({ keyId }).failures;
      expect(resource).toHaveLength(1);
      expect(checkFunctionArgs(getKeyRotationSpec, { keyId }).failures).toEqual(resource);
    },
  );
});
