// The list-keys request body, checked before sending: KMS types every field as a string, so the
// page size and marker travel as strings, and a filter KMS would refuse is refused here with the
// field, the value and the rule. Pure.
import { ALL_KEY_SPECS, DEFAULT_LIST_PAGE_SIZE, KEY_SPECS, LISTABLE_KEY_STATES, MAX_LIST_PAGE_SIZE } from "./kms-rules.js";

/** Which keys to list and which page. */
export interface ListKeysRequest {
  /** Keys per page, 1 to 1000; default 1000. */
  limit?: number;
  /** Where the page starts: the `nextMarker` of the previous page. */
  marker?: string;
  /** Only keys in this state ("1" pending activation … "5" pending import). */
  keyState?: string;
  /** Only keys of this spec (e.g. "AES_256", "SM4", "RSA_2048"); default every spec ("ALL"). */
  keySpec?: string;
}

/** The body to send, or what is wrong with the request. */
export function listKeysBody(request: ListKeysRequest): Record<string, string> | string {
  const limit = request.limit ?? DEFAULT_LIST_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_PAGE_SIZE) {
    return `limit ${String(limit)} is not a whole number from 1 to ${MAX_LIST_PAGE_SIZE}`;
  }
  const body: Record<string, string> = { limit: String(limit), key_spec: request.keySpec ?? ALL_KEY_SPECS };
  if (request.keySpec !== undefined && request.keySpec !== ALL_KEY_SPECS && !(KEY_SPECS as readonly string[]).includes(request.keySpec)) {
    return `keySpec ${JSON.stringify(request.keySpec)} is not one of ${[...KEY_SPECS, ALL_KEY_SPECS].join(", ")}`;
  }
  if (request.keyState !== undefined) {
    if (!(LISTABLE_KEY_STATES as readonly string[]).includes(request.keyState)) {
      return `keyState ${JSON.stringify(request.keyState)} is not one of ${LISTABLE_KEY_STATES.join(", ")} (1 pending activation, 2 enabled, 3 disabled, 4 pending deletion, 5 pending import)`;
    }
    body.key_state = request.keyState;
  }
  if (request.marker !== undefined && request.marker !== "") body.marker = request.marker;
  return body;
}
