// The files derived from the declarations, by path: one list for the generator and the test that
// keeps the committed copies current.
import { FUNCTION_SPECS } from "../functions/specs.js";
import { keyRotationSpec } from "../resources/key-rotation/spec.js";
import { packageSchema } from "./package-schema.js";
import { sdkFunctionTypes, sdkTypes } from "./sdk-types.js";

export const GENERATE_COMMAND = "npm run generate";

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

export function generatedFiles(version: string): GeneratedFile[] {
  const schema = packageSchema({
    name: "huaweicloud-kms",
    version,
    description: "Manage automatic key rotation of Huawei Cloud and Open Telekom Cloud KMS customer master keys.",
    resources: [keyRotationSpec],
    functions: FUNCTION_SPECS,
  });
  return [
    { path: "schema.json", content: `${JSON.stringify(schema, null, 2)}\n` },
    {
      path: "sdk/key-rotation-types.ts",
      content: sdkTypes(keyRotationSpec, "KeyRotation", GENERATE_COMMAND, "provider/resources/key-rotation/spec.ts"),
    },
    {
      path: "sdk/function-types.ts",
      content: sdkFunctionTypes(FUNCTION_SPECS, GENERATE_COMMAND, "provider/functions/*/spec.ts"),
    },
  ];
}
