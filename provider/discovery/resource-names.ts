// Resource names for keys, derived from their aliases: readable, valid in every Pulumi language
// and unique within a project. Pure. The same function names the resources of a `pulumi import`
// file, a rotation policy file and the gitops example's managed keys, so the three agree.
//
// A name must not change while its key exists, or the next run would replace the resource. So a
// key whose alias is unique gets the alias alone; when aliases collide the oldest key (earliest
// creation, then key id) keeps the bare name and the others add the start of their key id, so a
// key created later never renames an older one.

/** What naming a key needs. */
export interface NameableKey {
  keyId: string;
  keyAlias?: string;
  /** ISO 8601; keys without one sort after those with one. */
  creationDate?: string;
}

const MAX_NAME_LENGTH = 60;

/** The alias as a name: lower-case letters, digits and single hyphens, starting with a letter. */
export function nameFromAlias(alias: string | undefined, keyId: string): string {
  const slug = (alias ?? "")
    .toLowerCase()
    .replace(/^alias\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, "");
  if (slug === "") return `key-${keyId.slice(0, 8)}`;
  return /^[a-z]/.test(slug) ? slug : `key-${slug}`;
}

function olderFirst(a: NameableKey, b: NameableKey): number {
  const ca = a.creationDate ?? "\uffff";
  const cb = b.creationDate ?? "\uffff";
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0;
}

/** A unique name per key id. */
export function resourceNamesFor(keys: readonly NameableKey[]): Map<string, string> {
  const byBase = new Map<string, NameableKey[]>();
  for (const key of keys) {
    const base = nameFromAlias(key.keyAlias, key.keyId);
    byBase.set(base, [...(byBase.get(base) ?? []), key]);
  }
  const names = new Map<string, string>();
  const taken = new Set(byBase.keys());
  for (const [base, group] of byBase) {
    const [oldest, ...younger] = [...group].sort(olderFirst);
    if (oldest) names.set(oldest.keyId, base);
    for (const key of younger) {
      // The key id's first group; in the unlikely case that name is taken too (another alias, or
      // ids sharing their first group), its last group, then the whole id.
      const compact = key.keyId.toLowerCase().replace(/[^a-z0-9]/g, "");
      const candidates = [key.keyId.slice(0, 8), key.keyId.slice(-12), compact].map((part) => `${base}-${part.toLowerCase()}`);
      const name = candidates.find((c) => !taken.has(c)) ?? `${base}-${compact}`;
      taken.add(name);
      names.set(key.keyId, name);
    }
  }
  return names;
}
