// The property bag a resource constructor hands Pulumi, from the resource's one declaration.
import type { ResourceSpec } from "../provider/engine/resource-spec.js";

/**
 * Every declared property: inputs from the arguments, outputs left for the provider to fill.
 * Management options (e.g. `adopt`) only for the vehicle that understands them.
 */
export function declaredProperties(spec: ResourceSpec, args: object, managementOptions: boolean): Record<string, unknown> {
  const given = args as Record<string, unknown>;
  const props: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.properties)) {
    if (p.managementOption === true && !managementOptions) continue;
    props[name] = p.kind === "input" ? given[name] : undefined;
  }
  return props;
}
