// Every key of a project with its rotation and its owner: the listing, page by page, then one
// status read per key whose rotation is on (the listing says whether it is, but not the
// interval), and beside them the owners' listing (key-owners.ts). This is the least KMS allows:
// one list-keys call per page, one get-key-rotation-status per rotating key, and one
// list-kms-by-tags call per 1,000 claimed keys. Thin I/O around the client; what the keys mean is
// decided by rotatability.ts and the callers.
import { KmsApiError } from "../kms/kms-api-error.js";
import type { KeyInfo, KeyPage, ListKeysRequest, RotationStatus } from "../kms/kms-client.js";
import { besideListing, listKeyOwners, type OwnersApi, type OwnersProgress } from "./key-owners.js";
import { rotatability, type Rotatability } from "./rotatability.js";

/** The slice of the KMS client an inventory needs. */
export interface InventoryApi extends OwnersApi {
  listKeys(request: ListKeysRequest): Promise<KeyPage>;
  getKeyRotationStatus(keyId: string): Promise<RotationStatus>;
}

/** One key and what is known of its rotation. */
export interface InventoryEntry {
  key: KeyInfo;
  rotatability: Rotatability;
  /** The live rotation; read only when the listing says rotation is on (or does not say). */
  status?: RotationStatus;
  /** Why the status read of this key failed, when KMS refused it for this key alone. */
  statusError?: string;
  /** The stack that claims the key (its claim tag's value), when one does. */
  owner?: string;
}

/** How far an inventory has got: keys listed so far (of `total`, when KMS says), or status reads done. */
export type InventoryProgress =
  | { phase: "list"; pages: number; keys: number; total?: number }
  | { phase: "status"; done: number; of: number }
  | OwnersProgress;

export interface InventoryOptions {
  /** Filters and page size; the marker is the inventory's business. */
  request?: Omit<ListKeysRequest, "marker">;
  onProgress?: (progress: InventoryProgress) => void;
  /** Status reads in flight at once; the client's own per-endpoint limit still applies. */
  concurrency?: number;
}

export interface Inventory {
  entries: InventoryEntry[];
  /** The calls made: list-keys pages, status reads and owners' listings (list-kms-by-tags). */
  calls: { pages: number; statusReads: number; ownerListings: number };
}

/** Lists every key page by page. */
export async function listAllKeys(
  api: Pick<InventoryApi, "listKeys">,
  request: Omit<ListKeysRequest, "marker"> = {},
  onProgress?: (progress: InventoryProgress) => void,
): Promise<{ keys: KeyInfo[]; pages: number }> {
  const keys: KeyInfo[] = [];
  let marker: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await api.listKeys({ ...request, ...(marker === undefined ? {} : { marker }) });
    pages++;
    keys.push(...page.keys);
    onProgress?.({ phase: "list", pages, keys: keys.length, ...(page.total === undefined ? {} : { total: page.total }) });
    if (!page.truncated) break;
    if (page.nextMarker === undefined || page.nextMarker === marker) {
      // Asking again with the same marker would loop forever on the same page.
      throw new Error(`KMS list-keys said more pages follow but gave ${page.nextMarker === undefined ? "no next_marker" : `the same next_marker ${JSON.stringify(marker)}`} after page ${pages}`);
    }
    marker = page.nextMarker;
  }
  return { keys, pages };
}

/** A failure that concerns one key only (it is refused or gone), not the listing as a whole. */
function isPerKeyRefusal(e: unknown): e is KmsApiError {
  return KmsApiError.isInstance(e) && (e.status === 400 || e.status === 404);
}

/** Every key with its rotatability and owner, and the live rotation of each key whose rotation is on. */
export async function takeInventory(api: InventoryApi, options: InventoryOptions = {}): Promise<Inventory> {
  // The owners' listing needs nothing from the key listing, so it runs beside it.
  const [{ keys, pages }, owners] = await besideListing(listAllKeys(api, options.request, options.onProgress), listKeyOwners(api, options.onProgress));
  const entries: InventoryEntry[] = keys.map((key) => {
    const owner = owners.owners.get(key.keyId);
    return { key, rotatability: rotatability(key), ...(owner === undefined ? {} : { owner }) };
  });
  const toRead = entries.filter((e) => e.key.rotationEnabled !== false);
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toRead.length) {
      const entry = toRead[next++] as InventoryEntry;
      try {
        entry.status = await api.getKeyRotationStatus(entry.key.keyId);
      } catch (e) {
        if (!isPerKeyRefusal(e)) throw e;
        entry.statusError = e.code;
      }
      done++;
      options.onProgress?.({ phase: "status", done, of: toRead.length });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 10, toRead.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { entries, calls: { pages, statusReads: toRead.length, ownerListings: owners.calls } };
}
