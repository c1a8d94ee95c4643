import * as pulumi from "@pulumi/pulumi";
import { KeyRotation } from "pulumi-huaweicloud-kms";

/** How a key rotates today, as seen in the KMS console. */
interface KeyToAdopt {
  keyId: string;
  enabled?: boolean;
  intervalDays?: number;
}

const config = new pulumi.Config();
// Stack config `keys`: a map from a stable name to the key and the rotation it has today, e.g.
//   pulumi config set --path 'keys.payments.keyId' 0d0466b0-e727-4d9c-b35d-f84bb474a37f
//   pulumi config set --path 'keys.payments.intervalDays' 90
const keys = config.requireObject<Record<string, KeyToAdopt>>("keys");

// `import` makes the first `up` read each key's rotation and record it only if it matches what is
// declared here; a key that differs fails that `up` and is left untouched. Once adopted, edits to
// this file are applied like for any other KeyRotation (the `import` option may stay).
export const adopted = Object.entries(keys).map(([name, key]) => {
  const rotation = new KeyRotation(name, key, { import: key.keyId });
  return { name, keyId: rotation.keyId, enabled: rotation.enabled, intervalDays: rotation.intervalDays };
});
