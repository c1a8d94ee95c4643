// Reads and checks the rotation policy file, so a typo fails `pulumi preview` in the pull request
// with the file, the key and the field named, instead of surfacing later. Then, with the project's
// keys when the file manages every rotatable key, works out which rotation each key gets, leaving
// alone the keys another stack claims.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";

/** `listed`: only the keys under `keys:`. `all-rotatable`: every key KMS lets rotate, `keys:` overriding. */
export type ManageMode = "listed" | "all-rotatable";
const MODES: readonly ManageMode[] = ["listed", "all-rotatable"];

export interface KeyPolicy {
  keyId: string;
  enabled: boolean;
  intervalDays: number;
}

/** An entry under `keys:`, defaults applied; without keyId it names a key by its listKeys name. */
export interface KeyEntry {
  keyId?: string;
  enabled: boolean;
  intervalDays: number;
}

export interface Policy {
  manage: ManageMode;
  defaults: { enabled: boolean; intervalDays: number };
  keys: Map<string, KeyEntry>;
}

/** What the policy needs to know of a key of the project (listKeys' answer). */
export interface ProjectKey {
  keyId: string;
  resourceName: string;
  rotatable: boolean;
  /** The stack that claims the key (the value of its `pulumi-rotation-owner` tag), when one does. */
  claimedBy?: string;
}

/** The rotations to manage, by resource name, and the keys left alone because another stack claims them (name → that stack). */
export interface Plan {
  rotations: Map<string, KeyPolicy>;
  leftAlone: Map<string, string>;
}

// A claim tag's value holds at most 43 characters; a longer `<project>/<stack>` is cut, marked
// with `~` and told apart by a hash (the rule KeyRotation follows when it claims a key).
const MAX_CLAIM_LENGTH = 43;
const CLAIM_HASH_DIGITS = 8;

/** The claim this stack puts on its keys (with the provider's `claimKeys` on), to tell its own keys from other stacks'. */
export function ownClaim(project: string, stack: string): string {
  const identity = `${project}/${stack}`;
  if (identity.length <= MAX_CLAIM_LENGTH) return identity;
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, CLAIM_HASH_DIGITS);
  return `${identity.slice(0, MAX_CLAIM_LENGTH - CLAIM_HASH_DIGITS - 1)}~${hash}`;
}

const TOP_FIELDS = new Set(["manage", "defaults", "keys"]);
const DEFAULT_FIELDS = new Set(["enabled", "intervalDays"]);
const KEY_FIELDS = new Set(["keyId", "enabled", "intervalDays"]);

function fail(file: string, where: string, problem: string): never {
  // A RunError is shown as its message alone: the file, the place and the problem say it all.
  const error = new pulumi.RunError(`${file}: ${where}: ${problem}`);
  // Pulumi's Node.js runtime still formats the error with util.inspect, which source-maps every
  // frame of a program that fails after an await: 20 to 30 s measured here, against 3 s for an
  // error whose stack is already text.
  error.stack = error.message;
  throw error;
}

function asObject(file: string, where: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(file, where, "must be a mapping");
  return value as Record<string, unknown>;
}

function onlyFields(file: string, where: string, entry: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const field of Object.keys(entry)) {
    if (!allowed.has(field)) fail(file, where === "" ? field : `${where}.${field}`, `unknown field (${[...allowed].join(", ")})`);
  }
}

function optionalBoolean(file: string, where: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  return fail(file, where, `must be true or false, got ${JSON.stringify(value)}`);
}

function optionalNumber(file: string, where: string, value: unknown): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  return fail(file, where, `must be a number of days, got ${JSON.stringify(value)}`);
}

/** The policy file, checked, with the defaults applied to every entry. Range checks are left to KeyRotation, which names the field. */
export function readPolicy(file: string): Policy {
  const doc = asObject(file, "top level", load(readFileSync(file, "utf8")));
  onlyFields(file, "", doc, TOP_FIELDS);
  const manage = doc.manage ?? "listed";
  if (typeof manage !== "string" || !(MODES as readonly string[]).includes(manage)) {
    fail(file, "manage", `must be ${MODES.join(" or ")}, got ${JSON.stringify(manage)}`);
  }
  const defaults = asObject(file, "defaults", doc.defaults ?? {});
  onlyFields(file, "defaults", defaults, DEFAULT_FIELDS);
  const base = {
    enabled: optionalBoolean(file, "defaults.enabled", defaults.enabled) ?? true,
    intervalDays: optionalNumber(file, "defaults.intervalDays", defaults.intervalDays) ?? 365,
  };

  // Every rotatable key is managed without being listed, so the list may be empty.
  const keys = asObject(file, "keys", doc.keys ?? (manage === "all-rotatable" ? {} : undefined));
  const entries = new Map<string, KeyEntry>();
  const seen = new Map<string, string>();
  for (const [name, raw] of Object.entries(keys)) {
    const entry = asObject(file, `keys.${name}`, raw ?? {});
    onlyFields(file, `keys.${name}`, entry, KEY_FIELDS);
    if (entry.keyId !== undefined && typeof entry.keyId !== "string") fail(file, `keys.${name}.keyId`, "must be a key id");
    if (entry.keyId === undefined && manage === "listed") fail(file, `keys.${name}.keyId`, "is required");
    if (entry.keyId !== undefined) {
      const owner = seen.get(entry.keyId);
      if (owner !== undefined) fail(file, `keys.${name}.keyId`, `is also used by keys.${owner}`);
      seen.set(entry.keyId, name);
    }
    entries.set(name, {
      ...(entry.keyId === undefined ? {} : { keyId: entry.keyId }),
      enabled: optionalBoolean(file, `keys.${name}.enabled`, entry.enabled) ?? base.enabled,
      intervalDays: optionalNumber(file, `keys.${name}.intervalDays`, entry.intervalDays) ?? base.intervalDays,
    });
  }
  return { manage: manage as ManageMode, defaults: base, keys: entries };
}

/** The rotation of every key to manage, by resource name (see {@link plan}). */
export function rotations(file: string, policy: Policy, project: readonly ProjectKey[] = []): Map<string, KeyPolicy> {
  return plan(file, policy, project).rotations;
}

/**
 * The rotation of every key to manage, by resource name. `listed`: the entries as written.
 * `all-rotatable`: every rotatable key of `project` under its listKeys name with the defaults,
 * except where an entry names it (by that name, or by keyId under a name of its own); entries may
 * also name keys that cannot rotate (e.g. to record `enabled: false`). A key of `project` that a
 * stack other than `self` claims is left alone, listed or not: two stacks on one key overwrite
 * each other's settings, and the other stack was there first.
 */
export function plan(file: string, policy: Policy, project: readonly ProjectKey[] = [], self?: string): Plan {
  const out = new Map<string, KeyPolicy>();
  const leftAlone = new Map<string, string>();
  const byId = new Map(project.map((k) => [k.keyId, k]));
  /** The stack other than this one that claims the key, if any. */
  const otherOwner = (keyId: string): string | undefined => {
    const owner = byId.get(keyId)?.claimedBy;
    return owner === undefined || owner === self ? undefined : owner;
  };
  const byName = new Map(project.map((k) => [k.resourceName, k]));
  const claimed = new Map<string, string>();
  for (const [name, entry] of policy.keys) {
    let keyId = entry.keyId;
    if (keyId === undefined) {
      const key = byName.get(name);
      if (key === undefined) fail(file, `keys.${name}`, `no key of the project is named ${name} (listKeys names keys after their aliases): give its keyId`);
      keyId = key.keyId;
    } else {
      const named = byName.get(name);
      // That name is another key's own: managing both would give two resources one name.
      if (policy.manage === "all-rotatable" && named !== undefined && named.keyId !== keyId) {
        fail(file, `keys.${name}`, `${name} is the name of key ${named.keyId}, not of ${keyId}: give this entry another name, or leave out keyId to override ${named.keyId}`);
      }
    }
    const owner = claimed.get(keyId);
    if (owner !== undefined) fail(file, `keys.${name}`, `is key ${keyId}, which keys.${owner} already sets`);
    claimed.set(keyId, name);
    const other = otherOwner(keyId);
    if (other !== undefined) leftAlone.set(name, other);
    else out.set(name, { keyId, enabled: entry.enabled, intervalDays: entry.intervalDays });
  }
  if (policy.manage === "all-rotatable") {
    for (const key of project) {
      if (!key.rotatable || claimed.has(key.keyId)) continue;
      const other = otherOwner(key.keyId);
      if (other !== undefined) leftAlone.set(key.resourceName, other);
      else out.set(key.resourceName, { keyId: key.keyId, ...policy.defaults });
    }
  }
  return { rotations: out, leftAlone };
}
