// Validation and semantics of the key tag operations (docs/kms-api.md, "Key tags"): a key's tags,
// adding and removing them, the project's tag keys, and the keys that carry given tags. Like
// kms-handlers.ts, each request is a function of (state, project, path parameters, raw body).
// Where Huawei documents no behaviour, the choice made here is listed in emulator/README.md.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import { isPathKeyId } from "../provider/kms/kms-routes.js";
import {
  DEFAULT_TAG_FILTER_LIMIT,
  MAX_TAG_FILTER_LIMIT,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_KEY,
  TAG_FORBIDDEN_CHARACTERS,
} from "../provider/kms/kms-rules.js";
import type { TagOperation } from "../provider/kms/kms-routes.js";
import type { AdminKey, KeyTag, KmsState } from "./kms-state.js";
import { apiError, isOutcome, keyInfo, noContent, ok, parseBody, validateSequence, type Body, type Outcome } from "./kms-wire.js";

export { isTagOperation, type TagOperation } from "../provider/kms/kms-routes.js";

/** A tag operation as called: which one, and the path parameters it was called with. */
export interface TagRequest {
  operation: TagOperation;
  keyId?: string | undefined;
  /** The tag key of delete-tag's path, decoded. */
  tagKey?: string | undefined;
}

/** A tag to remove: without a value, whatever value the key gives it. */
interface TagToRemove {
  key: string;
  value: string | undefined;
}

/** A list-kms-by-tags filter: keys carrying `key` with one of `values` (an empty list: any value). */
interface TagFilter {
  key: string;
  values: string[];
}

/** The longest `matches` value the service accepts. */
const MAX_MATCH_VALUE_LENGTH = 255;
/** The one `matches` field keys can be searched by: the alias. */
const RESOURCE_NAME = "resource_name";
/** The list-kms-by-tags filter that answers keys, and the one that only counts them. */
const FILTER_ACTIONS = ["filter", "count"] as const;
/** The batch actions. */
const BATCH_ACTIONS = ["create", "delete"] as const;

const FORBIDDEN = "ASCII 0-31, *, <, >, \\ or =";

/** Tag lengths are counted in characters (code points), as the service counts "unicodes". */
function characters(text: string): number {
  return Array.from(text).length;
}

function isPlainObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function checkTagKey(key: unknown): string | Outcome {
  if (typeof key !== "string" || key === "") {
    return apiError(400, KmsErrorCode.InvalidTagKey, "Invalid tag key: a non-empty string is required");
  }
  if (characters(key) > MAX_TAG_KEY_LENGTH) {
    return apiError(400, KmsErrorCode.TagKeyTooLong, `Invalid tag key: at most ${MAX_TAG_KEY_LENGTH} characters are allowed`);
  }
  if (TAG_FORBIDDEN_CHARACTERS.test(key)) {
    return apiError(400, KmsErrorCode.InvalidTagKey, `Invalid tag key: it may not hold ${FORBIDDEN}`);
  }
  return key;
}

function checkTagValue(value: unknown): string | Outcome {
  if (typeof value !== "string") return apiError(400, KmsErrorCode.InvalidTagValue, "Invalid tag value: a string is required");
  if (characters(value) > MAX_TAG_VALUE_LENGTH) {
    return apiError(400, KmsErrorCode.TagValueTooLong, `Invalid tag value: at most ${MAX_TAG_VALUE_LENGTH} characters are allowed`);
  }
  if (TAG_FORBIDDEN_CHARACTERS.test(value)) {
    return apiError(400, KmsErrorCode.InvalidTagValue, `Invalid tag value: it may not hold ${FORBIDDEN}`);
  }
  return value;
}

/** A tag of a create: the value may be left out, which is the empty value. */
function tagToAdd(item: unknown): KeyTag | Outcome {
  if (!isPlainObject(item)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tag: an object with key and value is required");
  const key = checkTagKey(item.key);
  if (isOutcome(key)) return key;
  const value = checkTagValue(isAbsent(item.value) ? "" : item.value);
  if (isOutcome(value)) return value;
  return { key, value };
}

/** A tag of a delete: without a value it names the tag key whatever its value. */
function tagToRemove(item: unknown): TagToRemove | Outcome {
  if (!isPlainObject(item)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tag: an object with a key is required");
  const key = checkTagKey(item.key);
  if (isOutcome(key)) return key;
  if (isAbsent(item.value)) return { key, value: undefined };
  const value = checkTagValue(item.value);
  if (isOutcome(value)) return value;
  return { key, value };
}

/** The key's tags after adding: a tag key it already carries keeps its place and takes the new value. */
export function withTagsAdded(current: readonly KeyTag[], added: readonly KeyTag[]): KeyTag[] {
  const tags = current.map((t) => ({ ...t }));
  for (const tag of added) {
    const existing = tags.find((t) => t.key === tag.key);
    if (existing) existing.value = tag.value;
    else tags.push({ key: tag.key, value: tag.value });
  }
  return tags;
}

/** The key's tags after removing: a tag goes when its key matches, and its value too where one is given. */
export function withTagsRemoved(current: readonly KeyTag[], removed: readonly TagToRemove[]): KeyTag[] {
  return current
    .filter((t) => !removed.some((r) => r.key === t.key && (r.value === undefined || r.value === t.value)))
    .map((t) => ({ ...t }));
}

/** Whether the key carries every filter's tag key with one of its values. */
export function matchesTagFilters(tags: readonly KeyTag[], filters: readonly TagFilter[]): boolean {
  return filters.every((f) => tags.some((t) => t.key === f.key && (f.values.length === 0 || f.values.includes(t.value))));
}

function tooManyTags(count: number): Outcome {
  return apiError(400, KmsErrorCode.TooManyTags, `The key would carry ${count} tags: at most ${MAX_TAGS_PER_KEY} are allowed`);
}

function keyNotFound(keyId: string): Outcome {
  return apiError(404, KmsErrorCode.KeyNotFound, `The key does not exist: ${keyId}`);
}

/** Adds tags to the key, all or nothing. */
function addTags(state: KmsState, key: AdminKey, added: readonly KeyTag[]): Outcome {
  const tags = withTagsAdded(key.tags, added);
  if (tags.length > MAX_TAGS_PER_KEY) return tooManyTags(tags.length);
  state.put(key.keyId, { tags });
  return noContent();
}

function removeTags(state: KmsState, key: AdminKey, removed: readonly TagToRemove[]): Outcome {
  state.put(key.keyId, { tags: withTagsRemoved(key.tags, removed) });
  return noContent();
}

/** create-kms-tag: `{ tag: { key, value }, sequence? }`. */
function createTag(state: KmsState, projectId: string, keyId: string, body: Body): Outcome {
  const invalidSequence = validateSequence(body);
  if (invalidSequence) return invalidSequence;
  if (isAbsent(body.tag)) return apiError(400, KmsErrorCode.MissingParameter, "Missing required parameter: tag");
  const tag = tagToAdd(body.tag);
  if (isOutcome(tag)) return tag;
  const key = state.find(projectId, keyId);
  if (!key) return keyNotFound(keyId);
  return addTags(state, key, [tag]);
}

/** batch-create-kms-tags: `{ tags: [{ key, value }], action: "create" | "delete", sequence? }`. */
function batchTags(state: KmsState, projectId: string, keyId: string, body: Body): Outcome {
  const invalidSequence = validateSequence(body);
  if (invalidSequence) return invalidSequence;
  const action = body.action;
  if (isAbsent(action)) return apiError(400, KmsErrorCode.MissingParameter, "Missing required parameter: action");
  if (!(BATCH_ACTIONS as readonly unknown[]).includes(action)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid action: one of ${BATCH_ACTIONS.join(", ")} is required`);
  }
  const items = body.tags;
  if (isAbsent(items) || (Array.isArray(items) && items.length === 0)) {
    return apiError(400, KmsErrorCode.TagListEmpty, "The tag list is empty");
  }
  if (!Array.isArray(items)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tags: a list is required");
  if (items.length > MAX_TAGS_PER_KEY) {
    return apiError(400, KmsErrorCode.TagListLength, `The tag list holds ${items.length} tags: at most ${MAX_TAGS_PER_KEY} are allowed`);
  }
  if (action === "create") {
    const added: KeyTag[] = [];
    for (const item of items as unknown[]) {
      const tag = tagToAdd(item);
      if (isOutcome(tag)) return tag;
      added.push(tag);
    }
    const key = state.find(projectId, keyId);
    if (!key) return keyNotFound(keyId);
    return addTags(state, key, added);
  }
  const removed: TagToRemove[] = [];
  for (const item of items as unknown[]) {
    const tag = tagToRemove(item);
    if (isOutcome(tag)) return tag;
    removed.push(tag);
  }
  const key = state.find(projectId, keyId);
  if (!key) return keyNotFound(keyId);
  return removeTags(state, key, removed);
}

/** delete-tag: the tag key is in the path; the body, if any, may carry a `sequence`. */
function deleteTag(state: KmsState, projectId: string, keyId: string, tagKey: string | undefined, rawBody: string): Outcome {
  const key = checkTagKey(tagKey);
  if (isOutcome(key)) return key;
  if (rawBody.trim() !== "") {
    const body = parseBody(rawBody);
    if (isOutcome(body)) return body;
    const invalidSequence = validateSequence(body);
    if (invalidSequence) return invalidSequence;
  }
  const found = state.find(projectId, keyId);
  if (!found) return keyNotFound(keyId);
  return removeTags(state, found, [{ key, value: undefined }]);
}

/** list-kms-tags: every tag key of the project's keys, with its distinct values, in the order first seen. */
function listProjectTags(state: KmsState, projectId: string): Outcome {
  const values = new Map<string, string[]>();
  for (const key of state.listProject(projectId)) {
    for (const tag of key.tags) {
      const seen = values.get(tag.key);
      if (!seen) values.set(tag.key, [tag.value]);
      else if (!seen.includes(tag.value)) seen.push(tag.value);
    }
  }
  return ok({ tags: [...values].map(([key, tagValues]) => ({ key, values: tagValues })) });
}

/** A list-kms-by-tags number: a string of digits (a number is tolerated), or undefined when absent. */
function filterNumber(body: Body, field: "limit" | "offset"): number | undefined | Outcome {
  const value = body[field];
  if (isAbsent(value) || value === "") return undefined;
  const text = typeof value === "number" ? String(value) : value;
  if (field === "offset" && typeof text === "string" && /^-\d+$/.test(text)) {
    return apiError(400, KmsErrorCode.InvalidOffset, "Invalid offset: it may not be below 0");
  }
  if (typeof text !== "string" || !/^\d{1,9}$/.test(text)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid ${field}: a string of digits is required`);
  }
  return Number(text);
}

function tagFilters(value: unknown): TagFilter[] | Outcome {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tags: a list is required");
  if (value.length > MAX_TAGS_PER_KEY) {
    return apiError(400, KmsErrorCode.TagKeyListLength, `The filter names ${value.length} tag keys: at most ${MAX_TAGS_PER_KEY} are allowed`);
  }
  const filters: TagFilter[] = [];
  for (const item of value as unknown[]) {
    if (!isPlainObject(item)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tag filter: an object with key and values is required");
    const key = checkTagKey(item.key);
    if (isOutcome(key)) return key;
    const rawValues = isAbsent(item.values) ? [] : item.values;
    if (!Array.isArray(rawValues)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid tag filter values: a list is required");
    if (rawValues.length > MAX_TAGS_PER_KEY) {
      return apiError(400, KmsErrorCode.TagValueListLength, `The filter of tag key ${key} names ${rawValues.length} values: at most ${MAX_TAGS_PER_KEY} are allowed`);
    }
    const values: string[] = [];
    for (const raw of rawValues as unknown[]) {
      const checked = checkTagValue(raw);
      if (isOutcome(checked)) return checked;
      values.push(checked);
    }
    filters.push({ key, values });
  }
  return filters;
}

/** `matches`: only `resource_name` (the alias), matched when the alias contains the value. */
function aliasMatches(value: unknown): string[] | Outcome {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) return apiError(400, KmsErrorCode.InvalidParameter, "Invalid matches: a list is required");
  const needles: string[] = [];
  for (const item of value as unknown[]) {
    if (!isPlainObject(item) || item.key !== RESOURCE_NAME) {
      return apiError(400, KmsErrorCode.InvalidParameter, `Invalid matches: only the key ${RESOURCE_NAME} is supported`);
    }
    const needle = item.value;
    if (typeof needle !== "string" || needle === "" || characters(needle) > MAX_MATCH_VALUE_LENGTH) {
      return apiError(400, KmsErrorCode.InvalidParameter, `Invalid matches value: 1 to ${MAX_MATCH_VALUE_LENGTH} characters are required`);
    }
    needles.push(needle);
  }
  return needles;
}

/**
 * list-kms-by-tags (`resource_instances/action`): the project's keys that carry every filter tag
 * (and whose alias holds every `matches` value), in creation order; "filter" answers a page of
 * `limit` keys from `offset`, "count" only how many there are.
 */
function listKeysByTags(state: KmsState, projectId: string, body: Body): Outcome {
  const invalidSequence = validateSequence(body);
  if (invalidSequence) return invalidSequence;
  const action = body.action;
  if (isAbsent(action)) return apiError(400, KmsErrorCode.MissingParameter, "Missing required parameter: action");
  if (!(FILTER_ACTIONS as readonly unknown[]).includes(action)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid action: one of ${FILTER_ACTIONS.join(", ")} is required`);
  }
  const limit = filterNumber(body, "limit");
  if (isOutcome(limit)) return limit;
  if (limit !== undefined && (limit < 1 || limit > MAX_TAG_FILTER_LIMIT)) {
    return apiError(400, KmsErrorCode.InvalidParameter, `Invalid limit: from 1 to ${MAX_TAG_FILTER_LIMIT} is required`);
  }
  const offset = filterNumber(body, "offset");
  if (isOutcome(offset)) return offset;
  const filters = tagFilters(body.tags);
  if (isOutcome(filters)) return filters;
  const needles = aliasMatches(body.matches);
  if (isOutcome(needles)) return needles;

  const matching = state
    .listProject(projectId)
    .filter((k) => matchesTagFilters(k.tags, filters) && needles.every((n) => k.keyAlias.includes(n)));
  if (action === "count") return ok({ total_count: matching.length });
  const start = offset ?? 0;
  const page = matching.slice(start, start + (limit ?? DEFAULT_TAG_FILTER_LIMIT));
  return ok({
    resources: page.map((k) => ({
      resource_id: k.keyId,
      resource_detail: keyInfo(k),
      tags: k.tags,
      resource_name: k.keyAlias,
    })),
    total_count: matching.length,
  });
}

/** Validates and performs one tag operation against the state of `projectId`. */
export function handleTagOperation(state: KmsState, request: TagRequest, projectId: string, rawBody: string): Outcome {
  switch (request.operation) {
    case "list-kms-tags":
      return listProjectTags(state, projectId);
    case "list-kms-by-tags": {
      const body = parseBody(rawBody);
      return isOutcome(body) ? body : listKeysByTags(state, projectId, body);
    }
  }
  // The others name their key in the path, checked like a body's key_id.
  const keyId = request.keyId;
  if (keyId === undefined || !isPathKeyId(keyId)) {
    return apiError(400, KmsErrorCode.InvalidKeyId, "Invalid key_id in the path: it must be a KMS key id");
  }
  switch (request.operation) {
    case "show-kms-tags": {
      const key = state.find(projectId, keyId);
      if (!key) return keyNotFound(keyId);
      return ok({ tags: key.tags, existTagsNum: key.tags.length });
    }
    case "delete-tag":
      return deleteTag(state, projectId, keyId, request.tagKey, rawBody);
    case "create-kms-tag":
    case "batch-create-kms-tags": {
      const body = parseBody(rawBody);
      if (isOutcome(body)) return body;
      return request.operation === "create-kms-tag" ? createTag(state, projectId, keyId, body) : batchTags(state, projectId, keyId, body);
    }
  }
}
