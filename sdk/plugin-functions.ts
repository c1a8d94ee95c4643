// The provider's functions for plugin programs (`pulumi-huaweicloud-kms/plugin`): invokes of the
// function tokens, which the engine sends to the plugin provider (configured as for resources:
// stack config `huaweicloud-kms:*`, an explicit `Provider` given as `provider`, or `HW_*`).
import * as pulumi from "@pulumi/pulumi";
import { getKeyRotationSpec } from "../provider/functions/get-key-rotation/spec.js";
import { listKeysSpec } from "../provider/functions/list-keys/spec.js";
import { inOneLine } from "../provider/adapters/program/program-error.js";
import type {
  GetKeyRotationArgs,
  GetKeyRotationOutputArgs,
  GetKeyRotationResult,
  ListKeysArgs,
  ListKeysOutputArgs,
  ListKeysResult,
} from "./function-types.js";
import { pluginOptions } from "./plugin-options.js";

export type * from "./function-types.js";

/**
 * The keys of the project with their rotatability and a stable resource name for each (one
 * list-keys request per page), from the plugin provider.
 *
 * @example
 * const { keys } = await listKeys({ rotatableOnly: true });
 * for (const key of keys) new KeyRotation(key.resourceName, { keyId: key.keyId, intervalDays: 180 });
 */
export function listKeys(args: ListKeysArgs = {}, opts?: pulumi.InvokeOptions): Promise<ListKeysResult> {
  return inOneLine(pulumi.runtime.invoke(listKeysSpec.token, { ...args }, pluginOptions(opts)) as Promise<ListKeysResult>);
}

/** {@link listKeys} with arguments that may be Outputs, as an Output (secrets kept). */
export function listKeysOutput(args: ListKeysOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<ListKeysResult> {
  return pulumi.runtime.invokeOutput<ListKeysResult>(listKeysSpec.token, { ...args }, pluginOptions(opts));
}

/** One key's live rotation, read without managing it (one get-key-rotation-status request). */
export function getKeyRotation(args: GetKeyRotationArgs, opts?: pulumi.InvokeOptions): Promise<GetKeyRotationResult> {
  return inOneLine(pulumi.runtime.invoke(getKeyRotationSpec.token, { ...args }, pluginOptions(opts)) as Promise<GetKeyRotationResult>);
}

/** {@link getKeyRotation} with arguments that may be Outputs, as an Output (a secret key id keeps the result secret). */
export function getKeyRotationOutput(args: GetKeyRotationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetKeyRotationResult> {
  return pulumi.runtime.invokeOutput<GetKeyRotationResult>(getKeyRotationSpec.token, { ...args }, pluginOptions(opts));
}
