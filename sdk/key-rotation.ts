import * as pulumi from "@pulumi/pulumi";
import { keyRotationProvider } from "../provider/adapters/dynamic/provider-shell.js";
import { DEBUG_ENV, FORWARDED, forwardReplaceOnChanges, forwardTimeouts } from "../provider/adapters/dynamic/forwarded-options.js";
import { keyRotationSpec } from "../provider/resources/key-rotation/spec.js";
import { stackIdentity } from "../provider/resources/key-rotation/claim.js";
import { resolveClaimKeys } from "../provider/config/kms-config.js";
import { declaredProperties } from "./declared-properties.js";
import { claimKey } from "./key-claims.js";
import { pauseStackTraces, withStackTrace } from "./promise-debug-stacks.js";
import type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";

export type { KeyRotationArgs, KeyRotationOutputs } from "./key-rotation-types.js";

/** The type the engine records for a KeyRotation (a dynamic resource of module "huaweicloud-kms"). */
const RESOURCE_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";

/**
 * Automatic rotation of one Huawei Cloud / Open Telekom Cloud KMS key.
 *
 * Credentials and endpoint come from stack config (`huaweicloud-kms:*`, then `huaweicloud:*`) or the
 * environment (`HW_*`). Pulumi records the stack config in the state as the provider's
 * configuration (`--secret` values encrypted) and `refresh`/`destroy` use that copy: after changing
 * the endpoint or credentials, run `pulumi up` (or `pulumi refresh --run-program`) first. Settings
 * from the environment never reach the state.
 *
 * A key can have one KeyRotation per stack: a second one for the same key fails the program.
 *
 * @example
 * new KeyRotation("orders-key", { keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f", intervalDays: 90 });
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the outputs come from the declaration (key-rotation-types.ts); Pulumi sets them on the instance
export class KeyRotation extends pulumi.dynamic.Resource {
  /**
   * @param opts `import: keyId` adopts the key's existing rotation (see {@link KeyRotationArgs.adopt}):
   * the engine's own import cannot reach a dynamic provider (pulumi/pulumi#16175), so the import id
   * becomes an adopting create that reads once and never writes.
   */
  constructor(name: string, args: KeyRotationArgs, opts?: pulumi.CustomResourceOptions) {
    const { import: importId, ...rest } = opts ?? {};
    const adopt = importId === undefined ? args.adopt : adoptingImport(name, importId, args.keyId);
    // A lookup (`get`) manages nothing, so it claims no key.
    const keyId = rest.id === undefined ? claimKey(name, args.keyId) : args.keyId;
    const props = {
      ...declaredProperties(keyRotationSpec, args, true),
      keyId,
      adopt,
      // The engine tells a dynamic provider neither of these options nor whether it previews.
      ...forwarded({
        [FORWARDED.timeouts]: timeoutsInput(rest.customTimeouts),
        [FORWARDED.replaceOnChanges]: forwardReplaceOnChanges(rest.replaceOnChanges),
        [FORWARDED.preview]: pulumi.runtime.isDryRun() ? true : undefined,
        [FORWARDED.urn]: process.env[DEBUG_ENV] ? pulumi.createUrn(name, RESOURCE_TYPE, rest.parent) : undefined,
        [FORWARDED.stack]: claimsOn() ? stackIdentity(pulumi.getProject(), pulumi.getStack()) : undefined,
      }),
    };
    const provider = keyRotationProvider();
    // The SDK's debug stack traces on this resource's property promises cost more than the rest
    // of its registration (see promise-debug-stacks.ts).
    const resumeStackTraces = pauseStackTraces();
    try {
      super(provider, name, props, rest, "huaweicloud-kms", "KeyRotation");
    } catch (e) {
      resumeStackTraces();
      throw withStackTrace(e);
    } finally {
      resumeStackTraces();
    }
  }

  /** Looks up the live rotation of an existing key without managing it (one read per run). */
  static get(name: string, keyId: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): KeyRotation {
    return new KeyRotation(name, { keyId }, { ...opts, id: keyId });
  }
}

// The outputs, typed and documented from the declaration, merge into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface KeyRotation extends KeyRotationOutputs {}

/**
 * The forwarded options that are set. Each property handed to Pulumi, even an undefined one,
 * becomes an output with its own promises, resolved and serialized at every registration: in a
 * program of thousands of resources, options nobody set are measurable work for nothing.
 */
function forwarded(options: Record<string, unknown>): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) set[key] = value;
  return set;
}

/**
 * The forwarded `customTimeouts`; a malformed one fails the resource's registration with the
 * option, the value and the rule (not the constructor: a throw there would leave the engine
 * connection the program opened behind).
 */
function timeoutsInput(custom: pulumi.CustomTimeouts | undefined): pulumi.Input<ReturnType<typeof forwardTimeouts>> {
  try {
    return forwardTimeouts(custom);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return pulumi.output(undefined).apply(() => {
      throw new pulumi.RunError(message);
    });
  }
}

/**
 * Whether claims are on, read where the provider reads it (stack config `huaweicloud-kms:claimKeys`,
 * then HW_KMS_CLAIM_KEYS): the program then tells the provider its stack, which a dynamic provider
 * cannot learn otherwise.
 */
function claimsOn(): boolean {
  return resolveClaimKeys({
    stackConfig: (key) => {
      const at = key.indexOf(":");
      return new pulumi.Config(key.slice(0, at)).get(key.slice(at + 1));
    },
    env: process.env,
  });
}

function adoptingImport(name: string, importId: pulumi.Input<string>, keyId: pulumi.Input<string>): pulumi.Output<boolean> {
  return pulumi.all([importId, keyId]).apply(([id, key]) => {
    if (id !== key) {
      throw new Error(`KeyRotation ${name}: the import id "${id}" must be the keyId "${key}" (a rotation is imported by its key id)`);
    }
    return true;
  });
}
