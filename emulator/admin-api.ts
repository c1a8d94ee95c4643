// The `/__admin` API: what tests and CI use to arrange keys, inspect traffic and inject faults.
// No authentication, so the server only serves it to loopback peers.
import { z } from "zod";
import { KEY_ID_PATTERN, KeyState } from "../provider/kms/kms-rules.js";
import { faultRuleSchema, type FaultInjector } from "./faults.js";
import type { AdminKeyPatch, KmsState } from "./kms-state.js";
import { PROJECT_ID_PATTERN, PROJECT_NAME_PATTERN, type ProjectRegistry } from "./projects.js";
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
  projectId: z.string().regex(PROJECT_ID_PATTERN).optional(),
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

/** Body of `PUT /__admin/projects/{projectId}`: the region follows the name (`eu-de`, `eu-de_team`). */
export const projectPatchSchema = z.strictObject({
  name: z.string().regex(PROJECT_NAME_PATTERN).optional(),
  enabled: z.boolean().optional(),
  description: z.string().optional(),
});

/** What `putProject` accepts. */
export type ProjectInput = z.input<typeof projectPatchSchema>;

/** A seeded project: its id and name, and optionally `enabled` and `description`. */
const seedProjectSchema = projectPatchSchema.extend({
  id: z.string().regex(PROJECT_ID_PATTERN),
  name: z.string().regex(PROJECT_NAME_PATTERN),
});

/**
 * A seed file: `{ "projects": [ { "id": "...", "name": "eu-de" } ], "keys": [ { "keyId": "...",
 * ...AdminKeyInput } ] }`; `projects` may be left out. Keys name their project with `projectId`.
 */
export const seedFileSchema = z
  .strictObject({
    projects: z.array(seedProjectSchema).optional(),
    keys: z.array(adminKeyPatchSchema.extend({ keyId: z.string().regex(KEY_ID_PATTERN) })),
  })
  .superRefine((seed, ctx) => {
    // Ids and names are unique in an account; a file that repeats one is a mistake, not an update.
    for (const field of ["id", "name"] as const) {
      const seen = new Set<string>();
      for (const project of seed.projects ?? []) {
        if (seen.has(project[field])) ctx.addIssue({ code: "custom", path: ["projects"], message: `the project ${field} ${JSON.stringify(project[field])} appears more than once` });
        seen.add(project[field]);
      }
    }
  });
export type SeedFile = z.input<typeof seedFileSchema>;

/** Loads a validated seed: its projects first, then its keys. Throws when a name is taken. */
export function applySeed(state: KmsState, projects: ProjectRegistry, seed: unknown): void {
  const parsed = seedFileSchema.parse(seed);
  for (const { id, ...patch } of parsed.projects ?? []) {
    const put = projects.put(id, patch);
    if (!put.ok) throw new Error(`seed project ${id}: ${put.message}`);
  }
  for (const { keyId, ...patch } of parsed.keys) {
    state.put(keyId, patch satisfies AdminKeyPatch);
  }
}

/** What the admin API can reach. */
export interface AdminContext {
  state: KmsState;
  projects: ProjectRegistry;
  log: RequestLog;
  faults: FaultInjector;
  /** Empties keys, log and faults, drops every project but the default one (renamed back), refills the rate limiter. */
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

  if (resource === "projects") return handleProjects(ctx.projects, route, id, rawBody) ?? adminError(404, `no admin route ${method} /__admin${path}`);
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

/** The `/__admin/projects` routes; undefined for a route that does not exist. */
function handleProjects(projects: ProjectRegistry, route: string, id: string | undefined, rawBody: string): AdminResponse | undefined {
  if (route === "GET projects") return { status: 200, body: projects.list() };
  if (id === undefined) return undefined;
  if (!PROJECT_ID_PATTERN.test(id)) return adminError(400, `invalid project id ${id}: it must match ${PROJECT_ID_PATTERN.source}`);
  switch (route) {
    case "GET projects/:id": {
      const project = projects.get(id);
      return project ? { status: 200, body: project } : adminError(404, `no project ${id}`);
    }
    case "PUT projects/:id": {
      const parsed = parseJson(rawBody, projectPatchSchema);
      if (!parsed.ok) return parsed.res;
      const put = projects.put(id, parsed.value);
      if (!put.ok) return adminError(400, put.message);
      return { status: put.created ? 201 : 200, body: put.project };
    }
    case "DELETE projects/:id": {
      const deleted = projects.delete(id);
      if (deleted === "default") return adminError(400, `project ${id} is the default project: rename it instead`);
      return deleted === "deleted" ? { status: 204 } : adminError(404, `no project ${id}`);
    }
  }
  return undefined;
}
