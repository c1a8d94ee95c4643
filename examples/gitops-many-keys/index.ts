import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { KeyRotation, listKeys } from "pulumi-huaweicloud-kms";
import { ownClaim, plan, readPolicy } from "./policy";

// The program is an async function (the listing is awaited); Pulumi runs the exported function
// and takes what it returns as the stack outputs.
export = async () => {
  const config = new pulumi.Config();
  // One file per environment is common (rotation-policy.prod.yaml, ...); pick it per stack.
  const policyFile = path.resolve(config.get("policyFile") ?? "rotation-policy.yaml");
  const policy = readPolicy(policyFile);

  // `manage: all-rotatable` lists the project's keys with the stacks that claim them (one
  // list-keys request per 1,000 keys and one list-kms-by-tags per 1,000 claimed keys, in previews
  // too); `listed` needs no KMS call to know what to manage.
  const project = policy.manage === "all-rotatable" ? (await listKeys({ withClaims: true })).keys : [];
  // Keys come and go outside the stack in this mode (made, disabled, scheduled for deletion): a
  // rotation that leaves the program then leaves the stack as KMS has it, and `pulumi destroy`
  // does not turn rotation off on every key of the project.
  const opts: pulumi.CustomResourceOptions = policy.manage === "all-rotatable" ? { retainOnDelete: true } : {};

  // A key another stack claims is that stack's: managing it too would overwrite its settings on
  // every run. It is left alone and named, here and in the stack's outputs.
  const { rotations, leftAlone } = plan(policyFile, policy, project, ownClaim(pulumi.getProject(), pulumi.getStack()));
  if (leftAlone.size > 0) {
    const which = [...leftAlone].map(([name, owner]) => `${name} (${owner})`).join(", ");
    void pulumi.log.info(`left alone: ${leftAlone.size} ${leftAlone.size === 1 ? "key" : "keys"} that other stacks claim: ${which}`);
  }
  const managed = [...rotations].map(([name, key]) => new KeyRotation(name, key, opts));

  return {
    keysManaged: managed.length,
    keysRotating: pulumi.all(managed.map((r) => r.enabled)).apply((enabled) => enabled.filter(Boolean).length),
    keyNames: [...rotations.keys()].sort(),
    keysLeftToOtherStacks: Object.fromEntries(leftAlone),
  };
};
