// The `/__admin` API: what tests and CI use to arrange keys, inspect traffic and inject faults.
// No authentication, so the server only serves it to loopback peers.
import { z } from "zod";
import { KEY_ID_PATTERN, KeyState } from "../provider/kms/kms-rules.js";
import { faultRuleSchema, type FaultInjector } from "./faults.js";
import type { AdminKeyPatch, KmsState } from "./kms-state.js";
import type { RequestLog } from "./request-log.js";

const timestamp = z.union([
  z.int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/**
 * A key's tags as the admin sets them: the whole list, in order. Only a tag key carried twice is
 * refused (no key can be in that state); lengths, characters and the count of 10 are not checked,
 * so a test can arrange tags the service would never let a client write.
 */
const adminTagsSchema = z
  .array(z.strictObject({ key: z.string(), value: z.string() }))
  .superRefine((tags, ctx) => {
    const seen = new Set<string>();
    for (const { key } of tags) {
      if (seen.has(key)) ctx.addIssue({ code: "custom", message: `the tag key ${JSON.stringify(key)} appears more than once` });
      seen.add(key);
    }
  });

/** Body of `PUT`/`PATCH /__admin/keys/{keyId}`; timestamps are epoch milliseconds or ISO-8601 strings. */
export const adminKeyPatchSchema = z.strictObject({
  projectId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional(),
  keyState: z.enum(KeyState).optional(),
  origin: z.enum(["kms", "external"]).optional(),
  defaultKeyFlag: z.enum(["0", "1"]).optional(),
  keySpec: z.string().min(1).optional(),
  keyAlias: z.string().optional(),
  rotationEnabled: z.boolean().optional(),
  // Out-of-range values are allowed on purpose: drift the real service cannot produce still
  // tests how defensively a client reads.
  rotationInterval: z.int().nonnegative().optional(),
  numberOfRotations: z.int().nonnegative().optional(),
  lastRotationTime: timestamp.nullable().optional(),
  creationDate: timestamp.optional(),
  tags: adminTagsSchema.optional(),
});

/** What `putKey` accepts. */
export type AdminKeyInput = z.input<typeof adminKeyPatchSchema>;

/** A seed file: `{ "keys": [ { "keyId": "...", ...AdminKeyInput } ] }`. */
export const seedFileSchema = z.strictObject({
  keys: z.array(adminKeyPatchSchema.extend({ keyId: z.string().regex(KEY_ID_PATTERN) })),
});
export type SeedFile = z.input<typeof seedFileSchema>;

/** Loads validated seed keys into the state. */
export function applySeed(state: KmsState, seed: unknown): void {
  for (const { keyId, ...patch } of seedFileSchema.parse(seed).keys) {
    state.put(keyId, patch satisfies AdminKeyPatch);
  }
}

/** What the admin API can reach. */
export interface AdminContext {
  state: KmsState;
  log: RequestLog;
  faults: FaultInjector;
  /** Empties keys, log and faults (and refills the rate limiter). */
  reset(): void;
}

export interface AdminResponse {
  status: number;
  body?: unknown;
}

function adminError(status: number, message: string): AdminResponse {
  return { status, body: { error: { error_code: "EMULATOR.ADMIN", error_msg: message } } };
}

function parseJson<T>(raw: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; res: AdminResponse } {
  let data: unknown;
  try {
    data = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return { ok: false, res: adminError(400, "body is not valid JSON") };
  }
  const parsed = schema.safeParse(data);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, res: adminError(400, z.prettifyError(parsed.error)) };
}

/** Peers allowed to use the admin API: the machine itself. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Routes one admin request; `path` is below `/__admin`, e.g. `/keys/<id>/rotate`. */
export function handleAdmin(ctx: AdminContext, method: string, path: string, rawBody: string): AdminResponse {
  const segments = path.split("/").filter((s) => s !== "");
  const [resource, id, action] = segments;
  const route = `${method} ${resource ?? ""}${id === undefined ? "" : "/:id"}${action === undefined ? "" : `/${action}`}`;
  if (segments.length > 3) return adminError(404, `no admin route ${method} /__admin${path}`);

  switch (route) {
    case "POST reset":
      ctx.reset();
      return { status: 204 };
    case "GET keys":
      return { status: 200, body: ctx.state.list() };
    case "GET requests":
      return { status: 200, body: ctx.log.list() };
    case "DELETE requests":
      ctx.log.clear();
      return { status: 204 };
    case "GET faults":
      return { status: 200, body: ctx.faults.list() };
    case "DELETE faults":
      ctx.faults.clear();
      return { status: 204 };
    case "POST faults": {
      const parsed = parseJson(rawBody, faultRuleSchema);
      if (!parsed.ok) return parsed.res;
      return { status: 201, body: ctx.faults.add(parsed.value) };
    }
  }

  if (resource !== "keys" || id === undefined) return adminError(404, `no admin route ${method} /__admin${path}`);
  // Valid key ids need no percent-decoding; anything encoded is refused by the pattern.
  const keyId = id;
  if (!KEY_ID_PATTERN.test(keyId)) return adminError(400, `invalid key id ${keyId}: it must match ${KEY_ID_PATTERN.source}`);
  const notFound = adminError(404, `no key ${keyId}`);

  switch (route) {
    case "GET keys/:id": {
      const key = ctx.state.get(keyId);
      return key ? { status: 200, body: key } : notFound;
    }
    case "PUT keys/:id": {
      const parsed = parseJson(rawBody, adminKeyPatchSchema);
      if (!parsed.ok) return parsed.res;
      const { key, created } = ctx.state.put(keyId, parsed.value);
      return { status: created ? 201 : 200, body: key };
    }
    case "PATCH keys/:id": {
      // Like PUT, but only for a key that exists: a typo in a test's key id fails instead of creating one.
      if (!ctx.state.get(keyId)) return notFound;
      const parsed = parseJson(rawBody, adminKeyPatchSchema);
      if (!parsed.ok) return parsed.res;
      return { status: 200, body: ctx.state.put(keyId, parsed.value).key };
    }
    case "DELETE keys/:id":
      return ctx.state.delete(keyId) ? { status: 204 } : notFound;
    case "POST keys/:id/rotate": {
      const key = ctx.state.rotate(keyId);
      return key ? { status: 200, body: key } : notFound;
    }
  }
  return adminError(404, `no admin route ${method} /__admin${path}`);
}
