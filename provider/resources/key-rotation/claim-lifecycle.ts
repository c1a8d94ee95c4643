// Claims on top of the KMS client: reading who claims a key, taking it, letting it go. The
// decisions are claim.ts's; this file only reads and writes tags, one call each.
import { errorMarker, KmsProviderError } from "../../errors/kms-provider-error.js";
import { KmsApiError } from "../../kms/kms-api-error.js";
import { KmsErrorCode } from "../../kms/kms-error-codes.js";
import { claimedElsewhereMessage, claimOf, claimTag, claimTagValue, CLAIM_TAG_KEY, decideClaim, type ClaimDecision, type KeyTag } from "./claim.js";
import {
  createKeyRotation,
  deleteKeyRotation,
  importKeyRotation,
  readKeyRotation,
  RotationProgressError,
  updateKeyRotation,
  type PreviewApi,
  type ReadResult,
  type RotationApi,
} from "./lifecycle.js";
import type { KeyRotationInputs, KeyRotationOptions, KeyRotationOutputs } from "./schemas.js";

/** The slice of the KMS client claims need. */
export interface ClaimApi {
  showKeyTags(keyId: string): Promise<KeyTag[]>;
  addKeyTags(keyId: string, tags: readonly KeyTag[]): Promise<void>;
  removeKeyTags(keyId: string, tags: readonly KeyTag[]): Promise<void>;
}

const conflictMarkerName = errorMarker("ClaimConflictError");
const conflictMarker = Symbol.for(conflictMarkerName);

/** Thrown before any write when another stack claims the key. */
export class ClaimConflictError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [conflictMarker] = true;
  override readonly name = "ClaimConflictError";
  constructor(
    readonly keyId: string,
    /** The claiming stack, as its tag names it. */
    readonly owner: string,
    identity: string,
  ) {
    super(claimedElsewhereMessage(keyId, owner, identity));
  }

  /** Whether `error` is a ClaimConflictError, from any copy of this package. */
  static override isInstance(error: unknown): error is ClaimConflictError {
    return KmsProviderError.hasMarker(error, conflictMarkerName);
  }
}

/** The claim the key carries now (one tag read), or undefined when none does. */
export async function readClaim(api: Pick<ClaimApi, "showKeyTags">, keyId: string): Promise<string | undefined> {
  return claimOf(await api.showKeyTags(keyId));
}

/**
 * Reads the key's claim and decides whether `identity` may manage it: throws ClaimConflictError
 * when another stack holds it, so the caller has written nothing yet.
 */
export async function checkClaim(api: Pick<ClaimApi, "showKeyTags">, keyId: string, identity: string): Promise<ClaimDecision> {
  const decision = decideClaim(await readClaim(api, keyId), identity);
  if (decision.kind === "taken") throw new ClaimConflictError(keyId, decision.owner, identity);
  return decision;
}

/** Tags the key as `identity`'s (one tag write). */
export async function writeClaim(api: Pick<ClaimApi, "addKeyTags">, keyId: string, identity: string): Promise<void> {
  await api.addKeyTags(keyId, [claimTag(identity)]);
}

/**
 * Removes the claim `value` from the key (one tag write). KMS removes a tag only where key and
 * value both match, so a claim another stack has taken since stays. A key that is gone or
 * scheduled for deletion has nothing left to release.
 */
export async function releaseClaim(api: Pick<ClaimApi, "removeKeyTags">, keyId: string, value: string): Promise<void> {
  try {
    await api.removeKeyTags(keyId, [{ key: CLAIM_TAG_KEY, value }]);
  } catch (e) {
    if (KmsApiError.isInstance(e) && (e.code === KmsErrorCode.KeyNotFound || e.code === KmsErrorCode.PendingDeletion)) return;
    throw e;
  }
}

/** A KeyRotation's calls when claims are on: the rotation's and the claim's. */
export type ClaimedRotationApi = RotationApi & PreviewApi & ClaimApi;

/** `out` without a claim, for a failure recorded before the claim was (re)written. */
function unclaimed(out: KeyRotationOutputs): KeyRotationOutputs {
  const rest = { ...out };
  delete rest.claimedBy;
  return rest;
}

/**
 * Records the claim after the rotation's own calls: a key nobody claims gets the tag (one write).
 * When that write fails the rotation has changed already, so the failure reports the resource
 * without a claim; the next `up` sees the claim missing and takes it then.
 */
async function holdClaim(api: ClaimApi, out: KeyRotationOutputs, decision: ClaimDecision, identity: string): Promise<KeyRotationOutputs> {
  if (decision.kind === "take") {
    try {
      await writeClaim(api, out.keyId, identity);
    } catch (e) {
      throw new RotationProgressError(unclaimed(out), e);
    }
  }
  return { ...out, claimedBy: claimTagValue(identity) };
}

/** A create with claims: the tag read first (refusing a key another stack claims), the rotation, then the tag. */
export async function createClaimedRotation(
  api: ClaimedRotationApi,
  inputs: KeyRotationInputs,
  options: KeyRotationOptions,
  identity: string,
): Promise<KeyRotationOutputs> {
  const decision = await checkClaim(api, inputs.keyId, identity);
  return holdClaim(api, await createKeyRotation(api, inputs, options), decision, identity);
}

/**
 * An update with claims. A resource that holds its claim costs nothing more; one that does not (claims
 * just turned on, an import, a claim lost) reads the tag first and refuses a key another stack took.
 */
export async function updateClaimedRotation(
  api: ClaimedRotationApi,
  olds: KeyRotationOutputs,
  news: KeyRotationInputs,
  identity: string,
): Promise<KeyRotationOutputs> {
  const decision: ClaimDecision = olds.claimedBy === claimTagValue(identity) ? { kind: "ours" } : await checkClaim(api, news.keyId, identity);
  return holdClaim(api, await updateKeyRotation(api, olds, news), decision, identity);
}

/** Whether this stack's resource should let its key go untouched: a refresh recorded another stack's claim. */
export function claimTakenOver(recorded: KeyRotationOutputs, identity: string | undefined): boolean {
  return recorded.claimedBy !== undefined && identity !== undefined && recorded.claimedBy !== claimTagValue(identity);
}

/**
 * A delete: rotation off, then the claim released (one more write) if the resource holds one. A
 * key another stack has taken over (as a refresh recorded) is let go without any call: turning its
 * rotation off would pull it from under that stack.
 */
export async function deleteClaimedRotation(api: RotationApi & ClaimApi, recorded: KeyRotationOutputs, identity: string | undefined): Promise<void> {
  if (claimTakenOver(recorded, identity)) return;
  await deleteKeyRotation(api, recorded);
  if (recorded.claimedBy !== undefined) await releaseClaim(api, recorded.keyId, recorded.claimedBy);
}

/** A refresh with claims: the rotation, and who claims the key now (one more read). */
export async function readClaimedRotation(
  api: ClaimedRotationApi,
  keyId: string,
  recorded: Partial<KeyRotationInputs>,
): Promise<ReadResult | undefined> {
  const result = await readKeyRotation(api, keyId, recorded);
  if (result === undefined) return undefined;
  return { ...result, outputs: withClaim(result.outputs, await readClaim(api, keyId)) };
}

/**
 * A read with nothing recorded (`pulumi import`, or a lookup with `get`) with claims on: it records
 * who claims the key now and writes nothing. A lookup of another stack's key must work, and the
 * engine asks both the same way, so an import of a key another stack claims is refused by the
 * next preview (an update of `claimedBy`), and an unclaimed key is claimed by the next `up`.
 */
export async function importClaimedRotation(api: ClaimedRotationApi, keyId: string): Promise<ReadResult | undefined> {
  const result = await importKeyRotation(api, keyId);
  if (result === undefined) return undefined;
  return { ...result, outputs: withClaim(result.outputs, await readClaim(api, keyId)) };
}

/** The preview's claim check of a resource about to take a key: one tag read, refusing another stack's key. */
export async function previewClaim(api: Pick<ClaimApi, "showKeyTags">, keyId: string, identity: string): Promise<void> {
  await checkClaim(api, keyId, identity);
}

/** `out` recording `claim` (or none). */
export function withClaim(out: KeyRotationOutputs, claim: string | undefined): KeyRotationOutputs {
  const rest = unclaimed(out);
  return claim === undefined ? rest : { ...rest, claimedBy: claim };
}
