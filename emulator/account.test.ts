// An account of several projects in several regions, through real HTTP with real signatures:
// KMS per region by path prefix, IAM's project listings, refusals, and what the request log shows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveKmsConfig } from "../provider/config/kms-config.js";
import { KmsClient } from "../provider/kms/kms-client.js";
import { accountEndpoints, accountSeed, type AccountProject } from "./account.js";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  emulatorAdmin,
  startEmulator,
  type EmulatorAdmin,
  type RunningEmulator,
} from "./index.js";
import { callIam, callKms, errorOf, send, type RawResponse } from "./kms-test-client.js";

const UNKNOWN_PROJECT = "f".repeat(32);

const built = accountSeed([
  { name: "cn-north-4", keys: 2 },
  { name: "eu-de", keys: 2, key: (i) => ({ rotationEnabled: i === 0 }) },
  { name: "eu-de_team", keys: 1 },
  { name: "ap-southeast-1", keys: 1 },
]);
const [main, euDe, team, apSe] = built.projects as [AccountProject, AccountProject, AccountProject, AccountProject];

let emu: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await startEmulator({ seed: built.seed });
  admin = emulatorAdmin(emu.url);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await admin.clearFaults();
  await admin.clearRequests();
});

const listKeys = (project: AccountProject, region?: string): Promise<RawResponse> =>
  callKms(emu.url, "list-keys", {}, { projectId: project.id, ...(region === undefined ? {} : { region }) });
const keysOf = (res: RawResponse): unknown => (res.json as { keys?: unknown }).keys;
const refusal = (res: RawResponse): string => `${res.status} ${errorOf(res)?.error_code ?? "-"}`;

describe("the account seed", () => {
  it("gives the first project the default project's id, the others ids derived from their names, and keys in each", () => {
    expect(main.id).toBe(DEFAULT_PROJECT_ID);
    expect(euDe.id).toMatch(/^[0-9a-f]{32}$/);
    expect(accountSeed([{ name: "cn-north-4" }, { name: "eu-de" }]).projects[1]?.id).toBe(euDe.id);
    expect([main, euDe, team, apSe].map((p) => [p.name, p.region, p.keyIds.length])).toEqual([
      ["cn-north-4", "cn-north-4", 2],
      ["eu-de", "eu-de", 2],
      ["eu-de_team", "eu-de", 1],
      ["ap-southeast-1", "ap-southeast-1", 1],
    ]);
    expect(accountEndpoints(`${emu.url}/`)).toEqual({ kmsEndpoint: `${emu.url}/{region}`, iamEndpoint: `${emu.url}/iam` });
  });
});

describe("KMS per region", () => {
  it("serves each project at its region's endpoint, sub-projects included, signed over the prefixed path", async () => {
    expect(keysOf(await listKeys(euDe, "eu-de"))).toEqual(euDe.keyIds);
    expect(keysOf(await listKeys(team, "eu-de"))).toEqual(team.keyIds);
    expect(keysOf(await listKeys(apSe, "ap-southeast-1"))).toEqual(apSe.keyIds);
    expect(keysOf(await listKeys(main, "cn-north-4"))).toEqual(main.keyIds);
    // The un-prefixed paths are the default project's region, as they always were.
    expect(keysOf(await listKeys(main))).toEqual(main.keyIds);
  });

  it("works for the project's own client given the endpoint with the region as a path prefix", async () => {
    const config = resolveKmsConfig({
      explicit: { endpoint: `${emu.url}/eu-de`, projectId: euDe.id, accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY },
      env: {},
    });
    const kms = new KmsClient(config);
    expect((await kms.listKeys()).keys.map((k) => k.keyId)).toEqual(euDe.keyIds);
    expect(await kms.getKeyRotationStatus(euDe.keyIds[0] ?? "")).toMatchObject({ enabled: true });
  });

  it("refuses with 403 KMS.0321 a project at another region's endpoint, and an unknown one at a region's endpoint", async () => {
    expect(refusal(await listKeys(euDe, "cn-north-4"))).toBe("403 KMS.0321");
    expect(refusal(await listKeys(euDe))).toBe("403 KMS.0321");
    expect(refusal(await listKeys(main, "eu-de"))).toBe("403 KMS.0321");
    expect(refusal(await callKms(emu.url, "list-keys", {}, { projectId: UNKNOWN_PROJECT, region: "eu-de" }))).toBe("403 KMS.0321");
    // Un-prefixed, a project the account does not define is served as before: it just has no keys.
    expect(keysOf(await callKms(emu.url, "list-keys", {}, { projectId: UNKNOWN_PROJECT }))).toEqual([]);
  });

  it("logs the region of every KMS call, so calls can be counted per project and region", async () => {
    await listKeys(euDe, "eu-de");
    await listKeys(team, "eu-de");
    await listKeys(main);
    await listKeys(euDe, "cn-north-4");
    expect((await admin.requests()).map((r) => [r.operation, r.projectId, r.region, r.status])).toEqual([
      ["list-keys", euDe.id, "eu-de", 200],
      ["list-keys", team.id, "eu-de", 200],
      ["list-keys", main.id, "cn-north-4", 200],
      ["list-keys", euDe.id, "cn-north-4", 403],
    ]);
  });
});

describe("IAM", () => {
  const names = (res: RawResponse): string[] => ((res.json as { projects?: { name: string }[] }).projects ?? []).map((p) => p.name);
  const ALL = ["cn-north-4", "eu-de", "eu-de_team", "ap-southeast-1"];

  it("lists the account's projects at GET /iam/v3/auth/projects to a signed request, or to a token, without X-Project-Id", async () => {
    const signed = await callIam(emu.url, "/iam/v3/auth/projects");
    expect(signed.status).toBe(200);
    expect(names(signed)).toEqual(ALL);
    expect((signed.json as { projects: unknown[] }).projects[2]).toEqual({
      id: team.id,
      name: "eu-de_team",
      domain_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      enabled: true,
      is_domain: false,
      parent_id: euDe.id,
      description: "",
      links: { self: `${emu.url}/iam/v3/projects/${team.id}` },
    });
    expect(names(await callIam(emu.url, "/iam/v3/auth/projects", { auth: "token" }))).toEqual(ALL);
    expect(names(await callIam(emu.url, "/v3/auth/projects"))).toEqual(ALL);
  });

  it("finds a project by name at GET /iam/v3/projects?name=, the query signed too", async () => {
    const res = await callIam(emu.url, "/iam/v3/projects?name=eu-de");
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(["eu-de"]);
  });

  it("refuses bad credentials with the gateway's 401 APIG.0301, token or signature alike", async () => {
    expect(refusal(await callIam(emu.url, "/iam/v3/auth/projects", { secretKey: "wrong" }))).toBe("401 APIG.0301");
    expect(refusal(await callIam(emu.url, "/iam/v3/auth/projects", { auth: "token", token: "nope" }))).toBe("401 APIG.0301");
    expect(refusal(await callIam(emu.url, "/iam/v3/auth/projects", { auth: "none" }))).toBe("401 APIG.0301");
    expect(refusal(await callIam(emu.url, "/iam/v3/auth/tokens"))).toBe("404 APIG.0101");
  });

  it("logs its calls by operation name, without project or region", async () => {
    await callIam(emu.url, "/iam/v3/auth/projects");
    await callIam(emu.url, "/iam/v3/projects?name=eu-de");
    expect(await admin.requests()).toEqual([
      { operation: "iam-list-projects", body: "", status: 200, at: expect.any(String) as unknown },
      { operation: "iam-query-projects", body: "", status: 200, at: expect.any(String) as unknown },
    ]);
  });

  it("takes latency rules that name no project or region, like every call", async () => {
    await admin.addFault({ kind: "latency", ms: 1 });
    await admin.addFault({ kind: "latency", ms: 1, region: "eu-de" });
    await callIam(emu.url, "/iam/v3/auth/projects");
    expect((await admin.faults()).map((f) => f.hits)).toEqual([1, 0]);
  });
});

describe("refusals tests inject", () => {
  it("refuse one project's KMS calls with 401 APIG.0301, 403 KMS.0306 or 403 KMS.0321, and nothing else", async () => {
    const seen: string[] = [];
    for (const kind of ["unauthorized", "forbidden", "project-mismatch"] as const) {
      await admin.clearFaults();
      await admin.refuseProject(euDe.id, kind);
      seen.push(refusal(await listKeys(euDe, "eu-de")));
      expect(refusal(await listKeys(team, "eu-de"))).toBe("200 -");
    }
    expect(seen).toEqual(["401 APIG.0301", "403 KMS.0306", "403 KMS.0321"]);
    expect((await callIam(emu.url, "/iam/v3/auth/projects")).status).toBe(200);
  });

  it("cut a region: every connection to its endpoint closes without an answer; other regions and IAM answer", async () => {
    await admin.cutRegion("eu-de");
    await expect(listKeys(euDe, "eu-de")).rejects.toThrow();
    await expect(listKeys(team, "eu-de")).rejects.toThrow();
    expect(refusal(await listKeys(apSe, "ap-southeast-1"))).toBe("200 -");
    expect((await callIam(emu.url, "/iam/v3/auth/projects")).status).toBe(200);
    expect((await admin.requests()).filter((r) => r.region === "eu-de").map((r) => r.status)).toEqual([0, 0]);
  });

  it("cut the default region, un-prefixed paths included", async () => {
    await admin.cutRegion("cn-north-4");
    await expect(listKeys(main)).rejects.toThrow();
    expect(refusal(await listKeys(euDe, "eu-de"))).toBe("200 -");
  });
});

describe("projects in the admin API", () => {
  let bare: RunningEmulator;
  beforeAll(async () => {
    bare = await startEmulator();
  });
  afterAll(async () => {
    await bare.close();
  });
  const put = (id: string, body: unknown): Promise<RawResponse> =>
    send(bare.url, "PUT", `/__admin/projects/${id}`, { "Content-Type": "application/json" }, JSON.stringify(body));

  it("are created (201), changed (200), listed, deleted; bad names, taken names and the default project are refused", async () => {
    const bareAdmin = emulatorAdmin(bare.url);
    expect(await put(euDe.id, { name: "eu-de" })).toMatchObject({ status: 201, json: { id: euDe.id, name: "eu-de", region: "eu-de", enabled: true, description: "" } });
    expect(await put(euDe.id, { enabled: false })).toMatchObject({ status: 200, json: { name: "eu-de", enabled: false } });
    expect((await put(team.id, { name: "eu de" })).status).toBe(400);
    expect((await put(team.id, {})).status).toBe(400);
    expect(errorOf(await put(team.id, { name: "eu-de" }))?.error_msg).toBe(`the name eu-de belongs to project ${euDe.id}`);
    expect((await put(team.id, { name: "eu-de_team", region: "eu-nl" })).status).toBe(400);
    expect((await bareAdmin.listProjects()).map((p) => p.name)).toEqual(["cn-north-4", "eu-de"]);
    expect(await bareAdmin.getProject(euDe.id)).toMatchObject({ enabled: false });

    expect(await bareAdmin.deleteProject(euDe.id)).toBe(true);
    expect(await bareAdmin.deleteProject(euDe.id)).toBe(false);
    await expect(bareAdmin.deleteProject(DEFAULT_PROJECT_ID)).rejects.toThrow(/default project/);
    await bareAdmin.putProject(DEFAULT_PROJECT_ID, { name: "eu-nl" });
    await bareAdmin.putProject(apSe.id, { name: "ap-southeast-1" });
    await bareAdmin.reset();
    expect(await bareAdmin.listProjects()).toEqual([{ id: DEFAULT_PROJECT_ID, name: "cn-north-4", region: "cn-north-4", enabled: true, description: "" }]);
  });

  it("come from a seed; a seed that gives another project the default project's name does not start", async () => {
    await expect(startEmulator({ seed: { projects: [{ id: euDe.id, name: "cn-north-4" }], keys: [] } })).rejects.toThrow(
      /the name cn-north-4 belongs to project .*the default project/,
    );
  });
});
