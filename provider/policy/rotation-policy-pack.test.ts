import { createRequire } from "node:module";
import type { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { rotationPolicyPackArgs } from "./rotation-policy-pack.js";

// How @pulumi/policy hands a policy the inputs (a proxy that throws on a value unknown during a
// preview), and its marker for an unknown number: internal to it, so not in its type declarations.
const { unknownCheckingProxy, unknownNumberValue } = createRequire(__filename)("@pulumi/policy/proxy") as {
  unknownCheckingProxy: (inputs: Record<string, unknown>) => Record<string, unknown>;
  unknownNumberValue: string;
};

class NotApplicable extends Error {}

/** Runs the pack's one policy on a resource as the CLI hands it over; its violations, or NotApplicable. */
async function validate(type: string, name: string, inputs: Record<string, unknown>, config: Record<string, unknown>): Promise<string[]> {
  const policy = rotationPolicyPackArgs().policies[0];
  if (policy === undefined || !("validateResource" in policy)) throw new Error("the pack has no resource policy");
  const validation = policy.validateResource as ResourceValidation;
  const reported: string[] = [];
  const args = {
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    props: unknownCheckingProxy(inputs),
    getConfig: () => config,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  } as unknown as ResourceValidationArgs;
  await validation(args, (message) => reported.push(message));
  return reported;
}

describe("the pack's policy, as the CLI calls it", () => {
  it("reports each violation with the configured maximum, the default one without configuration", async () => {
    const key = { keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f", enabled: true, intervalDays: 300 };
    expect(await validate("huaweicloud-kms:index:KeyRotation", "orders-key", key, { maxIntervalDays: 180 })).toEqual([
      'KeyRotation "orders-key": intervalDays 300 exceeds the maximum of 180 days (maxIntervalDays)',
    ]);
    expect(await validate("huaweicloud-kms:index:KeyRotation", "orders-key", key, {})).toEqual([]);
  });

  it("skips a value unknown during a preview instead of failing the policy", async () => {
    const key = { keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f", enabled: true, intervalDays: unknownNumberValue };
    expect(await validate("pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation", "k", key, { maxIntervalDays: 90 })).toEqual([]);
  });

  it("marks an exempt key not applicable, with the reason", async () => {
    await expect(validate("huaweicloud:Dew/key:Key", "signer", { keyAlias: "signer", keyAlgorithm: "RSA_2048" }, {})).rejects.toThrow(
      new NotApplicable('keyAlgorithm "RSA_2048" is asymmetric: KMS rotates no asymmetric key'),
    );
  });

  it("is advisory unless configured otherwise", () => {
    expect(rotationPolicyPackArgs()).toMatchObject({ enforcementLevel: "advisory", policies: [{ name: "kms-key-rotation" }] });
    expect(rotationPolicyPackArgs().policies[0]).not.toHaveProperty("enforcementLevel");
  });
});
