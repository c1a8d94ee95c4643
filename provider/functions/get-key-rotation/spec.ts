// The one declaration of the getKeyRotation function: its token, argument and result. The key id
// is checked by KeyRotation's own rule, so both refuse the same values with the same message.
import type { FunctionSpec } from "../../engine/function-spec.js";
import { KEY_ID_PATTERN } from "../../kms/kms-rules.js";
import { keyRotationSpec } from "../../resources/key-rotation/spec.js";

const rotation = keyRotationSpec.properties;

export const getKeyRotationSpec = {
  token: "huaweicloud-kms:index:getKeyRotation",
  description: "The live rotation of one KMS key, read without managing it: one get-key-rotation-status request.",
  inputs: {
    keyId: {
      type: "string",
      kind: "input",
      required: true,
      pattern: KEY_ID_PATTERN,
      rule: rotation.keyId.rule,
      description: "The KMS key (customer master key) id, e.g. `0d0466b0-e727-4d9c-b35d-f84bb474a37f`.",
    },
  },
  outputs: {
    keyId: { type: "string", description: "The key id." },
    enabled: { type: "boolean", description: "Whether KMS rotates the key automatically." },
    intervalDays: { type: "integer", description: "Days between rotations, as KMS reports them (365 when never set)." },
    lastRotationTime: { type: "string", optional: true, description: rotation.lastRotationTime.description },
    numberOfRotations: { type: "integer", description: rotation.numberOfRotations.description },
  },
} as const satisfies FunctionSpec;
