// Who manages each key: the stack that claims it, read from its claim tag. In bulk, never per
// key: KMS's tag filter (list-kms-by-tags, resource_instances/action "filter") answers every key
// that carries the claim tag, with its tags, up to 1,000 a call. So the owners of a whole project
// cost one call per 1,000 claimed keys (one when no key is claimed), whatever the number of keys.
// Thin I/O around the client; what a claim means is claim.ts's.
import { MAX_TAG_FILTER_LIMIT } from "../kms/kms-rules.js";
import { CLAIM_TAG_KEY, claimOf, type KeyTag } from "../resources/key-rotation/claim.js";

/** A tag filter: keys carrying `key`, with one of `values` (an empty list: any value). */
export interface OwnerTagFilter {
  key: string;
  values: readonly string[];
}

/** One page of keys by tag, as the client answers it. */
export interface OwnerPage {
  resources: readonly { resourceId: string; tags: readonly KeyTag[] }[];
  /** How many keys match in all. */
  totalCount: number;
}

/** The slice of the KMS client the owners' listing needs. */
export interface OwnersApi {
  listKeysByTags(request: { tags?: readonly OwnerTagFilter[]; limit?: number; offset?: number }): Promise<OwnerPage>;
}

/** How far the owners' listing has got: claimed keys read so far, of `total`. */
export interface OwnersProgress {
  phase: "owners";
  calls: number;
  keys: number;
  total: number;
}

export interface KeyOwners {
  /** The claiming stack (its claim tag's value) of every claimed key, by key id. */
  owners: Map<string, string>;
  /** The list-kms-by-tags calls made. */
  calls: number;
}

/**
 * The key listing's result and the owners' listing's, run side by side. When both fail (refused
 * credentials fail both), the listing's error is the one thrown, whichever answered first, so the
 * same failure always reads the same.
 */
export async function besideListing<L, O>(listing: Promise<L>, owners: Promise<O>): Promise<[L, O]> {
  const [keys, claims] = await Promise.allSettled([listing, owners]);
  if (keys.status === "rejected") throw keys.reason;
  if (claims.status === "rejected") throw claims.reason;
  return [keys.value, claims.value];
}

/** The owner of every claimed key of the project, 1,000 keys a call, paging by offset. */
export async function listKeyOwners(api: OwnersApi, onProgress?: (progress: OwnersProgress) => void): Promise<KeyOwners> {
  const owners = new Map<string, string>();
  let offset = 0;
  let calls = 0;
  for (;;) {
    const page = await api.listKeysByTags({ tags: [{ key: CLAIM_TAG_KEY, values: [] }], limit: MAX_TAG_FILTER_LIMIT, offset });
    calls++;
    for (const resource of page.resources) {
      const owner = claimOf(resource.tags);
      // The filter asked for the claim tag; a key answered without it is no one's.
      if (owner !== undefined) owners.set(resource.resourceId, owner);
    }
    offset += page.resources.length;
    onProgress?.({ phase: "owners", calls, keys: offset, total: page.totalCount });
    // An empty page ends it too: keys unclaimed since the count would otherwise be asked for forever.
    if (offset >= page.totalCount || page.resources.length === 0) break;
  }
  return { owners, calls };
}
