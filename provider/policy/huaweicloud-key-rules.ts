// Huawei Cloud's own KMS key resource in its official Pulumi provider (pulumi-huaweicloud, bridged
// from the Terraform resource huaweicloud_kms_key), which manages the key's rotation itself. Token
// and properties as its published SDK declares them (docs/policy-pack.md says where). Pure.
import { DEFAULT_ROTATION_INTERVAL_DAYS } from "../kms/kms-rules.js";
import type { ResourceInputs } from "./key-rotation-rules.js";
import { booleanInput, integerInput, textInput } from "./property-values.js";
import type { DeclaredRotation, Unknown } from "./rotation-rule.js";
import { rotationExemption } from "./rotation-exemption.js";

/** `huaweicloud.Dew.Key` (Terraform: huaweicloud_kms_key). */
export const HUAWEICLOUD_KMS_KEY_TYPE = "huaweicloud:Dew/key:Key";

/** The key's rotation as declared (rotation is off unless `rotationEnabled` is true), or why it is exempt. */
export function huaweicloudKeyRotation(resource: ResourceInputs): DeclaredRotation | { exempt: string | Unknown } {
  const exempt = rotationExemption(
    { property: "keyAlgorithm", value: textInput(resource.input("keyAlgorithm")) },
    { property: "origin", value: textInput(resource.input("origin")) },
  );
  if (exempt !== undefined) return { exempt };
  return {
    resource: `${HUAWEICLOUD_KMS_KEY_TYPE} ${JSON.stringify(resource.name)}`,
    enabled: { property: "rotationEnabled", value: booleanInput(resource.input("rotationEnabled")), defaultValue: false },
    intervalDays: {
      property: "rotationInterval",
      value: integerInput(resource.input("rotationInterval")),
      defaultValue: DEFAULT_ROTATION_INTERVAL_DAYS,
    },
  };
}
