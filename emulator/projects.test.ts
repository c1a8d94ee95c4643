import { describe, expect, it } from "vitest";
import { DEFAULT_DOMAIN_ID, DEFAULT_PROJECT_ID, DEFAULT_REGION } from "./config.js";
import { ProjectRegistry, regionOfProjectName } from "./projects.js";

const EU_DE = "e0de00000000000000000000000000aa";
const TEAM = "e0de00000000000000000000000000bb";

function account(): ProjectRegistry {
  const projects = new ProjectRegistry(DEFAULT_PROJECT_ID);
  projects.put(EU_DE, { name: "eu-de" });
  projects.put(TEAM, { name: "eu-de_team", description: "payments" });
  return projects;
}

describe("projects", () => {
  it("take their region from the name: a main project is named after it, a sub-project `<region>_<name>`", () => {
    expect(regionOfProjectName("cn-north-4")).toBe("cn-north-4");
    expect(regionOfProjectName("eu-de_team")).toBe("eu-de");
    expect(regionOfProjectName("eu-de_team_b")).toBe("eu-de");
  });

  it("start with the default project, named after the default region, and list in definition order", () => {
    expect(new ProjectRegistry(DEFAULT_PROJECT_ID).list()).toEqual([
      { id: DEFAULT_PROJECT_ID, name: DEFAULT_REGION, region: DEFAULT_REGION, enabled: true, description: "" },
    ]);
    expect(account().list().map((p) => [p.name, p.region])).toEqual([
      [DEFAULT_REGION, DEFAULT_REGION],
      ["eu-de", "eu-de"],
      ["eu-de_team", "eu-de"],
    ]);
  });

  it("need a name to be created, keep what a change leaves out, and refuse a name another project holds", () => {
    const projects = account();
    expect(projects.put("f".repeat(32), {})).toEqual({ ok: false, message: expect.stringMatching(/a name is required/) as unknown });
    expect(projects.put(TEAM, { enabled: false })).toMatchObject({ ok: true, created: false, project: { name: "eu-de_team", enabled: false, description: "payments" } });
    expect(projects.put("f".repeat(32), { name: "eu-de" })).toEqual({ ok: false, message: `the name eu-de belongs to project ${EU_DE}` });
    expect(projects.put("f".repeat(32), { name: DEFAULT_REGION })).toEqual({
      ok: false,
      message: expect.stringMatching(/belongs to project .* \(the default project; give it another name first\)/) as unknown,
    });
    // Renaming the default project moves the default region, the un-prefixed paths' region.
    expect(projects.put(DEFAULT_PROJECT_ID, { name: "ap-southeast-1" })).toMatchObject({ ok: true, project: { region: "ap-southeast-1" } });
    expect(projects.defaultRegion).toBe("ap-southeast-1");
  });

  it("can be deleted, all but the default project; clear leaves the default project under its default name", () => {
    const projects = account();
    expect(projects.delete(TEAM)).toBe("deleted");
    expect(projects.delete(TEAM)).toBe("missing");
    expect(projects.delete(DEFAULT_PROJECT_ID)).toBe("default");
    projects.put(DEFAULT_PROJECT_ID, { name: "eu-nl" });
    projects.clear();
    expect(projects.list().map((p) => p.name)).toEqual([DEFAULT_REGION]);
  });

  it("have the account as the parent of a main project, and the region's main project as the parent of a sub-project", () => {
    const projects = account();
    const parent = (id: string): string => {
      const project = projects.get(id);
      if (!project) throw new Error(`no project ${id}`);
      return projects.parentOf(project, DEFAULT_DOMAIN_ID);
    };
    expect(parent(EU_DE)).toBe(DEFAULT_DOMAIN_ID);
    expect(parent(TEAM)).toBe(EU_DE);
    projects.delete(EU_DE);
    expect(parent(TEAM)).toBe(DEFAULT_DOMAIN_ID);
  });
});

describe("which project a region's KMS serves", () => {
  const projects = account();
  const refusal = (projectId: string, region: string | undefined): string | undefined => {
    const outcome = projects.kmsRefusal(projectId, region);
    return outcome && !outcome.ok ? `${outcome.status} ${outcome.code}` : undefined;
  };

  it("serves a project in its own region, sub-projects included", () => {
    expect(refusal(EU_DE, "eu-de")).toBeUndefined();
    expect(refusal(TEAM, "eu-de")).toBeUndefined();
    expect(refusal(DEFAULT_PROJECT_ID, DEFAULT_REGION)).toBeUndefined();
  });

  it("refuses with 403 KMS.0321 a project of another region, and an unknown project at a region's endpoint", () => {
    expect(refusal(EU_DE, DEFAULT_REGION)).toBe("403 KMS.0321");
    expect(refusal(DEFAULT_PROJECT_ID, "eu-de")).toBe("403 KMS.0321");
    expect(refusal("f".repeat(32), "eu-de")).toBe("403 KMS.0321");
    expect(refusal(EU_DE, "eu-nl")).toBe("403 KMS.0321");
  });

  it("without a region prefix, serves the default region: any undefined project as before, not another region's project", () => {
    expect(refusal(DEFAULT_PROJECT_ID, undefined)).toBeUndefined();
    expect(refusal("f".repeat(32), undefined)).toBeUndefined();
    expect(refusal(EU_DE, undefined)).toBe("403 KMS.0321");
  });
});
