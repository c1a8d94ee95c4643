import * as pulumi from "@pulumi/pulumi";
import { KeyRotation } from "pulumi-huaweicloud-kms";

const config = new pulumi.Config();

// The key to rotate: a customer master key id from the KMS console or `hcloud kms list-keys`.
const keyId = config.require("keyId");

const rotation = new KeyRotation("app-key", {
  keyId,
  enabled: true,
  intervalDays: config.getNumber("intervalDays") ?? 90,
});

export const rotationEnabled = rotation.enabled;
export const rotationIntervalDays = rotation.intervalDays;
export const lastRotationTime = rotation.lastRotationTime.apply((t) => t ?? "never");
export const numberOfRotations = rotation.numberOfRotations;
