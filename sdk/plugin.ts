/**
 * `KeyRotation` served by the plugin provider (`pulumi-resource-huaweicloud-kms`) instead of the
 * dynamic provider: `pulumi import` works, explicit provider resources work, and the state holds
 * no serialized provider. The engine gets the plugin of this package's version from its download
 * address, or from `pulumi plugin install --file` (docs/installation-configuration.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { keyRotationSpec } from "../provider/resources/key-rotation/spec.js";
import { declaredProperties } from "./declared-properties.js";
import { claimKey } from "./key-claims.js";
import type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";
import { pluginOptions } from "./plugin-options.js";
import { pauseStackTraces, withStackTrace } from "./promise-debug-stacks.js";

export type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";
export { getKeyRotation, getKeyRotationOutput, listKeys, listKeysOutput } from "./plugin-functions.js";
export type * from "./function-types.js";

/** Automatic rotation of one Huawei Cloud / Open Telekom Cloud KMS key, through the plugin provider. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the outputs come from the declaration (key-rotation-types.ts); Pulumi sets them on the instance
export class KeyRotation extends pulumi.CustomResource {
  constructor(name: string, args: Omit<KeyRotationArgs, "adopt">, opts?: pulumi.CustomResourceOptions) {
    // A lookup (`get`) manages nothing, so it claims no key.
    const keyId = opts?.id === undefined ? claimKey(name, args.keyId) : args.keyId;
    const props = { ...declaredProperties(keyRotationSpec, args, false), keyId };
    const options = pluginOptions(opts);
    // The SDK's debug stack traces on this resource's property promises cost more than the rest
    // of its registration (see promise-debug-stacks.ts).
    const resumeStackTraces = pauseStackTraces();
    try {
      super(keyRotationSpec.token, name, props, options);
    } catch (e) {
      resumeStackTraces();
      throw withStackTrace(e);
    } finally {
      resumeStackTraces();
    }
  }

  /** Looks up the live rotation of an existing key without managing it. */
  static get(name: string, keyId: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): KeyRotation {
    return new KeyRotation(name, { keyId }, { ...opts, id: keyId });
  }
}

// The outputs, typed and documented from the declaration, merge into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface KeyRotation extends KeyRotationOutputs {}

/** Settings of an explicit provider; each one left out comes from the environment (`HW_*`). */
export interface ProviderArgs {
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  accessKey?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  securityToken?: pulumi.Input<string>;
  authToken?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  maxRetries?: pulumi.Input<number>;
  requestTimeoutMs?: pulumi.Input<number>;
  deadlineMs?: pulumi.Input<number>;
  maxConcurrency?: pulumi.Input<number>;
}

/** Credentials that the engine keeps encrypted in the state. */
const SECRET_SETTINGS = ["accessKey", "secretKey", "securityToken", "authToken"] as const;

/**
 * An explicit plugin provider: its own region, endpoint and credentials for the resources given it
 * with the `provider` option (a second account or region in one program). Credentials are stored
 * as secrets.
 */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const props: Record<string, unknown> = { ...args };
    for (const key of SECRET_SETTINGS) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super("huaweicloud-kms", name, props, pluginOptions(opts));
  }
}
