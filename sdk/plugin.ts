/**
 * `KeyRotation` served by the plugin provider (`pulumi-resource-huaweicloud-kms`) instead of the
 * dynamic provider: `pulumi import` works, explicit provider resources work, and the state holds
 * no serialized provider. The program must point Pulumi at the plugin (see the README, "The
 * plugin provider").
 */
import * as pulumi from "@pulumi/pulumi";
import type { PropertySpec } from "../provider/engine/resource-spec.js";
import { keyRotationSpec } from "../provider/resources/key-rotation/spec.js";
import type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";

export type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";

/** Automatic rotation of one Huawei Cloud / Open Telekom Cloud KMS key, through the plugin provider. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the outputs come from the declaration (key-rotation-types.ts); Pulumi sets them on the instance
export class KeyRotation extends pulumi.CustomResource {
  constructor(name: string, args: Omit<KeyRotationArgs, "adopt">, opts?: pulumi.CustomResourceOptions) {
    // Every declared property: inputs from the arguments, outputs left for the provider to fill.
    const props: Record<string, unknown> = {};
    const properties: Readonly<Record<string, PropertySpec>> = keyRotationSpec.properties;
    for (const [prop, spec] of Object.entries(properties)) {
      if (spec.managementOption === true) continue;
      props[prop] = spec.kind === "input" ? (args as Record<string, unknown>)[prop] : undefined;
    }
    super(keyRotationSpec.token, name, props, opts);
  }

  /** Looks up the live rotation of an existing key without managing it. */
  static get(name: string, keyId: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): KeyRotation {
    return new KeyRotation(name, { keyId }, { ...opts, id: keyId });
  }
}

// The outputs, typed and documented from the declaration, merge into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface KeyRotation extends KeyRotationOutputs {}
