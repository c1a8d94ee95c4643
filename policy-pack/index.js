// The policy pack: `pulumi preview --policy-pack <this folder>`. The policies are the package's
// built code (dist/provider/policy/); @pulumi/policy resolves from the package's dependencies.
"use strict";
const { PolicyPack } = require("@pulumi/policy");
const { POLICY_PACK_NAME } = require("../dist/provider/policy/policy-config.js");
const { rotationPolicyPackArgs } = require("../dist/provider/policy/rotation-policy-pack.js");

new PolicyPack(POLICY_PACK_NAME, rotationPolicyPackArgs());
