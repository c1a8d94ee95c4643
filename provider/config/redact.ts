// Keeps credentials out of anything a human or a log file will see. Two layers: headers known to
// carry secrets are masked by name, and any text is scrubbed of the secret values themselves
// (in case a server echoes one back or an error message quotes a header).

export const REDACTED = "[REDACTED]";

/** Header names whose values are credentials (lower case). */
const SECRET_HEADERS = new Set(["x-auth-token", "x-security-token", "x-subject-token", "cookie", "set-cookie"]);

// Shorter values would scrub ordinary words and digits out of messages; no real AK/SK/token is this short.
const MIN_SECRET_LENGTH = 4;

/** A function that replaces every occurrence of the given secret values in a text. */
export type Redactor = (text: string) => string;

/** Builds a redactor for the given secret values (empty and undefined entries are ignored). */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH))]
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
}

/** Scrubs the given secret values from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return createRedactor(secrets)(text);
}

/**
 * A copy of the headers safe to log: token headers masked, and the `Authorization` header reduced
 * to its scheme and signed-header list (the access key and signature are dropped).
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower)) out[name] = REDACTED;
    else if (lower === "authorization") out[name] = redactAuthorization(value);
    else out[name] = value;
  }
  return out;
}

function redactAuthorization(value: string): string {
  const m = /^(\S+)\s.*?SignedHeaders=([^,\s]+)/.exec(value);
  return m ? `${m[1] ?? ""} Access=${REDACTED}, SignedHeaders=${m[2] ?? ""}, Signature=${REDACTED}` : REDACTED;
}
