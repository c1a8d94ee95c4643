import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { KeyRotation } from "pulumi-huaweicloud-kms";
import { readPolicy } from "./policy";

const config = new pulumi.Config();
// One file per environment is common (rotation-policy.prod.yaml, ...); pick it per stack.
const policyFile = path.resolve(config.get("policyFile") ?? "rotation-policy.yaml");

const rotations = [...readPolicy(policyFile)].map(([name, key]) => new KeyRotation(name, key));

export const keysManaged = rotations.length;
export const keysRotating = pulumi
  .all(rotations.map((r) => r.enabled))
  .apply((enabled) => enabled.filter(Boolean).length);
