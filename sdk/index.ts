/**
 * pulumi-huaweicloud-kms: manage key rotation of Huawei Cloud and Open Telekom Cloud KMS keys
 * from Pulumi programs.
 *
 * The `KeyRotation` resource is exported from here.
 */
export {};
