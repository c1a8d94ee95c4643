// listKeys: the project's keys with their rotatability and stable resource names. The listing is
// the discovery layer's (one list-keys request per page, no status read); what each key becomes
// in the result is decided by the pure `listedKeys`.
import type { FunctionArgs, FunctionResult, ObjectValue } from "../../engine/function-spec.js";
import { listAllKeys, type InventoryApi } from "../../discovery/key-inventory.js";
import { besideListing, listKeyOwners } from "../../discovery/key-owners.js";
import { resourceNamesFor } from "../../discovery/resource-names.js";
import { rotatability } from "../../discovery/rotatability.js";
import { ALL_KEY_SPECS } from "../../kms/kms-rules.js";
import type { KeyInfo } from "../../kms/kms-schemas.js";
import type { listedKeyType, listKeysSpec } from "./spec.js";

export type ListKeysArgs = FunctionArgs<typeof listKeysSpec>;
export type ListKeysResult = FunctionResult<typeof listKeysSpec>;
export type ListedKey = ObjectValue<typeof listedKeyType>;

/** The slice of the KMS client listKeys needs. */
export type ListingApi = Pick<InventoryApi, "listKeys" | "listKeysByTags">;

/**
 * The keys as listKeys reports them. `all` is the whole project's listing: names are derived
 * from it before the filters apply, so a key's name never depends on what was asked for (and
 * agrees with `huaweicloud-kms discover` run without filters, which names keys over the same listing).
 */
export function listedKeys(all: readonly KeyInfo[], args: ListKeysArgs = {}, owners: ReadonlyMap<string, string> = new Map()): ListedKey[] {
  const names = resourceNamesFor(all);
  const out: ListedKey[] = [];
  for (const key of all) {
    if (args.keyState !== undefined && key.keyState !== args.keyState) continue;
    if (args.keySpec !== undefined && args.keySpec !== ALL_KEY_SPECS && key.keySpec !== args.keySpec) continue;
    const verdict = rotatability(key);
    if (args.rotatableOnly === true && !verdict.rotatable) continue;
    const listed: ListedKey = {
      keyId: key.keyId,
      keyState: key.keyState,
      isDefaultKey: key.isDefaultKey,
      rotatable: verdict.rotatable,
      // resourceNamesFor names every key it is given.
      resourceName: names.get(key.keyId) ?? key.keyId,
    };
    if (key.keyAlias !== undefined) listed.keyAlias = key.keyAlias;
    if (key.keySpec !== undefined) listed.keySpec = key.keySpec;
    if (key.origin !== undefined) listed.origin = key.origin;
    if (key.rotationEnabled !== undefined) listed.rotationEnabled = key.rotationEnabled;
    if (!verdict.rotatable) listed.cannotRotateReason = verdict.reason;
    if (key.creationDate !== undefined) listed.creationDate = key.creationDate;
    const owner = owners.get(key.keyId);
    if (owner !== undefined) listed.claimedBy = owner;
    out.push(listed);
  }
  return out;
}

/**
 * Lists every key of the project (every spec and state, page by page) and reports those the
 * arguments ask for. The filters apply here rather than in the request so that names are derived
 * from the whole listing; it costs pages only in projects of more than 1,000 keys.
 */
export async function listKeys(api: ListingApi, args: ListKeysArgs = {}): Promise<ListKeysResult> {
  // The claims are read beside the listing, and only when asked: without withClaims, no tag request.
  const [{ keys }, owners] = await besideListing(listAllKeys(api), args.withClaims === true ? listKeyOwners(api) : Promise.resolve(undefined));
  return { keys: listedKeys(keys, args, owners?.owners) };
}
