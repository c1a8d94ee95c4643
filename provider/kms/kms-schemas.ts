// Response shapes of the KMS operations, parsed defensively: the documentation and the service
// disagree on types (booleans as strings, numbers as strings, timestamps in seconds or
// milliseconds), so every field accepts the documented variants and is normalized once here.
//
// Schemas are built on first use rather than at module load: module-level zod instances are
// known to trip Pulumi's closure serializer when a resource callback captures them.
import { z } from "zod";
import { DEFAULT_ROTATION_INTERVAL_DAYS } from "./kms-rules.js";

// Epoch values below this are seconds: 1e11 s is the year 5138, 1e11 ms is March 1973.
const SECONDS_THRESHOLD = 1e11;
// Sanity bounds for a parsed timestamp (KMS did not exist before 2000).
const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
const MAX_TIMESTAMP_MS = Date.UTC(2200, 0, 1);

/**
 * Normalizes an epoch timestamp in seconds or milliseconds (number or numeric string) or an ISO
 * 8601 date to ISO 8601 UTC. Empty, null, 0 and absent mean "never" (undefined); anything
 * else unreadable is undefined too, and {@link isReadableTimestamp} tells them apart.
 */
export function normalizeTimestamp(value: number | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = typeof value === "number" ? String(value) : value.trim();
  if (text === "" || /^0+(\.0*)?$/.test(text)) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    ms = n < SECONDS_THRESHOLD ? n * 1000 : n;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    ms = Date.parse(text);
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) return undefined;
  return new Date(Math.floor(ms)).toISOString();
}

/** Whether a timestamp field holds "never" or something {@link normalizeTimestamp} can read. */
export function isReadableTimestamp(value: number | string | null | undefined): boolean {
  if (value === null || value === undefined) return true;
  const text = typeof value === "number" ? String(value) : value.trim();
  return text === "" || /^0+(\.0*)?$/.test(text) || normalizeTimestamp(value) !== undefined;
}

/**
 * Field types that accept what the services send in the wild: booleans as "true"/"false", and
 * optional texts as null or "" (read as absent). Shared by every answer this package parses.
 */
export function looseFields() {
  const looseBoolean = z.union([
    z.boolean(),
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["true", "false"]))
      .transform((v) => v === "true"),
  ]);
  const optionalText = z
    .string()
    .nullish()
    .transform((v) => (v === null || v === undefined || v === "" ? undefined : v));
  return { looseBoolean, optionalText };
}

function buildSchemas() {
  const { looseBoolean, optionalText } = looseFields();

  const looseCount = z.union([
    z.number().int().nonnegative(),
    z
      .string()
      .trim()
      .regex(/^\d+$/, "expected a whole number")
      .transform((v) => Number(v)),
  ]);

  const looseTimestamp = z
    .union([z.number(), z.string(), z.null()])
    .optional()
    .transform((v, ctx) => {
      if (!isReadableTimestamp(v)) {
        ctx.addIssue({ code: "custom", message: `unreadable timestamp ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return normalizeTimestamp(v);
    });

  // Codes and flags come as strings in the docs and sometimes as numbers in examples.
  const looseCode = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
  const looseFlag = z
    .union([z.string(), z.number(), z.boolean()])
    .nullish()
    .transform((v) => (v === null || v === undefined || v === "" ? undefined : typeof v === "boolean" ? (v ? "1" : "0") : String(v).trim()));

  const rotationStatus = z
    .object({
      key_rotation_enabled: looseBoolean,
      rotation_interval: looseCount.nullish(),
      last_rotation_time: looseTimestamp,
      number_of_rotations: looseCount.nullish(),
    })
    .transform((r) => {
      const status: RotationStatusShape = {
        enabled: r.key_rotation_enabled,
        // Absent only while rotation has never been configured; KMS's own default then applies.
        intervalDays: r.rotation_interval ?? DEFAULT_ROTATION_INTERVAL_DAYS,
        numberOfRotations: r.number_of_rotations ?? 0,
      };
      if (r.last_rotation_time !== undefined) status.lastRotationTime = r.last_rotation_time;
      return status;
    });

  const keyInfo = z
    .object({
      key_id: z.string().min(1),
      key_state: looseCode,
      key_alias: optionalText,
      key_description: optionalText,
      origin: optionalText,
      default_key_flag: looseFlag,
      key_spec: optionalText,
      key_usage: optionalText,
      domain_id: optionalText,
      realm: optionalText,
      creation_date: looseTimestamp,
      scheduled_deletion_date: looseTimestamp,
      key_rotation_enabled: looseBoolean.optional(),
    })
    .transform((k) => {
      const info: KeyInfoShape = { keyId: k.key_id, keyState: k.key_state, isDefaultKey: k.default_key_flag === "1" };
      if (k.key_alias !== undefined) info.keyAlias = k.key_alias;
      if (k.key_description !== undefined) info.keyDescription = k.key_description;
      if (k.origin !== undefined) info.origin = k.origin;
      if (k.default_key_flag !== undefined) info.defaultKeyFlag = k.default_key_flag;
      if (k.key_spec !== undefined) info.keySpec = k.key_spec;
      if (k.key_usage !== undefined) info.keyUsage = k.key_usage;
      if (k.domain_id !== undefined) info.domainId = k.domain_id;
      if (k.realm !== undefined) info.realm = k.realm;
      if (k.creation_date !== undefined) info.creationDate = k.creation_date;
      if (k.scheduled_deletion_date !== undefined) info.scheduledDeletionDate = k.scheduled_deletion_date;
      if (k.key_rotation_enabled !== undefined) info.rotationEnabled = k.key_rotation_enabled;
      return info;
    });

  const describeKey = z.object({ key_info: keyInfo }).transform((r) => r.key_info);

  // Paging fields: `truncated` is the string "true"/"false" in the SDK models, a boolean is
  // accepted too; `next_marker` may be empty or absent on the last page.
  const listKeys = z
    .object({
      key_details: z.array(keyInfo).nullish(),
      next_marker: z.union([z.string(), z.number()]).nullish(),
      truncated: looseBoolean.nullish(),
      total: looseCount.nullish(),
    })
    .transform((r) => {
      const page: KeyPageShape = { keys: r.key_details ?? [], truncated: r.truncated ?? false };
      const marker = r.next_marker === null || r.next_marker === undefined ? "" : String(r.next_marker).trim();
      if (marker !== "") page.nextMarker = marker;
      if (r.total !== null && r.total !== undefined) page.total = r.total;
      return page;
    });

  // Tags: a value may be absent or null on a tag that has none.
  const keyTag = z
    .object({ key: z.string().min(1), value: z.string().nullish() })
    .transform((t): KeyTagShape => ({ key: t.key, value: t.value ?? "" }));
  const keyTags = z.object({ tags: z.array(keyTag).nullish() }).transform((r) => r.tags ?? []);

  // resource_instances/action (filter): each matching key with its tags, and how many match in all.
  const taggedKeys = z
    .object({
      resources: z
        .array(
          z.object({
            resource_id: z.string().min(1),
            resource_name: optionalText,
            tags: z.array(keyTag).nullish(),
          }),
        )
        .nullish(),
      total_count: looseCount.nullish(),
    })
    .transform((r) => {
      const resources = (r.resources ?? []).map((k) => {
        const key: TaggedKeyShape = { resourceId: k.resource_id, tags: k.tags ?? [] };
        if (k.resource_name !== undefined) key.resourceName = k.resource_name;
        return key;
      });
      const page: TaggedKeyPageShape = { resources, totalCount: r.total_count ?? resources.length };
      return page;
    });

  // enable/disable/update rotation answer `{}`; anything JSON-object-shaped is accepted.
  const empty = z.looseObject({});

  // KMS nests the error; the API gateway (APIG.*) puts the fields at the top level.
  const errorFields = z.object({
    error_code: looseCode.optional(),
    error_msg: z.string().optional(),
    request_id: z.string().optional(),
  });
  const errorBody = z.union([z.object({ error: errorFields }).transform((b) => b.error), errorFields]);

  return { rotationStatus, describeKey, listKeys, keyTags, taggedKeys, empty, errorBody };
}

/** Normalized `get-key-rotation-status` answer. */
export interface RotationStatusShape {
  enabled: boolean;
  intervalDays: number;
  /** ISO 8601 UTC; absent when the key never rotated. */
  lastRotationTime?: string;
  numberOfRotations: number;
}

/** Normalized `key_info` of `describe-key`. */
export interface KeyInfoShape {
  keyId: string;
  /** `key_state` ("1".."7", see KeyState in kms-rules). */
  keyState: string;
  keyAlias?: string;
  keyDescription?: string;
  /** "kms" or "external" (imported material). */
  origin?: string;
  /** "1" for a Default Master Key. */
  defaultKeyFlag?: string;
  isDefaultKey: boolean;
  keySpec?: string;
  keyUsage?: string;
  domainId?: string;
  realm?: string;
  /** ISO 8601 UTC. */
  creationDate?: string;
  /** ISO 8601 UTC; absent unless deletion is scheduled. */
  scheduledDeletionDate?: string;
  /** Whether rotation is on (`key_rotation_enabled`); the interval takes get-key-rotation-status. */
  rotationEnabled?: boolean;
}

/** Normalized list-keys answer: one page of keys and where the next page starts. */
export interface KeyPageShape {
  keys: KeyInfoShape[];
  /** Whether more pages follow. */
  truncated: boolean;
  /** The `marker` of the next page; absent on the last one. */
  nextMarker?: string;
  /** Keys matching the filters in all pages, when KMS says. */
  total?: number;
}

/** A key tag; a tag without a value has the empty string. */
export interface KeyTagShape {
  key: string;
  value: string;
}

/** One key of a tag filter's answer. */
export interface TaggedKeyShape {
  resourceId: string;
  /** The key's alias. */
  resourceName?: string;
  tags: KeyTagShape[];
}

/** One page of a tag filter's answer, and how many keys match in all. */
export interface TaggedKeyPageShape {
  resources: TaggedKeyShape[];
  totalCount: number;
}

export type KmsSchemas = ReturnType<typeof buildSchemas>;

let cached: KmsSchemas | undefined;

/** The response schemas, built on first use. */
export function kmsSchemas(): KmsSchemas {
  cached ??= buildSchemas();
  return cached;
}

export type RotationStatus = z.infer<KmsSchemas["rotationStatus"]>;
export type KeyInfo = z.infer<KmsSchemas["describeKey"]>;
export type KeyPage = z.infer<KmsSchemas["listKeys"]>;
export type TaggedKeyPage = z.infer<KmsSchemas["taggedKeys"]>;
export type KmsErrorBody = z.infer<KmsSchemas["errorBody"]>;
