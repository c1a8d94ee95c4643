import { describe, expect, it } from "vitest";
import { DEFAULT_DOMAIN_ID, DEFAULT_PROJECT_ID, DEFAULT_REGION } from "./config.js";
import { handleIamOperation, matchIamRoute, type IamContext, type IamOperation } from "./iam-handlers.js";
import { ProjectRegistry } from "./projects.js";

const EU_DE = "e0de00000000000000000000000000aa";
const TEAM = "e0de00000000000000000000000000bb";
const BASE = "http://127.0.0.1:4566/iam";

function account(): ProjectRegistry {
  const projects = new ProjectRegistry(DEFAULT_PROJECT_ID);
  projects.put(EU_DE, { name: "eu-de" });
  projects.put(TEAM, { name: "eu-de_team", enabled: false, description: "payments" });
  return projects;
}

function call(path: string, ctx: Partial<IamContext> = {}, projects = account()): Record<string, unknown> {
  const [pathOnly = "", query = ""] = path.split("?");
  const route = matchIamRoute("GET", pathOnly);
  if (route?.operation === undefined) throw new Error(`no IAM operation at ${path}`);
  const outcome = handleIamOperation(projects, route.operation, route, new URLSearchParams(query), { domainId: DEFAULT_DOMAIN_ID, baseUrl: `http://127.0.0.1:4566${route.prefix}`, ...ctx });
  if (!outcome.ok || outcome.body === undefined) throw new Error("IAM answered no body");
  return outcome.body;
}

const names = (body: Record<string, unknown>): string[] => (body.projects as { name: string }[]).map((p) => p.name);

describe("IAM routes", () => {
  it("serve GET /v3/auth/projects and GET /v3/projects, under /iam or at the root", () => {
    const op = (method: string, path: string): IamOperation | undefined | "not IAM" => {
      const route = matchIamRoute(method, path);
      return route === undefined ? "not IAM" : route.operation;
    };
    expect(op("GET", "/iam/v3/auth/projects")).toBe("iam-list-projects");
    expect(op("GET", "/v3/auth/projects/")).toBe("iam-list-projects");
    expect(op("GET", "/iam/v3/projects")).toBe("iam-query-projects");
    expect(op("POST", "/iam/v3/auth/projects")).toBeUndefined();
    expect(op("GET", "/iam/v3/auth/tokens")).toBeUndefined();
    expect(op("GET", "/v1.0/p/kms/list-keys")).toBe("not IAM");
    expect(op("GET", "/eu-de/v1.0/p/kms/list-keys")).toBe("not IAM");
  });
});

describe("GET /v3/auth/projects", () => {
  it("answers every project in Keystone's shape, disabled ones too, with links to where it was called", () => {
    const body = call("/iam/v3/auth/projects");
    expect(body).toEqual({
      projects: [
        {
          id: DEFAULT_PROJECT_ID,
          name: DEFAULT_REGION,
          domain_id: DEFAULT_DOMAIN_ID,
          enabled: true,
          is_domain: false,
          parent_id: DEFAULT_DOMAIN_ID,
          description: "",
          links: { self: `${BASE}/v3/projects/${DEFAULT_PROJECT_ID}` },
        },
        expect.objectContaining({ id: EU_DE, name: "eu-de", parent_id: DEFAULT_DOMAIN_ID }) as unknown,
        expect.objectContaining({ id: TEAM, name: "eu-de_team", parent_id: EU_DE, enabled: false, description: "payments" }) as unknown,
      ],
      links: { self: `${BASE}/v3/auth/projects`, previous: null, next: null },
    });
    expect(call("/v3/auth/projects").links).toEqual({ self: "http://127.0.0.1:4566/v3/auth/projects", previous: null, next: null });
  });

  it("shows credentials bound to one project only that project", () => {
    expect(names(call("/iam/v3/auth/projects", { boundProjectId: EU_DE }))).toEqual(["eu-de"]);
  });
});

describe("GET /v3/projects", () => {
  it("narrows to an exact name; an unknown name answers an empty list", () => {
    const body = call("/iam/v3/projects?name=eu-de");
    expect(names(body)).toEqual(["eu-de"]);
    expect(body.links).toEqual({ self: `${BASE}/v3/projects?name=eu-de`, previous: null, next: null });
    expect(names(call("/iam/v3/projects?name=eu"))).toEqual([]);
    expect(names(call("/iam/v3/projects"))).toEqual([DEFAULT_REGION, "eu-de", "eu-de_team"]);
  });
});
