// IAM's project listings, as far as a scan of every region needs them: the projects the
// credentials may use (`GET /v3/auth/projects`, KeystoneListAuthProjects) and the projects of a
// name (`GET /v3/projects?name=`, KeystoneListProjects, how Huawei's SDK finds a region's project).
// Pure, like the KMS handlers: the server authenticates and maps the outcome to HTTP.
import type { Outcome } from "./kms-wire.js";
import type { EmulatedProject, ProjectRegistry } from "./projects.js";

/** How the request log and fault rules name the IAM calls. */
export const IAM_OPERATIONS = ["iam-list-projects", "iam-query-projects"] as const;
export type IamOperation = (typeof IAM_OPERATIONS)[number];

/** Where IAM is served: `/iam/v3/...`, or `/v3/...` for a client that takes the emulator itself as IAM. */
const IAM_PATH = /^(\/iam)?(\/v3\/.*?)\/?$/;

/** An IAM path: its operation (undefined when nothing lives there) and the prefix it came with. */
export interface IamRoute {
  operation: IamOperation | undefined;
  /** `/iam` or `""`: the base the answer's links are built on. */
  prefix: string;
  /** The path below the prefix, e.g. `/v3/auth/projects`. */
  path: string;
}

/** The IAM route of a path, or undefined when the path is not IAM's at all. */
export function matchIamRoute(method: string, path: string): IamRoute | undefined {
  const match = IAM_PATH.exec(path);
  if (!match) return undefined;
  const prefix = match[1] ?? "";
  const below = match[2] ?? "";
  const operation =
    method !== "GET" ? undefined : below === "/v3/auth/projects" ? "iam-list-projects" : below === "/v3/projects" ? "iam-query-projects" : undefined;
  return { operation, prefix, path: below };
}

/** What an IAM answer depends on besides the projects. */
export interface IamContext {
  /** The account the projects belong to. */
  domainId: string;
  /** Scheme, host and prefix the client called, e.g. `http://127.0.0.1:4566/iam`: links point there. */
  baseUrl: string;
  /** Credentials bound to one project see only that project. */
  boundProjectId?: string | undefined;
}

function projectView(registry: ProjectRegistry, project: EmulatedProject, ctx: IamContext): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    domain_id: ctx.domainId,
    enabled: project.enabled,
    is_domain: false,
    parent_id: registry.parentOf(project, ctx.domainId),
    description: project.description,
    links: { self: `${ctx.baseUrl}/v3/projects/${project.id}` },
  };
}

/**
 * Answers one IAM call: every project the credentials may use, in definition order, disabled ones
 * included (IAM lists them with `enabled: false`); the query narrows to an exact `name`.
 */
export function handleIamOperation(
  registry: ProjectRegistry,
  operation: IamOperation,
  route: IamRoute,
  query: URLSearchParams,
  ctx: IamContext,
): Outcome {
  const name = operation === "iam-query-projects" ? query.get("name") : null;
  const projects = registry
    .list()
    .filter((p) => (ctx.boundProjectId === undefined || p.id === ctx.boundProjectId) && (name === null || p.name === name));
  const search = query.toString();
  return {
    ok: true,
    body: {
      projects: projects.map((p) => projectView(registry, p, ctx)),
      links: { self: `${ctx.baseUrl}${route.path}${search === "" ? "" : `?${search}`}`, previous: null, next: null },
    },
  };
}
