// The provider's functions for plugin programs (`pulumi-huaweicloud-kms/plugin`): invokes of the
// function tokens, which the engine sends to the plugin provider (configured as for resources:
// stack config `huaweicloud-kms:*`, an explicit `Provider` given as `provider`, or `HW_*`).
import * as pulumi from "@pulumi/pulumi";
import { getKeyRotationSpec } from "../provider/functions/get-key-rotation/spec.js";
import { listKeysSpec } from "../provider/functions/list-keys/spec.js";
import type {
  GetKeyRotationArgs,
  GetKeyRotationOutputArgs,
  GetKeyRotationResult,
  ListKeysArgs,
  ListKeysOutputArgs,
  ListKeysResult,
} from "./function-types.js";

export type * from "./function-types.js";

/**
 * The invoke's failure as one line: @pulumi/pulumi throws it with the stack of its gRPC callback,
 * which tells a user nothing. A RunError is shown as its message; its stack is set to the message
 * too, as Pulumi's runtime still formats it (slowly, for a stack it must source-map).
 */
function oneLine<T>(invoke: Promise<T>): Promise<T> {
  return invoke.catch((e: unknown) => {
    const error = new pulumi.RunError(e instanceof Error ? e.message : String(e));
    error.stack = error.message;
    throw error;
  });
}

/**
 * The keys of the project with their rotatability and a stable resource name for each (one
 * list-keys request per page), from the plugin provider.
 *
 * @example
 * const { keys } = await listKeys({ rotatableOnly: true });
 * for (const key of keys) new KeyRotation(key.resourceName, { keyId: key.keyId, intervalDays: 180 });
 */
export function listKeys(args: ListKeysArgs = {}, opts?: pulumi.InvokeOptions): Promise<ListKeysResult> {
  return oneLine(pulumi.runtime.invoke(listKeysSpec.token, { ...args }, opts) as Promise<ListKeysResult>);
}

/** {@link listKeys} with arguments that may be Outputs, as an Output (secrets kept). */
export function listKeysOutput(args: ListKeysOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<ListKeysResult> {
  return pulumi.runtime.invokeOutput<ListKeysResult>(listKeysSpec.token, { ...args }, opts);
}

/** One key's live rotation, read without managing it (one get-key-rotation-status request). */
export function getKeyRotation(args: GetKeyRotationArgs, opts?: pulumi.InvokeOptions): Promise<GetKeyRotationResult> {
  return oneLine(pulumi.runtime.invoke(getKeyRotationSpec.token, { ...args }, opts) as Promise<GetKeyRotationResult>);
}

/** {@link getKeyRotation} with arguments that may be Outputs, as an Output (a secret key id keeps the result secret). */
export function getKeyRotationOutput(args: GetKeyRotationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetKeyRotationResult> {
  return pulumi.runtime.invokeOutput<GetKeyRotationResult>(getKeyRotationSpec.token, { ...args }, opts);
}
