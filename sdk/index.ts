/**
 * pulumi-huaweicloud-kms: manage key rotation of Huawei Cloud and Open Telekom Cloud KMS keys
 * from Pulumi programs.
 */
export { KeyRotation, type KeyRotationArgs } from "./key-rotation.js";
