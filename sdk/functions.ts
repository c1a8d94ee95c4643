// The provider's functions for the dynamic vehicle's programs (`pulumi-huaweicloud-kms`). They run
// here, in the program's process, and call KMS directly: a dynamic provider has no plugin the
// engine could send an invoke to (its host answers every Invoke "unknown function",
// pulumi/pulumi#406). Same arguments and results as `pulumi-huaweicloud-kms/plugin`'s, whose
// functions the plugin provider serves.
/* eslint-disable @typescript-eslint/no-require-imports -- the implementation (KMS client, zod, undici) loads on first call only */
import * as pulumi from "@pulumi/pulumi";
import type * as InProcess from "../provider/adapters/program/functions.js";
import type {
  GetKeyRotationArgs,
  GetKeyRotationOutputArgs,
  GetKeyRotationResult,
  ListKeysArgs,
  ListKeysOutputArgs,
  ListKeysResult,
} from "./function-types.js";

export type * from "./function-types.js";

function impl(): typeof InProcess {
  return require("../provider/adapters/program/functions.js") as typeof InProcess;
}

/**
 * Options of a function: accepted so that a program compiles with either entry point. With no
 * plugin to choose, `parent`, `version`, `pluginDownloadURL` and `async` change nothing here;
 * `provider` (a plugin `Provider`) and `dependsOn` are refused: use `pulumi-huaweicloud-kms/plugin`.
 */
function unsupported(name: string, opts: pulumi.InvokeOutputOptions | undefined): Error | undefined {
  const option = opts?.provider !== undefined ? "provider" : opts?.dependsOn !== undefined ? "dependsOn" : undefined;
  if (option === undefined) return undefined;
  return new pulumi.RunError(
    `${name}: the option ${option} needs the plugin provider; import ${name} from "pulumi-huaweicloud-kms/plugin" (this one runs in the program's process, with the stack config and environment settings)`,
  );
}

/**
 * The keys of the project with their rotatability and a stable resource name for each (one
 * list-keys request per page). Settings as for `KeyRotation`: stack config `huaweicloud-kms:*`,
 * then `huaweicloud:*`, then `HW_*` environment variables.
 *
 * @example
 * const { keys } = await listKeys({ rotatableOnly: true });
 * for (const key of keys) new KeyRotation(key.resourceName, { keyId: key.keyId, intervalDays: 180 });
 */
export function listKeys(args: ListKeysArgs = {}, opts?: pulumi.InvokeOptions): Promise<ListKeysResult> {
  const refused = unsupported("listKeys", opts);
  return refused ? Promise.reject(refused) : impl().listKeys({ ...args });
}

/** {@link listKeys} with arguments that may be Outputs; unknown arguments (previews) give an unknown result and no call. */
export function listKeysOutput(args: ListKeysOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<ListKeysResult> {
  const refused = unsupported("listKeysOutput", opts);
  if (refused) throw refused;
  return pulumi.output(args).apply((plain) => impl().listKeys(plain));
}

/** One key's live rotation, read without managing it (one get-key-rotation-status request). */
export function getKeyRotation(args: GetKeyRotationArgs, opts?: pulumi.InvokeOptions): Promise<GetKeyRotationResult> {
  const refused = unsupported("getKeyRotation", opts);
  return refused ? Promise.reject(refused) : impl().getKeyRotation({ ...args });
}

/** {@link getKeyRotation} with arguments that may be Outputs (a secret key id keeps the result secret). */
export function getKeyRotationOutput(args: GetKeyRotationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetKeyRotationResult> {
  const refused = unsupported("getKeyRotationOutput", opts);
  if (refused) throw refused;
  return pulumi.output(args).apply((plain) => impl().getKeyRotation(plain));
}
