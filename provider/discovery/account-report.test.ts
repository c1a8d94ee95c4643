import { describe, expect, it } from "vitest";
import type { KeyInfo } from "../kms/kms-client.js";
import { buildAccountReport, exitCodeOfAccount, renderAccountJson, renderAccountSummary, renderAccountTable, UNKNOWN_REGION, ACCOUNT_REPORT_FORMAT, type ProjectResult } from "./account-report.js";
import type { ProjectTarget } from "./account-plan.js";
import { buildReport } from "./discovery-report.js";
import type { InventoryEntry } from "./key-inventory.js";
import { rotatability } from "./rotatability.js";

const id = (n: number): string => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;
const POLICY = { maxIntervalDays: 180 };
const AT = new Date("2026-03-01T12:00:00Z");

function entry(n: number, alias: string, intervalDays: number | undefined, more: Partial<KeyInfo> = {}): InventoryEntry {
  const key: KeyInfo = { keyId: id(n), keyAlias: alias, keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256", rotationEnabled: intervalDays !== undefined, ...more };
  return { key, rotatability: rotatability(key), ...(intervalDays === undefined ? {} : { status: { enabled: true, intervalDays, numberOfRotations: 0 } }) };
}

const target = (name: string, region: string, projectId: string): ProjectTarget => ({ projectId, name, region, endpoint: `http://127.0.0.1:4566/${region}` });

function scanned(t: ProjectTarget, entries: InventoryEntry[]): ProjectResult {
  const reading = entries.filter((e) => e.status !== undefined).length;
  const report = buildReport({ entries, calls: { pages: 1, statusReads: reading, ownerListings: 1 } }, POLICY, { projectId: t.projectId, endpoint: t.endpoint ?? "", region: t.region, generatedAt: AT });
  return { target: t, report };
}

const results: ProjectResult[] = [
  scanned(target("ap-southeast-1", "ap-southeast-1", "p-ap"), [entry(1, "orders", 90)]),
  scanned(target("cn-north-4", "cn-north-4", "p-cn"), [entry(2, "orders", 365), entry(3, "signing", undefined, { keySpec: "RSA_2048" })]),
  scanned(target("cn-north-4_payments", "cn-north-4", "p-pay"), [entry(4, "payments", undefined)]),
  { target: target("eu-de_team", "eu-de", "p-team"), error: 'KMS list-keys failed: HTTP 403 KMS.0321 "The project in the URI does not match the credentials".', code: "KMS.0321" },
  { target: { projectId: "p-mars", name: "mars-north-1", region: "mars-north-1", problem: "region \"mars-north-1\" of project mars-north-1 is not a region this command knows" }, error: "region \"mars-north-1\" of project mars-north-1 is not a region this command knows", code: UNKNOWN_REGION },
];
const plan = { listed: 7, skipped: [{ projectId: "p-off", name: "eu-nl", reason: "disabled" as const }] };
const report = buildAccountReport(plan, results, { iamEndpoint: "https://iam.myhuaweicloud.com", generatedAt: AT, policy: POLICY, filters: { keyState: null, keySpec: "ALL" } });

describe("buildAccountReport", () => {
  it("gives each key its project and region, projects in plan order", () => {
    expect(report.keys.map((k) => [k.projectName, k.region, k.alias, k.verdict])).toEqual([
      ["ap-southeast-1", "ap-southeast-1", "orders", "compliant"],
      ["cn-north-4", "cn-north-4", "orders", "interval too long"],
      ["cn-north-4", "cn-north-4", "signing", "cannot rotate (asymmetric)"],
      ["cn-north-4_payments", "cn-north-4", "payments", "not rotating"],
    ]);
    // Names stay those of each project's own report: two projects may both have an "orders".
    expect(report.keys.map((k) => k.name)).toEqual(["orders", "orders", "signing", "payments"]);
  });

  it("counts per project and in total, and lists every failed and skipped project with its error", () => {
    expect(report.projects.map((p) => [p.name, p.status, p.errorCode, p.summary?.keys ?? null, p.passed])).toEqual([
      ["ap-southeast-1", "scanned", null, 1, true],
      ["cn-north-4", "scanned", null, 2, false],
      ["cn-north-4_payments", "scanned", null, 1, false],
      ["eu-de_team", "failed", "KMS.0321", null, null],
      ["mars-north-1", "failed", UNKNOWN_REGION, null, null],
      ["eu-nl", "skipped", null, null, null],
    ]);
    expect(report.summary).toMatchObject({ keys: 4, rotatable: 3, breakingPolicy: 2, projects: { listed: 7, scanned: 3, failed: 2, skipped: 1 } });
    expect(report.calls).toEqual({ iamProjectListings: 1, listKeysPages: 3, statusReads: 2, ownerListings: 3 });
    expect(report).toMatchObject({ format: ACCOUNT_REPORT_FORMAT, complete: false, passed: false });
  });

  it("exits 3 when any project failed, else 1 when a key breaks the policy, else 0", () => {
    expect(exitCodeOfAccount(report)).toBe(3);
    const first = results.slice(0, 1);
    const clean = buildAccountReport({ listed: 1, skipped: [] }, first, { iamEndpoint: "x", generatedAt: AT, policy: POLICY, filters: { keyState: null, keySpec: "ALL" } });
    expect(exitCodeOfAccount(clean)).toBe(0);
    const broken = buildAccountReport({ listed: 2, skipped: [] }, results.slice(0, 2), { iamEndpoint: "x", generatedAt: AT, policy: POLICY, filters: { keyState: null, keySpec: "ALL" } });
    expect(exitCodeOfAccount(broken)).toBe(1);
  });
});

describe("rendering", () => {
  it("puts the project and region first in the key table", () => {
    const [header, first] = renderAccountTable(report).split("\n");
    expect(header).toMatch(/^PROJECT +REGION +KEY ID +ALIAS /);
    expect(first).toMatch(/^ap-southeast-1 +ap-southeast-1 +00000001-0000-4000-8000-000000000000 +orders /);
  });

  it("summarizes each project on a line, then the totals, the calls, and what is incomplete", () => {
    const text = renderAccountSummary(report);
    expect(text).toContain("projects: 3 of 5 scanned, 2 failed, 1 not scanned (IAM lists 7)\n");
    expect(text).toMatch(/\ncn-north-4 +cn-north-4 +p-cn +2 keys: 1 interval too long; cannot rotate: 1 asymmetric, 1 breaking the policy \(1 page, 1 status read, 1 owners' listing\)\n/);
    expect(text).toMatch(/\neu-de_team +eu-de +p-team +FAILED: KMS list-keys failed: HTTP 403 KMS.0321 /);
    expect(text).toMatch(/\neu-nl +- +p-off +not scanned: disabled in IAM\n/);
    expect(text).toContain("total: 4 keys: 1 compliant, 1 not rotating, 1 interval too long; cannot rotate: 1 asymmetric\n");
    expect(text).toContain("policy (rotation on, every 180 days or more often): 2 of 3 rotatable keys break it\n");
    expect(text).toContain("calls: IAM 1 projects listing; KMS 3 list-keys pages, 2 status reads, 3 owners' listings (list-kms-by-tags)\n");
    expect(text.endsWith("incomplete: 2 projects failed and nothing is concluded for them: see FAILED above\n")).toBe(true);
  });

  it("prints the same data as one JSON document", () => {
    const json = JSON.parse(renderAccountJson(report)) as typeof report;
    expect(json.keys[0]).toMatchObject({ projectId: "p-ap", projectName: "ap-southeast-1", region: "ap-southeast-1", keyId: id(1), verdict: "compliant" });
    expect(json.projects.map((p) => p.status)).toEqual(["scanned", "scanned", "scanned", "failed", "failed", "skipped"]);
    expect(json.summary.projects).toEqual(report.summary.projects);
  });
});
