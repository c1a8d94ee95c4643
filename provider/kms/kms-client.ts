// The provider's only way to talk to KMS: the typed operations a feature uses, each validated
// before sending and run by the call runner (retries, deadlines, the per-origin concurrency budget
// shared by the whole process), whose answers kms-response.ts turns into values or errors that
// say what to do.
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { createRedactor, normalizeEndpoint, secretsOf, type KmsClientConfig, type Redactor } from "../config/kms-config.js";
import { sendHttpRequest } from "../transport/http-request.js";
import { runnerForEndpoint, type CallRunner, type RunnerHooks } from "./call-runner.js";
import { oneLine } from "./kms-api-error.js";
import { KmsErrorCode } from "./kms-error-codes.js";
import { buildKmsRequest } from "./kms-request.js";
import { interpretResponse, invalidArgument } from "./kms-response.js";
import {
  isValidKeyId,
  isValidRotationInterval,
  KEY_ID_PATTERN,
  MAX_ROTATION_INTERVAL_DAYS,
  MAX_TAG_FILTER_LIMIT,
  MIN_ROTATION_INTERVAL_DAYS,
  type KmsOperation,
} from "./kms-rules.js";
import { kmsSchemas, type KeyInfo, type KeyPage, type KeyTagShape, type RotationStatus, type TaggedKeyPage } from "./kms-schemas.js";
import { keyIdInPath, kmsMethod } from "./kms-routes.js";
import { listKeysBody, type ListKeysRequest } from "./list-keys-request.js";

export type { KmsLogger } from "./call-runner.js";
export type { OperationDeadline } from "./kms-response.js";
export type { KeyInfo, KeyPage, RotationStatus, TaggedKeyPage } from "./kms-schemas.js";
export type { KeyTagShape as KeyTag } from "./kms-schemas.js";

/** A tag filter of list-kms-by-tags: keys carrying `key` with one of `values` (an empty list: any value). */
export interface TagFilter {
  key: string;
  values: readonly string[];
}

/** One page of keys by tag (resource_instances/action, action "filter"). */
export interface TaggedKeysRequest {
  tags?: readonly TagFilter[];
  /** Page size, 1 to 1000 (KMS answers 10 when it is left out). */
  limit?: number;
  /** Keys to skip. */
  offset?: number;
}
export type { ListKeysRequest } from "./list-keys-request.js";

/** The runner's hooks (call-runner.ts), plus what only the KMS client uses. */
export interface KmsClientOptions extends RunnerHooks {
  /** undici dispatcher (a MockAgent in tests); default: the process-wide keep-alive pool. */
  dispatcher?: Dispatcher;
  /** Request serial numbers (`sequence`); default: random UUIDs. */
  newSequence?: () => string;
}

/**
 * The rotation switches are not idempotent (docs/kms-api.md): the code each answers when the
 * rotation is already in the requested state, which the runner may count as success.
 */
const ALREADY_IN_STATE: Partial<Record<KmsOperation, string>> = {
  "enable-key-rotation": KmsErrorCode.RotationAlreadyEnabled,
  "disable-key-rotation": KmsErrorCode.RotationNotEnabled,
};

/** Typed KMS operations for one endpoint, project and set of credentials. */
export class KmsClient {
  private readonly config: KmsClientConfig;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly newSequence: () => string;
  private readonly redactor: Redactor;
  private readonly runner: CallRunner;

  constructor(config: KmsClientConfig, options: KmsClientOptions = {}) {
    // Re-validated here too: a hand-built config must not bypass the http:// refusal.
    this.config = { ...config, endpoint: normalizeEndpoint(config.endpoint) };
    this.dispatcher = options.dispatcher;
    this.newSequence = options.newSequence ?? randomUUID;
    this.redactor = createRedactor(secretsOf(config));
    this.runner = runnerForEndpoint(this.config.endpoint, this.config, this.redactor, options);
  }

  /** Whether rotation is on, its interval, when it last rotated and how often. */
  async getKeyRotationStatus(keyId: string): Promise<RotationStatus> {
    return this.call("get-key-rotation-status", keyId, {}, kmsSchemas().rotationStatus);
  }

  /** Turns rotation on (KMS then uses a 365-day interval until it is updated). */
  async enableKeyRotation(keyId: string): Promise<void> {
    await this.call("enable-key-rotation", keyId, {}, kmsSchemas().empty);
  }

  /** Turns rotation off. */
  async disableKeyRotation(keyId: string): Promise<void> {
    await this.call("disable-key-rotation", keyId, {}, kmsSchemas().empty);
  }

  /** Sets the rotation interval (whole days, 30 to 365); rotation must be enabled. */
  async updateKeyRotationInterval(keyId: string, intervalDays: number): Promise<void> {
    if (!isValidRotationInterval(intervalDays)) {
      throw invalidArgument(
        "update-key-rotation-interval",
        `intervalDays ${String(intervalDays)} is not a whole number from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}`,
        `Set the rotation interval to a whole number of days from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}.`,
        this.redactor,
        keyId,
      );
    }
    await this.call("update-key-rotation-interval", keyId, { rotation_interval: intervalDays }, kmsSchemas().empty);
  }

  /** The key's state, origin, spec and rotation flag (what a preview checks). */
  async describeKey(keyId: string): Promise<KeyInfo> {
    return this.call("describe-key", keyId, {}, kmsSchemas().describeKey);
  }

  /**
   * One page of the project's keys. `keySpec` defaults to every spec: KMS itself lists only
   * AES_256 keys when the filter is left out. Page on with `marker: page.nextMarker` while
   * `page.truncated`.
   */
  async listKeys(request: ListKeysRequest = {}): Promise<KeyPage> {
    const body = listKeysBody(request);
    if (typeof body === "string") {
      throw invalidArgument("list-keys", body, "Fix the listing's filters or page size as the message says.", this.redactor);
    }
    return this.send("list-keys", undefined, body, kmsSchemas().listKeys);
  }

  /** The key's tags (show-kms-tags). */
  async showKeyTags(keyId: string): Promise<KeyTagShape[]> {
    return this.call("show-kms-tags", keyId, {}, kmsSchemas().keyTags);
  }

  /** Adds tags to the key, replacing the value of a tag key it already carries (batch, action "create"). */
  async addKeyTags(keyId: string, tags: readonly KeyTagShape[]): Promise<void> {
    await this.call("batch-create-kms-tags", keyId, { action: "create", tags: tags.map((t) => ({ key: t.key, value: t.value })) }, kmsSchemas().empty);
  }

  /** Removes tags from the key; a tag whose value differs, or that the key lacks, is left as it is (batch, action "delete"). */
  async removeKeyTags(keyId: string, tags: readonly KeyTagShape[]): Promise<void> {
    await this.call("batch-create-kms-tags", keyId, { action: "delete", tags: tags.map((t) => ({ key: t.key, value: t.value })) }, kmsSchemas().empty);
  }

  /** One page of the project's keys that carry the given tags, each with all its tags. */
  async listKeysByTags(request: TaggedKeysRequest = {}): Promise<TaggedKeyPage> {
    const { limit, offset } = request;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_TAG_FILTER_LIMIT)) {
      throw invalidArgument("list-kms-by-tags", `limit ${String(limit)} is not a whole number from 1 to ${MAX_TAG_FILTER_LIMIT}`, "Ask for pages of 1 to 1000 keys.", this.redactor);
    }
    if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0)) {
      throw invalidArgument("list-kms-by-tags", `offset ${String(offset)} is not a whole number of at least 0`, "Page on from offset 0.", this.redactor);
    }
    // KMS reads limit and offset as strings of digits.
    const body: Record<string, unknown> = {
      action: "filter",
      tags: (request.tags ?? []).map((t) => ({ key: t.key, values: [...t.values] })),
      ...(limit === undefined ? {} : { limit: String(limit) }),
      ...(offset === undefined ? {} : { offset: String(offset) }),
    };
    return this.send("list-kms-by-tags", undefined, body, kmsSchemas().taggedKeys);
  }

  private async call<S extends z.ZodType>(
    operation: KmsOperation,
    keyId: string,
    extra: Readonly<Record<string, unknown>>,
    schema: S,
  ): Promise<z.output<S>> {
    if (typeof keyId !== "string" || !isValidKeyId(keyId)) {
      throw invalidArgument(
        operation,
        `keyId must match ${KEY_ID_PATTERN.source}, got ${typeof keyId === "string" ? JSON.stringify(oneLine(keyId, 60)) : typeof keyId}`,
        "Use the 36-character KMS key id (e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f), not the alias or ARN-like name.",
        this.redactor,
      );
    }
    // Tag operations name the key in their path; the others in the body.
    return this.send(operation, keyId, keyIdInPath(operation) ? { ...extra } : { key_id: keyId, ...extra }, schema);
  }

  private async send<S extends z.ZodType>(
    operation: KmsOperation,
    keyId: string | undefined,
    fields: Readonly<Record<string, unknown>>,
    schema: S,
  ): Promise<z.output<S>> {
    const method = kmsMethod(operation);
    // One sequence for the whole logical call, so KMS can tell retries from new requests. Only
    // POST bodies carry one: a GET or DELETE has no body, and resource_instances/action takes none.
    const payload =
      method !== "POST" ? undefined : operation === "list-kms-by-tags" ? { ...fields } : { ...fields, sequence: this.newSequence() };
    const ctx = { operation, ...(keyId === undefined ? {} : { keyId }), endpoint: this.config.endpoint, redact: this.redactor };
    const already = ALREADY_IN_STATE[operation];
    return this.runner.run({
      operation,
      ...(keyId === undefined ? {} : { keyId }),
      send: (date, timeoutMs) => {
        const wire = buildKmsRequest(this.config, { operation, ...(keyId === undefined ? {} : { keyId }) }, payload, date);
        return sendHttpRequest({
          url: wire.url,
          method: wire.method,
          headers: wire.headers,
          ...(wire.method === "POST" ? { body: wire.body } : {}),
          timeoutMs,
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        });
      },
      interpret: (response, tally) => interpretResponse(ctx, schema, response, tally),
      ...(already !== undefined ? { alreadyInState: { code: already, value: (): z.output<S> => schema.parse({}) } } : {}),
    });
  }
}
