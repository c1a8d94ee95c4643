import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_INTERVAL_DAYS, POLICY_PACK_NAME, ROTATION_CONFIG_SCHEMA, rotationPolicyConfig } from "./policy-config.js";

const repoRoot = join(__dirname, "../..");

describe("the policy pack's configuration", () => {
  it("defaults maxIntervalDays to KMS's maximum, 365 days", () => {
    expect(DEFAULT_MAX_INTERVAL_DAYS).toBe(365);
    expect(rotationPolicyConfig({})).toEqual({ maxIntervalDays: 365 });
    expect(rotationPolicyConfig({ enforcementLevel: "mandatory", maxIntervalDays: 90 })).toEqual({ maxIntervalDays: 90 });
  });

  it("declares maxIntervalDays as a whole number of days from 30 to 365, so the CLI refuses anything else", () => {
    expect(ROTATION_CONFIG_SCHEMA.properties.maxIntervalDays).toMatchObject({ type: "integer", minimum: 30, maximum: 365, default: 365 });
  });

  it("the pack folder names the pack as the code does, and carries the package's version", () => {
    const policyYaml = readFileSync(join(repoRoot, "policy-pack", "PulumiPolicy.yaml"), "utf8");
    expect(policyYaml).toMatch(new RegExp(`^name: ${POLICY_PACK_NAME}$`, "m"));
    expect(policyYaml).toMatch(/^runtime: nodejs$/m);
    const packVersion = (JSON.parse(readFileSync(join(repoRoot, "policy-pack", "package.json"), "utf8")) as { version: string }).version;
    const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
    expect(packVersion).toBe(version);
  });
});
