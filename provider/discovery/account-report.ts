// The report of a scan over every project of an account: each key with its project and region,
// each project with its counts and calls (or the error that ended its scan, or why it was not
// scanned), the counts over all of them, and one exit code. A project that failed is never left
// out: it is listed with its error and the exit code says nothing was concluded for it. Pure: the
// command prints what these functions return.
import type { AccountPlan, ProjectTarget } from "./account-plan.js";
import {
  alignColumns,
  cell,
  count,
  KEY_COLUMNS,
  keyCells,
  keysLine,
  kmsCallsText,
  ownersLine,
  plural,
  policyLine,
  summarize,
  type DiscoveryReport,
  type KeyReport,
  type ReportSummary,
} from "./discovery-report.js";
import { describePolicy, type RotationPolicy } from "./verdict.js";

/** Identifies the JSON document's shape, for scripts that read it. */
export const ACCOUNT_REPORT_FORMAT = "huaweicloud-kms-discover-account/1";

/** How one project's scan ended: its report, or the error (already one safe line) that ended it. */
export type ProjectResult = { target: ProjectTarget; report: DiscoveryReport } | { target: ProjectTarget; error: string; code: string | null };

/** One project in the report. Absent values are `null`, so every project has the same fields. */
export interface ProjectEntry {
  projectId: string;
  name: string;
  region: string | null;
  endpoint: string | null;
  status: "scanned" | "failed" | "skipped";
  /** Why the scan failed, or why the project was not scanned. */
  error: string | null;
  /** The code of the failure (`KMS.0321`, `HTTP_403`, `NETWORK_ERROR`, `UNKNOWN_REGION`...). */
  errorCode: string | null;
  /** Whether no rotatable key of the project breaks the policy; null unless scanned. */
  passed: boolean | null;
  summary: ReportSummary | null;
  calls: DiscoveryReport["calls"] | null;
}

/** One key with the project and region it lives in. */
export type AccountKeyReport = { projectId: string; projectName: string; region: string } & KeyReport;

export interface AccountSummary extends ReportSummary {
  projects: { listed: number; scanned: number; failed: number; skipped: number };
}

/** Everything a scan of the account found, as the `--json` document prints it. */
export interface AccountReport {
  format: typeof ACCOUNT_REPORT_FORMAT;
  generatedAt: string;
  iamEndpoint: string;
  filters: DiscoveryReport["filters"];
  policy: DiscoveryReport["policy"];
  /** Every planned project was scanned. */
  complete: boolean;
  /** Complete, and no rotatable key of any project breaks the policy (the command then exits 0). */
  passed: boolean;
  projects: ProjectEntry[];
  /** Keys of every scanned project, projects by name, each project's keys in listing order. */
  keys: AccountKeyReport[];
  summary: AccountSummary;
  /** The calls made: the one IAM projects call, and the KMS calls over all projects. */
  calls: { iamProjectListings: number } & DiscoveryReport["calls"];
}

/** The code a project whose region is unknown fails with. */
export const UNKNOWN_REGION = "UNKNOWN_REGION";

export interface AccountContext {
  iamEndpoint: string;
  generatedAt: Date;
  policy: RotationPolicy;
  filters: DiscoveryReport["filters"];
}

/** The report of the scanned projects, the failed ones and the skipped ones. */
export function buildAccountReport(plan: Pick<AccountPlan, "skipped" | "listed">, results: readonly ProjectResult[], context: AccountContext): AccountReport {
  const projects: ProjectEntry[] = results.map((r) => {
    const base = { projectId: r.target.projectId, name: r.target.name, region: r.target.region, endpoint: r.target.endpoint ?? null };
    if ("report" in r) {
      return { ...base, status: "scanned", error: null, errorCode: null, passed: r.report.passed, summary: r.report.summary, calls: r.report.calls };
    }
    return { ...base, status: "failed", error: r.error, errorCode: r.code, passed: null, summary: null, calls: null };
  });
  for (const s of plan.skipped) {
    projects.push({ projectId: s.projectId, name: s.name, region: null, endpoint: null, status: "skipped", error: s.reason === "disabled" ? "disabled in IAM" : "not a region's project (no KMS)", errorCode: null, passed: null, summary: null, calls: null });
  }
  const keys: AccountKeyReport[] = results.flatMap((r) =>
    "report" in r ? r.report.keys.map((k) => ({ projectId: r.target.projectId, projectName: r.target.name, region: r.target.region, ...k })) : [],
  );
  const scanned = results.flatMap((r) => ("report" in r ? [r.report] : []));
  const failed = results.length - scanned.length;
  const summary = summarize(keys);
  const calls = {
    iamProjectListings: 1,
    listKeysPages: scanned.reduce((n, r) => n + r.calls.listKeysPages, 0),
    statusReads: scanned.reduce((n, r) => n + r.calls.statusReads, 0),
    ownerListings: scanned.reduce((n, r) => n + r.calls.ownerListings, 0),
  };
  return {
    format: ACCOUNT_REPORT_FORMAT,
    generatedAt: context.generatedAt.toISOString(),
    iamEndpoint: context.iamEndpoint,
    filters: context.filters,
    policy: { maxIntervalDays: context.policy.maxIntervalDays, description: describePolicy(context.policy) },
    complete: failed === 0,
    passed: failed === 0 && summary.breakingPolicy === 0,
    projects,
    keys,
    summary: { ...summary, projects: { listed: plan.listed, scanned: scanned.length, failed, skipped: plan.skipped.length } },
    calls,
  };
}

/** 3 when a project failed (nothing concluded for it), else 1 when a rotatable key breaks the policy, else 0. */
export function exitCodeOfAccount(report: Pick<AccountReport, "complete" | "passed">): 0 | 1 | 3 {
  if (!report.complete) return 3;
  return report.passed ? 0 : 1;
}

/** The table of keys with their project and region first. */
export function renderAccountTable(report: Pick<AccountReport, "keys">): string {
  return alignColumns(
    ["PROJECT", "REGION", ...KEY_COLUMNS],
    report.keys.map((k) => [cell(k.projectName), cell(k.region), ...keyCells(k)]),
  );
}

function outcomeCell(p: ProjectEntry): string {
  if (p.status === "failed") return `FAILED: ${p.error ?? "?"}`;
  if (p.status === "skipped") return `not scanned: ${p.error ?? "?"}`;
  if (p.summary === null || p.calls === null) return "?";
  const verdict = p.summary.breakingPolicy === 0 ? "" : `, ${count(p.summary.breakingPolicy)} breaking the policy`;
  const c = p.calls;
  return `${keysLine(p.summary)}${verdict} (${plural(c.listKeysPages, "page")}, ${plural(c.statusReads, "status read")}, ${plural(c.ownerListings, "owners' listing")})`;
}

/** The projects, then the totals over all of them: keys per verdict, owners, the policy, the calls. */
export function renderAccountSummary(report: AccountReport): string {
  const s = report.summary;
  const p = s.projects;
  const projectsLine =
    `projects: ${count(p.scanned)} of ${count(p.scanned + p.failed)} scanned` +
    (p.failed === 0 ? "" : `, ${count(p.failed)} failed`) +
    (p.skipped === 0 ? "" : `, ${count(p.skipped)} not scanned`) +
    ` (IAM lists ${count(p.listed)})`;
  const table = alignColumns(
    ["PROJECT", "REGION", "PROJECT ID", "OUTCOME"],
    report.projects.map((e) => [cell(e.name), e.region === null ? "-" : cell(e.region), cell(e.projectId), outcomeCell(e)]),
  );
  const calls = `calls: IAM ${plural(report.calls.iamProjectListings, "projects listing")}; KMS ${kmsCallsText(report.calls)}`;
  const incomplete =
    p.failed === 0 ? "" : `incomplete: ${plural(p.failed, "project")} failed and nothing is concluded for ${p.failed === 1 ? "it" : "them"}: see FAILED above\n`;
  return `${projectsLine}\n${table}total: ${keysLine(s)}\n${ownersLine(s)}\n${policyLine(s, report.policy.description)}\n${calls}\n${incomplete}`;
}

/** The `--json` document. */
export function renderAccountJson(report: AccountReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
