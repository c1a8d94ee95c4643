import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeRotation } from "./kms-key-resources.js";
import type { ResourceInputs } from "./key-rotation-rules.js";
import { UNKNOWN } from "./rotation-rule.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

function resource(type: string, name: string, inputs: Record<string, unknown>): ResourceInputs {
  return { type, name, input: (property) => inputs[property] };
}

/** The serialized provider (`__provider`) of each layout, as states written by this package hold it. */
function serializedProviders(): string[] {
  const found: string[] = [];
  for (const file of ["0.1.0-installed.json", "0.1.0-linked.json"]) {
    const text = readFileSync(join(__dirname, "../../test/fixtures/state", file), "utf8");
    const match = /"__provider":\s*("(?:[^"\\]|\\.)*")/.exec(text);
    if (match?.[1] !== undefined) found.push(JSON.parse(match[1]) as string);
  }
  return found;
}

describe("judgeRotation: KeyRotation, either vehicle", () => {
  const types = ["huaweicloud-kms:index:KeyRotation", "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation"];

  it.each(types)("%s: judges enabled and intervalDays", (type) => {
    expect(judgeRotation(resource(type, "orders-key", { keyId: KEY, enabled: true, intervalDays: 400 }), 365)).toEqual({
      kind: "judged",
      violations: ['KeyRotation "orders-key": intervalDays 400 exceeds the maximum of 365 days (maxIntervalDays)'],
    });
    expect(judgeRotation(resource(type, "k", { keyId: KEY, enabled: false, intervalDays: 90 }), 365)).toMatchObject({
      violations: ['KeyRotation "k": enabled false turns rotation off; the key must rotate at least every 365 days (maxIntervalDays)'],
    });
    expect(judgeRotation(resource(type, "k", { keyId: KEY, intervalDays: 90 }), 90)).toEqual({ kind: "judged", violations: [] });
  });

  it("takes the provider's defaults for what the program leaves out: on, every 365 days", () => {
    const bare = resource("huaweicloud-kms:index:KeyRotation", "k", { keyId: KEY });
    expect(judgeRotation(bare, 365)).toEqual({ kind: "judged", violations: [] });
    expect(judgeRotation(bare, 90)).toMatchObject({
      violations: ['KeyRotation "k": intervalDays 365 (not set: the default) exceeds the maximum of 90 days (maxIntervalDays)'],
    });
  });

  it("reads settings given as text (YAML, stack config) as the provider does", () => {
    const text = resource("huaweicloud-kms:index:KeyRotation", "k", { keyId: KEY, enabled: "true", intervalDays: "200" });
    expect(judgeRotation(text, 100)).toMatchObject({ violations: ['KeyRotation "k": intervalDays 200 exceeds the maximum of 100 days (maxIntervalDays)'] });
  });

  it("recognises an anonymous dynamic resource by its serialized provider, installed or linked", () => {
    const providers = serializedProviders();
    expect(providers).toHaveLength(2);
    for (const provider of providers) {
      const ours = resource("pulumi-nodejs:dynamic:Resource", "k", { __provider: provider, keyId: KEY, enabled: false });
      expect(judgeRotation(ours, 365)).toMatchObject({ kind: "judged", violations: [expect.stringContaining("enabled false")] });
    }
    const theirs = resource("pulumi-nodejs:dynamic:Resource", "k", { __provider: "exports.handler = () => ({});", enabled: false });
    expect(judgeRotation(theirs, 365)).toEqual({ kind: "not a key" });
    expect(judgeRotation(resource("pulumi-nodejs:dynamic/other:KeyRotation", "k", { enabled: false }), 365)).toEqual({ kind: "not a key" });
  });

  it("skips, during a preview, settings it cannot know", () => {
    const unknown = resource("huaweicloud-kms:index:KeyRotation", "k", { keyId: UNKNOWN, enabled: UNKNOWN, intervalDays: 400 });
    expect(judgeRotation(unknown, 365)).toEqual({ kind: "judged", violations: [] });
  });
});

// huaweicloud.Dew.Key inputs as pulumi-huaweicloud's SDK declares them (KeyArgs): keyAlias,
// keyAlgorithm (AES_256 by default), origin ("kms" by default, or "external"), rotationEnabled
// (false by default), rotationInterval (30-365, 365 by default).
describe("judgeRotation: huaweicloud:Dew/key:Key", () => {
  const type = "huaweicloud:Dew/key:Key";

  it("judges rotationEnabled and rotationInterval", () => {
    const key = { keyAlias: "orders", keyAlgorithm: "AES_256", rotationEnabled: true, rotationInterval: 400 };
    expect(judgeRotation(resource(type, "orders", key), 365)).toEqual({
      kind: "judged",
      violations: ['huaweicloud:Dew/key:Key "orders": rotationInterval 400 exceeds the maximum of 365 days (maxIntervalDays)'],
    });
    expect(judgeRotation(resource(type, "orders", { ...key, rotationInterval: 90 }), 90)).toEqual({ kind: "judged", violations: [] });
  });

  it("reports a key that leaves rotation out: the provider leaves it off", () => {
    expect(judgeRotation(resource(type, "orders", { keyAlias: "orders" }), 365)).toMatchObject({
      violations: [
        'huaweicloud:Dew/key:Key "orders": rotationEnabled false (not set: the default) turns rotation off; the key must rotate at least every 365 days (maxIntervalDays)',
      ],
    });
    expect(judgeRotation(resource(type, "orders", { keyAlias: "orders", rotationEnabled: true }), 180)).toMatchObject({
      violations: [expect.stringContaining("rotationInterval 365 (not set: the default) exceeds the maximum of 180 days")],
    });
  });

  it.each(["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "SM2"])("exempts asymmetric keys: %s", (keyAlgorithm) => {
    expect(judgeRotation(resource(type, "signer", { keyAlias: "signer", keyAlgorithm }), 365)).toEqual({
      kind: "exempt",
      reason: `keyAlgorithm "${keyAlgorithm}" is asymmetric: KMS rotates no asymmetric key`,
    });
  });

  it("exempts keys with imported material, and judges SM4 keys", () => {
    expect(judgeRotation(resource(type, "byok", { keyAlias: "byok", origin: "external" }), 365)).toEqual({
      kind: "exempt",
      reason: 'origin "external": KMS rotates no key with imported material',
    });
    expect(judgeRotation(resource(type, "sm4", { keyAlias: "sm4", keyAlgorithm: "SM4", origin: "kms" }), 365)).toMatchObject({
      kind: "judged",
      violations: [expect.stringContaining("rotationEnabled false")],
    });
  });

  it("leaves a key whose algorithm or origin is unknown in a preview to the update", () => {
    expect(judgeRotation(resource(type, "k", { keyAlias: "k", keyAlgorithm: UNKNOWN }), 365)).toEqual({ kind: "unknown" });
  });
});

// opentelekomcloud.KmsKeyV1 inputs as the opentelekomcloud package declares them (from the
// Terraform resource opentelekomcloud_kms_key_v1): keyAlias, realm, isEnabled, pendingDays,
// rotationEnabled (off unless set), rotationInterval (30-365), origin; no key spec.
describe("judgeRotation: opentelekomcloud:index/kmsKeyV1:KmsKeyV1", () => {
  const type = "opentelekomcloud:index/kmsKeyV1:KmsKeyV1";

  it("judges rotationEnabled and rotationInterval", () => {
    const key = { keyAlias: "orders", realm: "eu-de-01", isEnabled: true, pendingDays: "7", rotationEnabled: true, rotationInterval: 200 };
    expect(judgeRotation(resource(type, "orders", key), 90)).toEqual({
      kind: "judged",
      violations: ['opentelekomcloud:index/kmsKeyV1:KmsKeyV1 "orders": rotationInterval 200 exceeds the maximum of 90 days (maxIntervalDays)'],
    });
    expect(judgeRotation(resource(type, "orders", key), 365)).toEqual({ kind: "judged", violations: [] });
  });

  it("reports a key that leaves rotation out or turns it off", () => {
    expect(judgeRotation(resource(type, "orders", { keyAlias: "orders" }), 365)).toMatchObject({
      violations: [expect.stringContaining('KmsKeyV1 "orders": rotationEnabled false (not set: the default) turns rotation off')],
    });
    expect(judgeRotation(resource(type, "orders", { keyAlias: "orders", rotationEnabled: false }), 365)).toMatchObject({
      violations: [expect.stringContaining("rotationEnabled false turns rotation off")],
    });
  });

  it("exempts keys with imported material", () => {
    expect(judgeRotation(resource(type, "byok", { keyAlias: "byok", origin: "external" }), 365)).toMatchObject({ kind: "exempt" });
  });
});

describe("judgeRotation: other resources", () => {
  it("leaves them alone", () => {
    expect(judgeRotation(resource("pulumi:pulumi:Stack", "s", {}), 365)).toEqual({ kind: "not a key" });
    expect(judgeRotation(resource("huaweicloud:Dew/keypair:Keypair", "kp", {}), 365)).toEqual({ kind: "not a key" });
  });
});
