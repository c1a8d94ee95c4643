import { MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { KmsApiError } from "../kms/kms-api-error.js";
import { computeSignature, parseAuthorizationHeader } from "../transport/aksk-signer.js";
import { resetOriginGates } from "../transport/concurrency.js";
import { IamClient, type IamClientConfig } from "./iam-client.js";
import { resolveIamEndpoint } from "./iam-endpoint.js";

const AK = "HPUAEXAMPLEACCESSKEY";
const SK = "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr";
const T0 = Date.parse("2026-03-01T00:00:00Z");
const PATH = "/v3/auth/projects";

let counter = 0;
const agents: MockAgent[] = [];

afterEach(async () => {
  resetOriginGates();
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** A client wired to a MockAgent, with a fake clock that sleeping advances and a captured log. */
function setup(overrides: Partial<IamClientConfig> = {}) {
  const origin = `https://iam-${++counter}.example.com`;
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(origin);
  let clock = T0;
  const logs: string[] = [];
  const client = new IamClient(
    { iamEndpoint: origin, credentials: { kind: "aksk", accessKey: AK, secretKey: SK }, maxRetries: 2, requestTimeoutMs: 30_000, deadlineMs: 120_000, maxConcurrency: 10, ...overrides },
    {
      dispatcher: agent,
      logger: { debug: (m) => logs.push(m) },
      random: () => 0.5,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
      now: () => new Date(clock),
    },
  );
  const reply = (status: number, body: unknown) =>
    pool.intercept({ path: PATH, method: "GET" }).reply(status, typeof body === "string" ? body : JSON.stringify(body), { headers: { "content-type": "application/json" } });
  const calls = () => agent.getCallHistory()?.calls() ?? [];
  return { client, origin, reply, calls, logs };
}

async function failure(promise: Promise<unknown>): Promise<KmsApiError> {
  try {
    await promise;
  } catch (e) {
    if (KmsApiError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("IamClient.listProjects", () => {
  it("reads the projects, defensively: string flags, null texts, unknown fields, a missing enabled flag", async () => {
    const t = setup();
    t.reply(200, {
      links: { self: "x" },
      projects: [
        { id: "p1", name: "cn-north-4", domain_id: "d1", enabled: true, is_domain: false, parent_id: "d1", description: "", extra: 1 },
        { id: "p2", name: "cn-north-4_payments", enabled: "false", is_domain: "false", parent_id: "p1", description: null },
        { id: "p3", name: "eu-de" },
      ],
    });
    await expect(t.client.listProjects()).resolves.toEqual([
      { id: "p1", name: "cn-north-4", enabled: true, isDomain: false, domainId: "d1", parentId: "d1" },
      { id: "p2", name: "cn-north-4_payments", enabled: false, isDomain: false, parentId: "p1" },
      { id: "p3", name: "eu-de", enabled: true, isDomain: false },
    ]);
    const [call] = t.calls();
    expect(call?.method).toBe("GET");
    expect(call?.path).toBe(PATH);
    const headers = Object.fromEntries(Object.entries(call?.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(headers).not.toHaveProperty("X-Project-Id");
    const parsed = parseAuthorizationHeader(headers.Authorization ?? "");
    const signed = Object.fromEntries(Object.entries(headers).filter(([k]) => parsed?.signedHeaders.includes(k.toLowerCase())));
    expect(computeSignature({ method: "GET", path: PATH, headers: signed, body: "" }, SK)).toBe(parsed?.signature);
  });

  it("retries a temporary failure and logs each attempt under the IAM operation", async () => {
    const t = setup();
    t.reply(503, { error_code: "APIG.0202", error_msg: "busy" });
    t.reply(200, { projects: [] });
    await expect(t.client.listProjects()).resolves.toEqual([]);
    expect(t.calls()).toHaveLength(2);
    expect(t.logs[0]).toMatch(/^iam list-auth-projects status=503 APIG.0202 attempt=1\/3 .*retrying/);
  });

  it("refuses an answer without a projects list rather than reading it as no projects", async () => {
    const t = setup();
    t.reply(200, { project: [] });
    const e = await failure(t.client.listProjects());
    expect(e.code).toBe("INVALID_RESPONSE");
    expect(e.message).toContain("IAM answered with a body that is not a list of projects");
  });

  it("gives advice about IAM, not KMS, and never shows a secret the service echoes", async () => {
    const t = setup();
    t.reply(403, { error: { code: 403, message: `user ${AK} may not list projects`, title: "Forbidden" } });
    const e = await failure(t.client.listProjects());
    expect(e.status).toBe(403);
    expect(e.operation).toBe("list-auth-projects");
    expect(e.message).toContain("may not list the account's projects in IAM");
    expect(e.message).not.toContain(AK);
    const denied = setup();
    denied.reply(401, { error_code: "APIG.0301", error_msg: "Incorrect IAM authentication information" });
    expect((await failure(denied.client.listProjects())).message).toContain("Check your credentials");
  });
});

describe("resolveIamEndpoint", () => {
  it("takes the flag, then HW_IAM_ENDPOINT, then the IAM of the configured region's cloud", () => {
    const env = { HW_IAM_ENDPOINT: "http://127.0.0.1:4566/" };
    expect(resolveIamEndpoint({ flag: "https://iam.example.com", env, region: "eu-de" })).toEqual({ endpoint: "https://iam.example.com", source: "--iam-endpoint" });
    expect(resolveIamEndpoint({ env, region: "eu-de" })).toEqual({ endpoint: "http://127.0.0.1:4566", source: "env HW_IAM_ENDPOINT" });
    expect(resolveIamEndpoint({ env: {}, region: "eu-de" }).endpoint).toBe("https://iam.eu-de.otc.t-systems.com");
    expect(resolveIamEndpoint({ env: {}, region: "eu-west-101" }).endpoint).toBe("https://iam.myhuaweicloud.eu");
    expect(resolveIamEndpoint({ env: {} }).endpoint).toBe("https://iam.myhuaweicloud.com");
  });

  it("refuses plain http:// off loopback, naming IAM", () => {
    expect(() => resolveIamEndpoint({ flag: "http://iam.example.com", env: {} })).toThrow(/^IAM endpoint "http:\/\/iam.example.com\/" \(from --iam-endpoint\) uses plain http:\/\//);
  });
});
