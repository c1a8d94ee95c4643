// Manage automatic key rotation of Huawei Cloud and Open Telekom Cloud KMS customer master keys.
package huaweicloudkms
