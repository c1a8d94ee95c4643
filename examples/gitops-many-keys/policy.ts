// Reads and checks the rotation policy file, so a typo fails `pulumi preview` in the pull request
// with the file, the key and the field named, instead of surfacing later.
import { readFileSync } from "node:fs";
import { load } from "js-yaml";

export interface KeyPolicy {
  keyId: string;
  enabled: boolean;
  intervalDays: number;
}

const KEY_FIELDS = new Set(["keyId", "enabled", "intervalDays"]);

function fail(file: string, where: string, problem: string): never {
  throw new Error(`${file}: ${where}: ${problem}`);
}

function asObject(file: string, where: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(file, where, "must be a mapping");
  return value as Record<string, unknown>;
}

function optionalBoolean(file: string, where: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  return fail(file, where, `must be true or false, got ${JSON.stringify(value)}`);
}

function optionalNumber(file: string, where: string, value: unknown): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  return fail(file, where, `must be a number of days, got ${JSON.stringify(value)}`);
}

/** The policy of every key, defaults applied. Range checks are left to KeyRotation, which names the field. */
export function readPolicy(file: string): Map<string, KeyPolicy> {
  const doc = asObject(file, "top level", load(readFileSync(file, "utf8")));
  const defaults = asObject(file, "defaults", doc.defaults ?? {});
  const baseEnabled = optionalBoolean(file, "defaults.enabled", defaults.enabled) ?? true;
  const baseInterval = optionalNumber(file, "defaults.intervalDays", defaults.intervalDays) ?? 365;

  const keys = asObject(file, "keys", doc.keys);
  const policy = new Map<string, KeyPolicy>();
  const seen = new Map<string, string>();
  for (const [name, raw] of Object.entries(keys)) {
    const entry = asObject(file, `keys.${name}`, raw);
    for (const field of Object.keys(entry)) {
      if (!KEY_FIELDS.has(field)) fail(file, `keys.${name}.${field}`, "unknown field (keyId, enabled, intervalDays)");
    }
    if (typeof entry.keyId !== "string") fail(file, `keys.${name}.keyId`, "is required");
    const owner = seen.get(entry.keyId);
    if (owner !== undefined) fail(file, `keys.${name}.keyId`, `is also used by keys.${owner}`);
    seen.set(entry.keyId, name);
    policy.set(name, {
      keyId: entry.keyId,
      enabled: optionalBoolean(file, `keys.${name}.enabled`, entry.enabled) ?? baseEnabled,
      intervalDays: optionalNumber(file, `keys.${name}.intervalDays`, entry.intervalDays) ?? baseInterval,
    });
  }
  return policy;
}
