// Open Telekom Cloud's KMS key in its Pulumi provider (the opentelekomcloud package, bridged from the
// Terraform resource opentelekomcloud_kms_key_v1), which manages the key's rotation itself. Token
// and properties as its published schema declares them (docs/policy-pack.md says where). It has no
// key spec: every key it makes is symmetric. Pure.
import { DEFAULT_ROTATION_INTERVAL_DAYS } from "../kms/kms-rules.js";
import type { ResourceInputs } from "./key-rotation-rules.js";
import { booleanInput, integerInput, textInput } from "./property-values.js";
import type { DeclaredRotation, Unknown } from "./rotation-rule.js";
import { rotationExemption } from "./rotation-exemption.js";

/** `opentelekomcloud.KmsKeyV1` (Terraform: opentelekomcloud_kms_key_v1). */
export const OPENTELEKOMCLOUD_KMS_KEY_TYPE = "opentelekomcloud:index/kmsKeyV1:KmsKeyV1";

/** The key's rotation as declared (rotation is off unless `rotationEnabled` is true), or why it is exempt. */
export function opentelekomcloudKeyRotation(resource: ResourceInputs): DeclaredRotation | { exempt: string | Unknown } {
  const exempt = rotationExemption(
    { property: "keySpec", value: undefined },
    { property: "origin", value: textInput(resource.input("origin")) },
  );
  if (exempt !== undefined) return { exempt };
  return {
    resource: `${OPENTELEKOMCLOUD_KMS_KEY_TYPE} ${JSON.stringify(resource.name)}`,
    enabled: { property: "rotationEnabled", value: booleanInput(resource.input("rotationEnabled")), defaultValue: false },
    intervalDays: {
      property: "rotationInterval",
      value: integerInput(resource.input("rotationInterval")),
      defaultValue: DEFAULT_ROTATION_INTERVAL_DAYS,
    },
  };
}
