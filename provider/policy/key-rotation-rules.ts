// This package's KeyRotation, from either vehicle: the plugin provider's resource type, and the
// dynamic provider's resources. Pure.
import { DEFAULT_ROTATION_INTERVAL_DAYS } from "../kms/kms-rules.js";
import { keyRotationSpec } from "../resources/key-rotation/spec.js";
import { booleanInput, integerInput } from "./property-values.js";
import type { DeclaredRotation } from "./rotation-rule.js";

/** The plugin provider's type token. */
export const PLUGIN_KEY_ROTATION_TYPE = keyRotationSpec.token;
/** The type the engine records for a dynamic KeyRotation (sdk/key-rotation.ts names its module and type). */
export const DYNAMIC_KEY_ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";
/** The type of a dynamic resource whose SDK names no module or type. */
export const ANONYMOUS_DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";
/**
 * Where this package's dynamic provider lives: the serialized provider (`__provider`) requires a
 * module under it by package name, whether the package is installed or linked
 * (provider/adapters/dynamic/provider-shell.ts).
 */
export const DYNAMIC_PROVIDER_MODULES = "pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/";

/** A resource as the policy pack sees it: its type, its name and a reader of its inputs. */
export interface ResourceInputs {
  type: string;
  name: string;
  /** The input `property`; UNKNOWN when the engine cannot know it during a preview. */
  input(property: string): unknown;
}

/**
 * Whether `resource` is a KeyRotation. A dynamic resource of another type is another package's,
 * unless it is an anonymous one whose serialized provider is ours.
 */
export function isKeyRotation(resource: Pick<ResourceInputs, "type" | "input">): boolean {
  if (resource.type === PLUGIN_KEY_ROTATION_TYPE || resource.type === DYNAMIC_KEY_ROTATION_TYPE) return true;
  if (resource.type !== ANONYMOUS_DYNAMIC_TYPE) return false;
  const provider = resource.input("__provider");
  return typeof provider === "string" && provider.includes(DYNAMIC_PROVIDER_MODULES);
}

/** The rotation a KeyRotation declares, with the provider's defaults (on, every 365 days). */
export function keyRotationRotation(resource: ResourceInputs): DeclaredRotation {
  return {
    resource: `KeyRotation ${JSON.stringify(resource.name)}`,
    enabled: { property: "enabled", value: booleanInput(resource.input("enabled")), defaultValue: keyRotationSpec.properties.enabled.default },
    intervalDays: {
      property: "intervalDays",
      value: integerInput(resource.input("intervalDays")),
      defaultValue: DEFAULT_ROTATION_INTERVAL_DAYS,
    },
  };
}
