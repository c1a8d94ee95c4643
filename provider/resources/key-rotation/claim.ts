// Who manages a key's rotation across stacks: with claims on, a KeyRotation tags its key with its
// stack's identity, and a stack never takes a key another stack's tag names. Pure: the identity,
// the tag that carries it, and the decision a create (or a take-over) makes from the key's tags.
import { createHash } from "node:crypto";
import { MAX_TAG_VALUE_LENGTH } from "../../kms/kms-rules.js";

/** The key tag that names the stack managing a key's rotation. */
export const CLAIM_TAG_KEY = "pulumi-rotation-owner";

/** A KMS key tag. */
export interface KeyTag {
  key: string;
  value: string;
}

/** Hex digits of the hash that stands in for the end of an identity too long for a tag value. */
const HASH_DIGITS = 8;
/**
 * Marks a shortened identity. Pulumi project and stack names hold only letters, digits, `-`, `_`
 * and `.`, so no full identity contains it, and a shortened one never equals a full one.
 */
const SHORTENED = "~";

/** A stack's identity as Pulumi names it: `<project>/<stack>`. */
export function stackIdentity(project: string, stack: string): string {
  return `${project}/${stack}`;
}

/** The identity of the stack a URN (`urn:pulumi:<stack>::<project>::…`) belongs to. */
export function stackIdentityOfUrn(urn: string): string | undefined {
  const match = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return match?.[1] === undefined || match[2] === undefined ? undefined : stackIdentity(match[2], match[1]);
}

/**
 * The tag value that carries `identity`: the identity itself when it fits KMS's 43 characters,
 * otherwise its start, `~`, and 8 hex digits of its SHA-256, so two identities never share a value.
 */
export function claimTagValue(identity: string): string {
  if (identity.length <= MAX_TAG_VALUE_LENGTH) return identity;
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, HASH_DIGITS);
  return `${identity.slice(0, MAX_TAG_VALUE_LENGTH - HASH_DIGITS - SHORTENED.length)}${SHORTENED}${hash}`;
}

/** The claim tag for a stack. */
export function claimTag(identity: string): KeyTag {
  return { key: CLAIM_TAG_KEY, value: claimTagValue(identity) };
}

/** The claim a key's tags hold (the claiming stack's tag value), or undefined when none does. */
export function claimOf(tags: readonly KeyTag[]): string | undefined {
  return tags.find((t) => t.key === CLAIM_TAG_KEY)?.value;
}

/** What a stack may do with a key, judged from the key's claim. */
export type ClaimDecision =
  /** Nobody claims it: take it (one tag write). */
  | { kind: "take" }
  /** This stack already claims it: nothing to write. */
  | { kind: "ours" }
  /** Another stack claims it: refuse before any write. */
  | { kind: "taken"; owner: string };

/** Decides from the key's current claim whether `identity` may take the key. */
export function decideClaim(current: string | undefined, identity: string): ClaimDecision {
  if (current === undefined) return { kind: "take" };
  if (current === claimTagValue(identity)) return { kind: "ours" };
  return { kind: "taken", owner: current };
}

/** The refusal for a key another stack claims: who holds it, and the ways out. */
export function claimedElsewhereMessage(keyId: string, owner: string, identity: string): string {
  return (
    `key ${keyId} is claimed by stack ${owner} (its ${CLAIM_TAG_KEY} tag), so stack ${identity} will not manage its rotation: ` +
    `two stacks on one key overwrite each other's settings and a destroy of either turns rotation off under the other. ` +
    `Remove the KeyRotation of this key from one of the two stacks; to move the key here, destroy (or remove) it in ${owner} first, ` +
    `which releases the claim. If that stack no longer exists, delete the key's ${CLAIM_TAG_KEY} tag (KMS console, the key's Tags tab) and run again.`
  );
}
