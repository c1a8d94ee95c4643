// Property values as the engine sends them to a plugin: secrets arrive wrapped in a signature
// object, values not known yet as a sentinel string. Pure.

/** The key and value that mark an object as a wrapped value of a special kind (Pulumi's RPC encoding). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecret(value: unknown): value is { value?: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value inside secret wrappers, recursively; other values unchanged. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The properties with every secret unwrapped. */
export function plainProperties(props: Record<string, unknown>): Record<string, unknown> {
  return unwrapSecrets(props) as Record<string, unknown>;
}

/** Wraps a value as a secret, so the engine keeps it encrypted. */
export function secret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Whether a secret wrapper is anywhere in `value`. */
export function containsSecrets(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecrets);
  return false;
}
