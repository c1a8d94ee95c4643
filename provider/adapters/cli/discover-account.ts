// `huaweicloud-kms discover --all-projects`: every project of the account in one run. One IAM call
// lists the projects the credentials may use; each enabled one is scanned in its region's KMS
// (a few projects at a time, each inventory exactly the one-project command's calls), with
// progress per project on stderr; one report covers them all, and one exit code. A project that
// fails (refused, unreachable, a region this command does not know) is reported with its error
// and makes the exit code 3: it is never left out. The import and policy files become one per
// project, since a stack manages one project's keys through one provider.
import { KmsConfigError, normalizeEndpoint, resolveKmsConfig, SETTING_SOURCES, type KmsClientConfig } from "../../config/kms-config.js";
import { endpointFromTemplate } from "../../config/regions.js";
import { isEndpointTemplate, planAccountScan, type AccountPlan, type ProjectTarget } from "../../discovery/account-plan.js";
import { buildAccountReport, exitCodeOfAccount, renderAccountJson, renderAccountSummary, renderAccountTable, UNKNOWN_REGION, type ProjectResult } from "../../discovery/account-report.js";
import { scanProjects } from "../../discovery/account-scan.js";
import { buildReport, coveredKeys, plural, type DiscoveryReport } from "../../discovery/discovery-report.js";
import { buildImportFile, renderImportFile } from "../../discovery/import-file.js";
import { takeInventory } from "../../discovery/key-inventory.js";
import { policyFileOf } from "../../discovery/policy-file.js";
import { projectFilePaths } from "../../discovery/project-files.js";
import type { StackKeys } from "../../discovery/stack-export.js";
import { PLUGIN_DOWNLOAD_URL, PLUGIN_VERSION } from "../../engine/plugin-package.js";
import { IamClient, type IamProject } from "../../iam/iam-client.js";
import { resolveIamEndpoint, type ResolvedIamEndpoint } from "../../iam/iam-endpoint.js";
import { KmsApiError } from "../../kms/kms-api-error.js";
import { KmsClient } from "../../kms/kms-client.js";
import { CliUsageError, SETTING_FLAGS, type DiscoverOptions } from "./discover-options.js";
import { credentialSource, ExitCode, leftOutText, redactorFor, writeWhole, type DiscoverIo } from "./discover-io.js";
import { progressLines } from "./discover-progress.js";

/** The settings of a scan of the account: everything of a KMS client but the project and its endpoint. */
export interface AccountSettings {
  base: Omit<KmsClientConfig, "projectId" | "endpoint">;
  /** The user's endpoint with `{region}`; absent: each region's own KMS endpoint. */
  endpointTemplate?: string;
  iam: ResolvedIamEndpoint;
}

/** A region any template can be tried with before a call, so a malformed one fails first. */
const SAMPLE_REGION = "cn-north-4";

/** The endpoint setting as given (flag, then environment), before any normalization. */
function givenEndpoint(options: DiscoverOptions, env: Record<string, string | undefined>): { value: string; source: string } | undefined {
  const flag = options.settings.endpoint?.trim();
  if (flag !== undefined && flag !== "") return { value: flag, source: SETTING_FLAGS.endpoint };
  for (const name of SETTING_SOURCES.endpoint.env) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return { value, source: `env ${name}` };
  }
  return undefined;
}

/**
 * The credentials and limits as the one-project command resolves them (same flags, same
 * environment, same messages); no project id is needed, and the endpoint must be a template.
 */
export function resolveAccountSettings(options: DiscoverOptions, env: Record<string, string | undefined>): AccountSettings {
  const given = givenEndpoint(options, env);
  if (given !== undefined && !isEndpointTemplate(given.value)) {
    throw new CliUsageError(
      `--all-projects derives each project's KMS endpoint from its region, but ${given.source} sets one endpoint (${given.value}) for all of them: leave it out, or make it a template naming {region}, e.g. http://127.0.0.1:4566/{region}`,
    );
  }
  // The template is checked (scheme, loopback rule) with a region in it, as each project will use it.
  const endpoint = given === undefined ? undefined : normalizeEndpoint(endpointFromTemplate(given.value, SAMPLE_REGION), given.source);
  const config = resolveKmsConfig({
    // Each project brings its own id and endpoint; these stand in for them while the rest resolves.
    explicit: { ...options.settings, projectId: "account", endpoint: endpoint ?? `https://kms.${SAMPLE_REGION}.myhuaweicloud.com` },
    env,
    flags: SETTING_FLAGS,
  });
  const sources = { ...(config.sources ?? {}) };
  delete sources.projectId;
  delete sources.endpoint;
  return {
    base: {
      credentials: config.credentials,
      maxRetries: config.maxRetries,
      requestTimeoutMs: config.requestTimeoutMs,
      deadlineMs: config.deadlineMs,
      maxConcurrency: config.maxConcurrency,
      sources,
      ...(config.region === undefined ? {} : { region: config.region }),
    },
    ...(given === undefined ? {} : { endpointTemplate: given.value }),
    iam: resolveIamEndpoint({ flag: options.iamEndpoint, env, region: config.region }),
  };
}

/** A failed project's error as one line, and its code. */
function failureOf(e: unknown, redact: (text: string) => string): { error: string; code: string | null } {
  if (KmsApiError.isInstance(e)) return { error: redact(e.message), code: e.code };
  if (KmsConfigError.isInstance(e)) return { error: redact(e.message), code: "INVALID_ENDPOINT" };
  return { error: redact(e instanceof Error ? e.message : String(e)), code: null };
}

/** Runs the scan of the account; resolves to the exit code. */
export async function runAccountDiscover(options: DiscoverOptions, settings: AccountSettings, states: readonly { file: string; keys: StackKeys }[], io: DiscoverIo): Promise<number> {
  const redact = redactorFor(io.env);
  const error = (message: string): void => {
    io.stderr(`error: ${redact(message)}\n`);
  };
  const progress = (line: string): void => {
    if (!options.quiet) io.stderr(`${redact(line)}\n`);
  };
  const now = io.now ?? (() => new Date());
  const { base } = settings;
  for (const { file, keys } of states) progress(`${file}: ${keys.stack === undefined ? "a stack with no resources" : `stack ${keys.stack}`} manages ${plural(keys.keyIds.size, "key")}`);

  progress(`listing the projects at ${settings.iam.endpoint} (IAM from ${settings.iam.source}; ${credentialSource({ ...base, projectId: "", endpoint: "" })})`);
  let projects: IamProject[];
  try {
    projects = await new IamClient({ ...base, iamEndpoint: settings.iam.endpoint }, io.clientOptions).listProjects();
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    // Refused credentials are a setting to fix, as in the one-project command.
    return KmsApiError.isInstance(e) && (e.status === 401 || e.status === 403) ? ExitCode.Usage : ExitCode.Failed;
  }

  const plan: AccountPlan = planAccountScan(projects, {
    ...(options.projects === undefined ? {} : { selectors: options.projects }),
    ...(settings.endpointTemplate === undefined ? {} : { endpointTemplate: settings.endpointTemplate }),
  });
  if (plan.unmatched.length > 0) {
    const names = projects.filter((p) => !p.isDomain).map((p) => p.name);
    error(`--project ${plan.unmatched.map((s) => JSON.stringify(s)).join(", ")}: no project of that name or id among the ${plural(names.length, "project")} these credentials may use (${names.join(", ")})`);
    return ExitCode.Usage;
  }
  const skippedText = plan.skipped.length === 0 ? "" : `; not scanning ${plan.skipped.map((s) => `${s.name} (${s.reason})`).join(", ")}`;
  progress(`IAM lists ${plural(plan.listed, "project")}: scanning ${plural(plan.targets.length, "project")}, ${String(Math.min(options.projectConcurrency, Math.max(1, plan.targets.length)))} at a time${skippedText}`);
  if (plan.targets.length === 0) {
    error("no enabled project to scan: nothing concluded");
    return ExitCode.Failed;
  }

  const filters = {
    ...(options.keyState === undefined ? {} : { keyState: options.keyState }),
    ...(options.keySpec === undefined ? {} : { keySpec: options.keySpec }),
  };
  const scanOne = async (target: ProjectTarget): Promise<DiscoveryReport> => {
    const say = (line: string): void => {
      progress(`[${target.name}] ${line}`);
    };
    if (target.endpoint === undefined) throw new Error(target.problem ?? "no KMS endpoint");
    const config: KmsClientConfig = { ...base, region: target.region, projectId: target.projectId, endpoint: normalizeEndpoint(target.endpoint, settings.endpointTemplate === undefined ? `region ${target.region}` : "the endpoint template") };
    say(`listing the keys of project ${target.projectId} at ${config.endpoint}`);
    const inventory = await takeInventory(new KmsClient(config, io.clientOptions), {
      request: { limit: options.pageSize, ...filters },
      onProgress: progressLines(say),
      concurrency: config.maxConcurrency,
    });
    const report = buildReport(inventory, options.policy, { projectId: target.projectId, endpoint: config.endpoint, region: target.region, generatedAt: now(), filters, states });
    say(`done: ${plural(report.keys.length, "key")}, ${report.summary.breakingPolicy === 0 ? "none breaking the policy" : `${String(report.summary.breakingPolicy)} breaking the policy`}`);
    return report;
  };
  const outcomes = await scanProjects(plan.targets, options.projectConcurrency, scanOne);
  const results: ProjectResult[] = outcomes.map((o) => {
    if ("value" in o) return { target: o.target, report: o.value };
    const failure = o.target.endpoint === undefined ? { error: o.target.problem ?? "no KMS endpoint", code: UNKNOWN_REGION } : failureOf(o.error, redact);
    progress(`[${o.target.name}] failed: ${failure.error}`);
    return { target: o.target, ...failure };
  });
  const report = buildAccountReport(plan, results, { iamEndpoint: settings.iam.endpoint, generatedAt: now(), policy: options.policy, filters: { keyState: options.keyState ?? null, keySpec: options.keySpec ?? "ALL" } });

  if (options.json) io.stdout(redact(renderAccountJson(report)));
  else io.stdout(redact(`${report.keys.length > 0 ? `${renderAccountTable(report)}\n` : ""}${renderAccountSummary(report)}`));

  // One file per scanned project: a failed project gets none, and says so above.
  const scanned = results.flatMap((r) => ("report" in r ? [{ projectId: r.target.projectId, name: r.target.name, report: r.report }] : []));
  const write = io.writeFile ?? writeWhole;
  const files: [flag: string, path: string | undefined, text: (r: DiscoveryReport) => string, what: string][] = [
    ["--import-file", options.importFile, (r) => renderImportFile(buildImportFile(r.keys, { version: PLUGIN_VERSION, pluginDownloadUrl: PLUGIN_DOWNLOAD_URL })), "for pulumi import --file"],
    ["--policy-file", options.policyFile, (r) => policyFileOf(r), "as a rotation policy"],
  ];
  for (const [flag, path, text, what] of files) {
    if (path === undefined) continue;
    const paths = projectFilePaths(path, scanned);
    for (const { projectId, name, report: r } of scanned) {
      const file = paths.get(projectId) ?? path;
      try {
        write(file, text(r));
      } catch (e) {
        error(`cannot write ${flag} ${JSON.stringify(file)} (project ${name}): ${e instanceof Error ? e.message : String(e)}`);
        return ExitCode.Failed;
      }
      progress(`wrote ${plural(coveredKeys(r.keys).length, "rotatable key")} of ${name} to ${file} ${what}${leftOutText(r)}`);
    }
  }
  return exitCodeOfAccount(report);
}
