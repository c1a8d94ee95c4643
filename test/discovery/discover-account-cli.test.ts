// `huaweicloud-kms discover --all-projects` as a user runs it: the built command in its own Node
// process against one emulator serving an account of three regions (cn-north-4 with a
// sub-project, eu-de with a sub-project, ap-southeast-1), one project whose KMS calls are refused
// (403 KMS.0321). Asserts the one report (each key's project and region, each project's counts,
// the refused project with its error), exit code 3, the files per project, progress per project,
// the exact calls (one IAM call; per project one list-keys page, its status reads, one owners'
// listing), --project and --json, a cut region, and that the credentials appear nowhere.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accountEndpoints, accountSeed, type AccountProject } from "../../emulator/account.js";
import { emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator } from "../../emulator/index.js";
import type { AccountReport } from "../../provider/discovery/account-report.js";

const root = resolve(__dirname, "../..");
const command = join(root, "dist/provider/adapters/cli/main.js");
const run = promisify(execFile);

/** Distinctive credentials, searched for in every output. */
const ACCESS_KEY = "AKACCOUNTCANARY0077";
const SECRET_KEY = "sk-account-canary-51d0aa3e";

// Keys rotating at 90 days (compliant under 180), at 365 (too long), or not at all.
const account = accountSeed([
  { name: "cn-north-4", keys: 3, key: (i) => (i === 2 ? { rotationEnabled: false } : { rotationEnabled: true, rotationInterval: i === 0 ? 90 : 365 }) },
  { name: "cn-north-4_payments", keys: 1, key: () => ({ rotationEnabled: true, rotationInterval: 90 }) },
  { name: "eu-de", keys: 2, key: (i) => ({ rotationEnabled: true, rotationInterval: 90, ...(i === 1 ? { keySpec: "RSA_2048" } : {}) }) },
  { name: "eu-de_team", keys: 1, key: () => ({ rotationEnabled: true, rotationInterval: 90 }) },
  { name: "ap-southeast-1", keys: 2, key: () => ({ rotationEnabled: true, rotationInterval: 90 }) },
]);
const [cn, payments, euDe, team, ap] = account.projects as [AccountProject, AccountProject, AccountProject, AccountProject, AccountProject];
const SCANNED = [ap, cn, payments, euDe];

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let dir: string;
const outputs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `huaweicloud-kms discover --all-projects <args>` with the account's endpoints in the environment. */
async function discover(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const endpoints = accountEndpoints(emulator.url);
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HW_KMS_ENDPOINT: endpoints.kmsEndpoint,
    HW_IAM_ENDPOINT: endpoints.iamEndpoint,
    HW_ACCESS_KEY: ACCESS_KEY,
    HW_SECRET_KEY: SECRET_KEY,
    // Set as it often is in a shell; a scan of the account ignores it.
    HW_PROJECT_ID: cn.id,
  };
  const result = await run(process.execPath, [command, "discover", "--all-projects", ...args], { cwd: dir, env: { ...base, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: unknown) => {
      const failed = e as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof failed.code !== "number") throw e;
      return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    },
  );
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The calls per project's region and operation, e.g. `eu-de list-keys 403`. */
async function calls(): Promise<string[]> {
  return (await admin.requests()).map((e) => [e.projectId === undefined ? "iam" : (account.projects.find((p) => p.id === e.projectId)?.name ?? e.projectId), e.operation, String(e.status)].join(" ")).sort();
}

/** What one scanned project costs: one page, a status read per rotating key, one owners' listing. */
function projectCalls(p: AccountProject, rotating = p.keyIds.length - (p === cn ? 1 : 0)): string[] {
  return [`${p.name} list-keys 200`, `${p.name} list-kms-by-tags 200`, ...Array.from({ length: rotating }, () => `${p.name} get-key-rotation-status 200`)];
}

beforeAll(async () => {
  if (!existsSync(command)) throw new Error("build the package first: npm run build");
  emulator = await startEmulator({ port: 0, credentials: [{ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }], seed: account.seed });
  admin = emulatorAdmin(emulator.url);
  dir = mkdtempSync(join(tmpdir(), "kms-discover-account-"));
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await admin.clearFaults();
  await admin.clearRequests();
  await admin.refuseProject(team.id, "project-mismatch");
});

describe("huaweicloud-kms discover --all-projects against an account in three regions", () => {
  it("prints one report over every project, names the refused one with its error, exits 3, and writes a file per scanned project", async () => {
    const r = await discover(["--max-interval", "180", "--import-file", "keys.json", "--policy-file", "policy.yaml"]);
    expect(r.code).toBe(3);
    const rows = r.stdout.split("\n").filter((l) => /^\S+ +\S+ +[0-9a-f]{8}-/.test(l));
    expect(rows.map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual([
      ...ap.keyIds.map((k) => ["ap-southeast-1", "ap-southeast-1", k]),
      ...cn.keyIds.map((k) => ["cn-north-4", "cn-north-4", k]),
      ...payments.keyIds.map((k) => ["cn-north-4_payments", "cn-north-4", k]),
      ...euDe.keyIds.map((k) => ["eu-de", "eu-de", k]),
    ]);
    expect(r.stdout).toContain("projects: 4 of 5 scanned, 1 failed (IAM lists 5)\n");
    expect(r.stdout).toMatch(new RegExp(`\\neu-de_team +eu-de +${team.id} +FAILED: KMS list-keys failed: HTTP 403 KMS\\.0321 `));
    expect(r.stdout).toMatch(/\ncn-north-4 +cn-north-4 +\S+ +3 keys: 1 compliant, 1 not rotating, 1 interval too long, 2 breaking the policy \(1 page, 2 status reads, 1 owners' listing\)\n/);
    expect(r.stdout).toContain("total: 8 keys: 5 compliant, 1 not rotating, 1 interval too long; cannot rotate: 1 asymmetric\n");
    expect(r.stdout).toContain("calls: IAM 1 projects listing; KMS 4 list-keys pages, 7 status reads, 4 owners' listings (list-kms-by-tags)\n");
    expect(r.stdout).toContain("incomplete: 1 project failed and nothing is concluded for it: see FAILED above\n");

    // Progress per project on stderr, and the refusal there too.
    for (const p of SCANNED) expect(r.stderr).toContain(`[${p.name}] listing the keys of project ${p.id} at ${emulator.url}/${p.region}\n`);
    expect(r.stderr).toMatch(/\[eu-de_team\] failed: KMS list-keys failed: HTTP 403 KMS\.0321/);

    // One IAM call; per scanned project exactly its minimum; the refused project's two calls refused once each.
    expect(await calls()).toEqual(
      ["iam iam-list-projects 200", ...SCANNED.flatMap((p) => projectCalls(p)), "eu-de_team list-keys 403", "eu-de_team list-kms-by-tags 403"].sort(),
    );

    // A file per scanned project, none for the refused one; each imports its own project's rotatable keys.
    expect(readdirSync(dir).sort()).toEqual(
      SCANNED.flatMap((p) => [`keys.${p.name}.json`, `policy.${p.name}.yaml`]).sort(),
    );
    const imported = (p: AccountProject): string[] =>
      (JSON.parse(readFileSync(join(dir, `keys.${p.name}.json`), "utf8")) as { resources: { id: string }[] }).resources.map((x) => x.id);
    expect(imported(cn)).toEqual(cn.keyIds);
    expect(imported(euDe)).toEqual([euDe.keyIds[0]]);
    expect(readFileSync(join(dir, "policy.cn-north-4.yaml"), "utf8")).toContain(cn.keyIds[1] ?? "?");
    expect(readFileSync(join(dir, "policy.cn-north-4.yaml"), "utf8")).not.toContain(ap.keyIds[0] ?? "?");
  });

  it("--project picks projects by name or id; --json gives the same data; a region cut off is that project's failure", async () => {
    await admin.cutRegion("ap-southeast-1");
    const r = await discover(["--json", "--quiet", "--max-interval", "180", "--project", "eu-de", "--project", ap.id], { HW_MAX_RETRIES: "0" });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as AccountReport;
    expect(report.projects.map((p) => [p.name, p.region, p.status, p.errorCode])).toEqual([
      ["ap-southeast-1", "ap-southeast-1", "failed", "NETWORK_ERROR"],
      ["eu-de", "eu-de", "scanned", null],
    ]);
    expect(report.projects[0]?.error).toContain(`(${emulator.url}/ap-southeast-1)`);
    expect(report.keys.map((k) => [k.projectName, k.region, k.keyId, k.verdict])).toEqual([
      ["eu-de", "eu-de", euDe.keyIds[0], "compliant"],
      ["eu-de", "eu-de", euDe.keyIds[1], "cannot rotate (asymmetric)"],
    ]);
    expect(report.calls).toEqual({ iamProjectListings: 1, listKeysPages: 1, statusReads: 2, ownerListings: 1 });
    expect((await calls()).filter((c) => !c.startsWith("ap-southeast-1"))).toEqual(["iam iam-list-projects 200", ...projectCalls(euDe)].sort());
  });

  it("refuses an endpoint that is no {region} template, and a --project the account lacks, with exit 2", async () => {
    const fixed = await discover([], { HW_KMS_ENDPOINT: emulator.url });
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toBe(
      `error: --all-projects derives each project's KMS endpoint from its region, but env HW_KMS_ENDPOINT sets one endpoint (${emulator.url}) for all of them: leave it out, or make it a template naming {region}, e.g. http://127.0.0.1:4566/{region} (see huaweicloud-kms discover --help)\n`,
    );
    expect(await calls()).toEqual([]);
    const missing = await discover(["--quiet", "--project", "eu-nl"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: --project "eu-nl": no project of that name or id among the 5 projects these credentials may use (cn-north-4, cn-north-4_payments, eu-de, eu-de_team, ap-southeast-1)\n`);
    expect(await calls()).toEqual(["iam iam-list-projects 200"]);
  });

  it("never prints the credentials", () => {
    for (const text of outputs) {
      expect(text).not.toContain(ACCESS_KEY);
      expect(text).not.toContain(SECRET_KEY);
    }
  });
});
