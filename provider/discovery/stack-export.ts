// The keys a stack manages, read from its `pulumi stack export` file: for stacks without claims,
// the state is the only record of which keys they manage. Pure: text in, key ids out.
//
// Both vehicles are recognised by their type: the plugin's `huaweicloud-kms:index:KeyRotation`,
// and the dynamic provider's `pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation` (the SDK's type
// name, so no other dynamic resource has it). A key id is the resource's id, and its keyId input
// and output where they are plain text (a secret keyId is ciphertext in an export; the id still
// names the key). Resources read with `.get` (`external`) manage nothing and are not counted.
import { keyRotationSpec } from "../resources/key-rotation/spec.js";
import { stackIdentityOfUrn } from "../resources/key-rotation/claim.js";

/** The type token of the plugin provider's KeyRotation. */
export const PLUGIN_KEY_ROTATION_TYPE = keyRotationSpec.token;
/** The type the dynamic provider's KeyRotation has in a state (the SDK's dynamic resource type name). */
export const DYNAMIC_KEY_ROTATION_TYPE = "pulumi-nodejs:dynamic/huaweicloud-kms:KeyRotation";

const KEY_ROTATION_TYPES: ReadonlySet<string> = new Set([PLUGIN_KEY_ROTATION_TYPE, DYNAMIC_KEY_ROTATION_TYPE]);

/** What a stack export says about the keys: the stack, and every key its KeyRotations manage. */
export interface StackKeys {
  /** `<project>/<stack>`, from the resources' URNs; absent in an export with no resource. */
  stack?: string;
  keyIds: Set<string>;
}

/** What a file must be: said in every refusal, so a user sees how to make the right one. */
export const STACK_EXPORT_EXPECTED = 'the JSON that `pulumi stack export` prints ({"version": 3, "deployment": {"resources": [...]}})';

/** A file that is not a stack export. */
export class StackExportError extends Error {
  override readonly name = "StackExportError";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The deployment of an export: `{version, deployment}` as the CLI prints it, or the deployment alone (Automation API's `exportStack().deployment`). */
function deploymentOf(doc: unknown): Record<string, unknown> | string {
  if (!isObject(doc)) return "it is not a JSON object";
  if ("deployment" in doc) return isObject(doc.deployment) ? doc.deployment : '"deployment" is not an object';
  if (isObject(doc.manifest)) return doc;
  return 'it has no "deployment"';
}

function plainKeyIds(resource: Record<string, unknown>): string[] {
  const ids = [resource.id];
  for (const bag of [resource.inputs, resource.outputs]) if (isObject(bag)) ids.push(bag.keyId);
  return ids.filter((id): id is string => typeof id === "string" && id !== "");
}

/** The keys the stack export `text` manages; `file` names it in the refusal of anything else. */
export function keysOfStackExport(text: string, file: string): StackKeys {
  const refuse = (why: string): never => {
    throw new StackExportError(`${file} is not a stack export: ${why}; expected ${STACK_EXPORT_EXPECTED}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    refuse("it is not JSON");
  }
  const deployment = deploymentOf(doc);
  if (typeof deployment === "string") return refuse(deployment);
  // A stack that holds nothing exports no resources at all.
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) return refuse('"deployment.resources" is not a list');
  const out: StackKeys = { keyIds: new Set() };
  for (const resource of resources as unknown[]) {
    if (!isObject(resource)) return refuse('"deployment.resources" holds something that is not a resource');
    if (out.stack === undefined && typeof resource.urn === "string") {
      const stack = stackIdentityOfUrn(resource.urn);
      if (stack !== undefined) out.stack = stack;
    }
    if (typeof resource.type !== "string" || !KEY_ROTATION_TYPES.has(resource.type) || resource.external === true) continue;
    for (const id of plainKeyIds(resource)) out.keyIds.add(id);
  }
  return out;
}
