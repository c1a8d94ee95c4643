// The policy pack's policies, for `new PolicyPack(...)` in policy-pack/index.js. The judgement is
// pure (kms-key-resources.ts); this reads the resource the CLI hands over and reports.
import { UnknownValueError, type PolicyPackArgs, type ReportViolation, type ResourceValidationArgs } from "@pulumi/policy";
import { judgeRotation } from "./kms-key-resources.js";
import { DEFAULT_MAX_INTERVAL_DAYS, ROTATION_CONFIG_SCHEMA, ROTATION_POLICY_NAME, rotationPolicyConfig } from "./policy-config.js";
import type { ResourceInputs } from "./key-rotation-rules.js";
import { UNKNOWN } from "./rotation-rule.js";

/** The pack: one policy, advisory unless configured otherwise. */
export function rotationPolicyPackArgs(): PolicyPackArgs {
  return {
    description: "KMS keys rotate automatically, at least every maxIntervalDays days",
    enforcementLevel: "advisory",
    policies: [
      {
        name: ROTATION_POLICY_NAME,
        description: `KMS keys (KeyRotation, huaweicloud Dew Key, opentelekomcloud KmsKeyV1) must rotate automatically, at least every maxIntervalDays days (default ${DEFAULT_MAX_INTERVAL_DAYS}).`,
        remediationSteps: "Turn rotation on and set the interval to at most maxIntervalDays days.",
        configSchema: ROTATION_CONFIG_SCHEMA,
        validateResource: validate,
      },
    ],
  };
}

function validate(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  const { maxIntervalDays } = rotationPolicyConfig(args.getConfig<Record<string, unknown>>());
  const judgement = judgeRotation(inputsOf(args), maxIntervalDays);
  if (judgement.kind === "exempt") args.notApplicable(judgement.reason);
  if (judgement.kind !== "judged") return;
  for (const violation of judgement.violations) reportViolation(violation);
}

/**
 * The resource's inputs. During a preview the CLI hands over values it cannot know yet as markers
 * that throw when read; they are read as UNKNOWN, so the rule skips them instead of failing.
 */
function inputsOf(args: ResourceValidationArgs): ResourceInputs {
  const props: Record<string, unknown> = args.props;
  return {
    type: args.type,
    name: args.name,
    input: (property) => {
      try {
        return props[property];
      } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
      }
    },
  };
}
