// A key's rotation has one owner per stack. Pure and dependency-free: the SDK (in the user's
// program) and the engine layer (in the provider) both word the refusal with it.

/** The refusal for a key declared by more than one resource. */
export function duplicateKeyMessage(keyId: string, names: readonly string[]): string {
  const who = names.map((n) => `"${n}"`).join(" and ");
  return (
    `KeyRotation ${who} both manage key ${keyId}: a key's rotation can have only one KeyRotation in a stack ` +
    "(two would overwrite each other's settings on every run, and deleting one would turn rotation off under the other). " +
    "Keep one of them; to hand the key to another resource, remove or re-key the old one in the same change."
  );
}

/** The resource name at the end of a URN. */
export function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
