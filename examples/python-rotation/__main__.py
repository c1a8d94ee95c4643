"""Rotate one KMS key every 90 days (intervalDays), with the plugin provider's Python SDK."""

import pulumi
import pulumi_huaweicloud_kms as kms

config = pulumi.Config()

app_key = kms.KeyRotation(
    "app-key",
    key_id=config.require("keyId"),
    interval_days=config.get_int("intervalDays") or 90,
)

pulumi.export("rotationEnabled", app_key.enabled)
pulumi.export("rotationIntervalDays", app_key.interval_days)
pulumi.export("numberOfRotations", app_key.number_of_rotations)
