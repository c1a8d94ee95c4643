// The policy pack's names and configuration: what `--policy-pack-config` may set, as the JSON
// schema the Pulumi CLI checks the file against (so a bad value is refused before any resource is
// judged), and the values the pack uses when the file leaves them out. Pure.
import { MAX_ROTATION_INTERVAL_DAYS, MIN_ROTATION_INTERVAL_DAYS } from "../kms/kms-rules.js";
import { MAX_INTERVAL_SETTING } from "./rotation-rule.js";

/** The pack's name (PulumiPolicy.yaml `name`; the CLI prints it with each violation). */
export const POLICY_PACK_NAME = "huaweicloud-kms-rotation";
/** The one policy's name: the key of its settings in a `--policy-pack-config` file. */
export const ROTATION_POLICY_NAME = "kms-key-rotation";
/** The longest interval allowed unless configured: KMS's own maximum. */
export const DEFAULT_MAX_INTERVAL_DAYS = MAX_ROTATION_INTERVAL_DAYS;

/** The policy's settings (besides `enforcementLevel`, which every policy has). */
export interface RotationPolicyConfig {
  maxIntervalDays: number;
}

/**
 * JSON schema of the settings. Below 30 days no key could comply (KMS's shortest interval); above
 * 365 the rule would allow what KMS refuses anyway.
 */
export const ROTATION_CONFIG_SCHEMA = {
  properties: {
    [MAX_INTERVAL_SETTING]: {
      type: "integer",
      minimum: MIN_ROTATION_INTERVAL_DAYS,
      maximum: MAX_ROTATION_INTERVAL_DAYS,
      default: DEFAULT_MAX_INTERVAL_DAYS,
      description: `The longest rotation interval allowed, in days (${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}).`,
    },
  },
} as const;

/** The settings the policy runs with: the configured ones, else the defaults. */
export function rotationPolicyConfig(configured: Partial<Record<string, unknown>>): RotationPolicyConfig {
  const max = configured[MAX_INTERVAL_SETTING];
  return { maxIntervalDays: typeof max === "number" && Number.isInteger(max) ? max : DEFAULT_MAX_INTERVAL_DAYS };
}
