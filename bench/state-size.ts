// Figure 3: bytes of state per resource, read from the exported deployment. A dynamic resource
// carries its serialized provider (`__provider`) in both its inputs and its outputs, so that
// string is reported on its own, and what the entry would weigh without it.
import type { Stack } from "@pulumi/pulumi/automation";
import { round } from "./common.js";

export interface StateSize {
  type: string;
  resources: number;
  /** Average bytes of one resource entry, compact JSON as `pulumi stack export` holds it. */
  bytesPerResource: number;
  /** Bytes one `__provider` copy takes in the state (the JSON string, escapes included). */
  providerBytes: number;
  /** How many copies of it an entry holds (inputs and outputs). */
  providerCopies: number;
  /** The entry minus every `__provider` copy: what a non-dynamic (plugin) provider would store. */
  bytesWithoutProvider: number;
  /** Average bytes of inputs and outputs (provider included), the rest being engine metadata. */
  inputsBytes: number;
  outputsBytes: number;
  /** Whole exported deployment divided by the resources of this type (stack and provider included). */
  deploymentBytesPerResource: number;
}

interface StateResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

// Callers pass objects and strings only, which JSON.stringify always turns into a string.
const bytes = (value: object | string): number => Buffer.byteLength(JSON.stringify(value), "utf8");

export async function measureStateSize(stack: Stack, type: string): Promise<StateSize> {
  const exported = await stack.exportStack();
  const deployment = exported.deployment as { resources?: StateResource[] };
  const entries = (deployment.resources ?? []).filter((r) => r.type === type);
  if (entries.length === 0) throw new Error(`state size: no resource of type ${type} in the exported state`);
  let total = 0;
  let without = 0;
  let inputs = 0;
  let outputs = 0;
  let providerBytes = 0;
  let providerCopies = 0;
  for (const entry of entries) {
    const size = bytes(entry);
    total += size;
    inputs += bytes(entry.inputs ?? {});
    outputs += bytes(entry.outputs ?? {});
    let copies = 0;
    let removed = 0;
    for (const side of [entry.inputs, entry.outputs]) {
      const provider = side?.__provider;
      if (typeof provider !== "string") continue;
      copies++;
      providerBytes = Math.max(providerBytes, bytes(provider));
      // The key, the quotes, the colon, the comma and the JSON-escaped string.
      removed += bytes({ __provider: provider }) - 2 + 1;
    }
    providerCopies = Math.max(providerCopies, copies);
    without += size - removed;
  }
  const n = entries.length;
  return {
    type,
    resources: n,
    bytesPerResource: round(total / n, 0),
    providerBytes,
    providerCopies,
    bytesWithoutProvider: round(without / n, 0),
    inputsBytes: round(inputs / n, 0),
    outputsBytes: round(outputs / n, 0),
    deploymentBytesPerResource: round(bytes(exported.deployment as object) / n, 0),
  };
}
