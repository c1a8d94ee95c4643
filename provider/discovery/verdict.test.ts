import { describe, expect, it } from "vitest";
import type { KeyInfo, RotationStatus } from "../kms/kms-client.js";
import type { InventoryEntry } from "./key-inventory.js";
import { rotatability } from "./rotatability.js";
import { breaksPolicy, DEFAULT_MAX_INTERVAL_DAYS, describePolicy, isRotatable, verdictFor, verdictLabel, type Verdict } from "./verdict.js";

const policy = { maxIntervalDays: 180 };

function entry(key: Partial<KeyInfo>, status?: Partial<RotationStatus>, statusError?: string): InventoryEntry {
  const info: KeyInfo = { keyId: "k-1", keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256", ...key };
  return {
    key: info,
    rotatability: rotatability(info),
    ...(status === undefined ? {} : { status: { enabled: true, intervalDays: 365, numberOfRotations: 0, ...status } }),
    ...(statusError === undefined ? {} : { statusError }),
  };
}

const label = (e: InventoryEntry): string => verdictLabel(verdictFor(e, policy));

describe("verdictFor", () => {
  it("calls a rotating key within the interval compliant, the limit included", () => {
    expect(label(entry({ rotationEnabled: true }, { intervalDays: 90 }))).toBe("compliant");
    expect(label(entry({ rotationEnabled: true }, { intervalDays: 180 }))).toBe("compliant");
    expect(label(entry({ keySpec: "SM4", rotationEnabled: true }, { intervalDays: 30 }))).toBe("compliant");
  });

  it("calls a longer interval too long, with both numbers", () => {
    const v = verdictFor(entry({ rotationEnabled: true }, { intervalDays: 181 }), policy);
    expect(v).toEqual({ kind: "interval-too-long", intervalDays: 181, maxIntervalDays: 180 });
    expect(verdictLabel(v)).toBe("interval too long");
  });

  it("calls a key not rotating from the listing alone, or from the status when it disagrees", () => {
    expect(label(entry({ rotationEnabled: false }))).toBe("not rotating");
    expect(label(entry({ rotationEnabled: true }, { enabled: false, intervalDays: 90 }))).toBe("not rotating");
    // A listing that does not say, and no status: not shown to rotate.
    expect(label(entry({}))).toBe("not rotating");
  });

  it("names the code of a status read that was refused, and never calls it compliant", () => {
    expect(label(entry({ rotationEnabled: true }, undefined, "KMS.0207"))).toBe("unknown (KMS.0207)");
    expect(label(entry({ rotationEnabled: true }))).toBe("unknown (no status read)");
  });

  it("gives the reason a key cannot rotate, permanent reasons before the state, whatever its rotation says", () => {
    expect(label(entry({ isDefaultKey: true, defaultKeyFlag: "1" }))).toBe("cannot rotate (default key)");
    expect(label(entry({ origin: "external" }))).toBe("cannot rotate (imported material)");
    expect(label(entry({ keySpec: "RSA_2048" }))).toBe("cannot rotate (asymmetric)");
    expect(label(entry({ keySpec: "EC_P256" }))).toBe("cannot rotate (asymmetric)");
    expect(label(entry({ keySpec: "SM2" }))).toBe("cannot rotate (asymmetric)");
    expect(label(entry({ keyState: "3", rotationEnabled: true }, { intervalDays: 365 }))).toBe("cannot rotate (disabled)");
    expect(label(entry({ keyState: "4" }))).toBe("cannot rotate (pending deletion)");
    expect(label(entry({ keyState: "7" }))).toBe("cannot rotate (key state)");
    expect(label(entry({ keyState: "3", isDefaultKey: true }))).toBe("cannot rotate (default key)");
    // A refused status read of a key that cannot rotate anyway changes nothing.
    expect(label(entry({ keyState: "4", rotationEnabled: true }, undefined, "KMS.0207"))).toBe("cannot rotate (pending deletion)");
  });
});

describe("what a verdict means for the run", () => {
  const all: Verdict[] = [
    { kind: "compliant" },
    { kind: "not-rotating" },
    { kind: "interval-too-long", intervalDays: 365, maxIntervalDays: 90 },
    { kind: "unknown", code: "KMS.0207" },
    { kind: "cannot-rotate", reason: "default key", code: "KMS.0210" },
  ];

  it("fails the run only for rotatable keys not shown to follow the policy", () => {
    expect(all.map(breaksPolicy)).toEqual([false, true, true, true, false]);
  });

  it("counts every key but those that cannot rotate as rotatable", () => {
    expect(all.map(isRotatable)).toEqual([true, true, true, true, false]);
  });

  it("defaults to KMS's largest interval and says the policy in words", () => {
    expect(DEFAULT_MAX_INTERVAL_DAYS).toBe(365);
    expect(describePolicy({ maxIntervalDays: 90 })).toBe("rotation on, every 90 days or more often");
  });
});
