// Rotate one KMS key every 90 days (intervalDays), with the plugin provider's Go SDK, and list the
// project's keys with listKeys to report which of them KMS lets rotate.
package main

import (
	kms "github.com/pulumi-huaweicloud-kms/pulumi-huaweicloud-kms/sdk/go/huaweicloudkms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		intervalDays := cfg.GetInt("intervalDays")
		if intervalDays == 0 {
			intervalDays = 90
		}

		appKey, err := kms.NewKeyRotation(ctx, "app-key", &kms.KeyRotationArgs{
			KeyId:        pulumi.String(cfg.Require("keyId")),
			IntervalDays: pulumi.Int(intervalDays),
		})
		if err != nil {
			return err
		}

		// One list-keys request per page of 1,000 keys; every state and spec.
		listed, err := kms.ListKeys(ctx, &kms.ListKeysArgs{KeySpec: pulumi.StringRef("ALL")})
		if err != nil {
			return err
		}
		rotatable := pulumi.StringArray{}
		for _, key := range listed.Keys {
			if key.Rotatable {
				rotatable = append(rotatable, pulumi.String(key.KeyId))
			}
		}

		ctx.Export("rotationEnabled", appKey.Enabled)
		ctx.Export("rotationIntervalDays", appKey.IntervalDays)
		ctx.Export("numberOfRotations", appKey.NumberOfRotations)
		ctx.Export("keyCount", pulumi.Int(len(listed.Keys)))
		ctx.Export("rotatableKeyIds", rotatable)
		return nil
	})
}
