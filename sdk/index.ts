/**
 * pulumi-huaweicloud-kms: manage key rotation of Huawei Cloud and Open Telekom Cloud KMS keys
 * from Pulumi programs.
 */
// First: on too old a Node.js, fail with one line saying so before any dependency loads.
import "../provider/platform/node-version.js";
export { KeyRotation, type KeyRotationArgs, type KeyRotationOutputs } from "./key-rotation.js";
export { getKeyRotation, getKeyRotationOutput, listKeys, listKeysOutput } from "./functions.js";
export type * from "./function-types.js";
