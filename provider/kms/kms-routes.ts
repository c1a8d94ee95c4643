// Where each KMS operation lives under `{endpoint}/v1.0/{project_id}/kms/`: its method and path.
// Most operations are `POST <operation>` with the key id in the body; the tag operations put the
// key id (and a tag key) in the path. One table serves the client, which builds URLs from it, and
// the emulator, which routes on it, so the two cannot disagree. Pure and dependency-free.
import { KEY_ID_PATTERN, type KmsOperation } from "./kms-rules.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** The path parameters an operation's path may hold. */
export interface RouteParams {
  keyId?: string;
  /** A tag key (delete-tag only). */
  tagKey?: string;
}

/** An operation as it is called: which one, and its path parameters. */
export interface KmsRoute extends RouteParams {
  operation: KmsOperation;
}

/** Tag operations: method and path template (`{key_id}`, `{key}` are path parameters). */
const TAG_ROUTES = {
  "show-kms-tags": { method: "GET", template: "{key_id}/tags" },
  "create-kms-tag": { method: "POST", template: "{key_id}/tags" },
  "batch-create-kms-tags": { method: "POST", template: "{key_id}/tags/action" },
  "delete-tag": { method: "DELETE", template: "{key_id}/tags/{key}" },
  "list-kms-tags": { method: "GET", template: "tags" },
  "list-kms-by-tags": { method: "POST", template: "resource_instances/action" },
} as const satisfies Partial<Record<KmsOperation, { method: HttpMethod; template: string }>>;

/** The tag operations: their key id, when they have one, is in the path. */
export type TagOperation = keyof typeof TAG_ROUTES;

/** Whether the operation is one of the tag operations. */
export function isTagOperation(operation: KmsOperation): operation is TagOperation {
  return operation in TAG_ROUTES;
}

/** Whether the operation takes the key id in its path rather than in its body. */
export function keyIdInPath(operation: KmsOperation): boolean {
  return isTagOperation(operation) && TAG_ROUTES[operation].template.includes("{key_id}");
}

/** The HTTP method of an operation. */
export function kmsMethod(operation: KmsOperation): HttpMethod {
  return isTagOperation(operation) ? TAG_ROUTES[operation].method : "POST";
}

/** The path after `/kms/` for a call, path parameters encoded. */
export function kmsRelativePath(route: KmsRoute): string {
  if (!isTagOperation(route.operation)) return route.operation;
  return TAG_ROUTES[route.operation].template
    .replace("{key_id}", encodeURIComponent(route.keyId ?? ""))
    .replace("{key}", encodeURIComponent(route.tagKey ?? ""));
}

/**
 * The operation a request names, from its method and the path after `/kms/` (still encoded), or
 * undefined when no operation lives there (the gateway's 404). A path key id that is not a KMS
 * key id still matches, so the handler can answer KMS.0205 as the service does.
 */
export function matchKmsRoute(method: string, relativePath: string, operations: readonly KmsOperation[]): KmsRoute | undefined {
  const segments = relativePath.split("/");
  for (const operation of operations) {
    if (!isTagOperation(operation)) {
      if (method === "POST" && relativePath === operation) return { operation };
      continue;
    }
    const route = TAG_ROUTES[operation];
    if (route.method !== method) continue;
    const parts = route.template.split("/");
    if (parts.length !== segments.length) continue;
    const params: RouteParams = {};
    let matched = true;
    for (const [i, part] of parts.entries()) {
      const segment = segments[i] ?? "";
      if (part === "{key_id}") {
        // `tags` (list-kms-tags) and `resource_instances` are fixed words, never key ids.
        if (segment === "" || segment === "tags" || segment === "resource_instances") matched = false;
        else params.keyId = safeDecode(segment);
      } else if (part === "{key}") {
        if (segment === "") matched = false;
        else params.tagKey = safeDecode(segment);
      } else if (part !== segment) {
        matched = false;
      }
      if (!matched) break;
    }
    if (matched) return { operation, ...params };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether `keyId` looks like a KMS key id (path parameters are checked like body fields). */
export function isPathKeyId(keyId: string | undefined): boolean {
  return keyId !== undefined && KEY_ID_PATTERN.test(keyId);
}
