// `huaweicloud-kms discover`: the thin I/O edge around the inventory and the report. It resolves
// the settings as the provider does (flags, then the HW_* environment), reads the stack exports
// given with --exclude-state (before any KMS call, so a wrong file costs none), takes the inventory with
// progress on stderr, prints the table or the JSON on stdout, writes the files asked for, and
// answers with the exit code. Every line it prints about a failure passes through a redactor of
// the credentials in the environment, so no secret reaches a terminal or a CI log. With
// --all-projects, once the command line and the state files are read, discover-account.ts takes over.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { KmsConfigError, resolveKmsConfig, type KmsClientConfig } from "../../config/kms-config.js";
import { buildReport, coveredKeys, exitCodeOf, plural, renderJson, renderSummary, renderTable, type DiscoveryReport } from "../../discovery/discovery-report.js";
import { buildImportFile, renderImportFile } from "../../discovery/import-file.js";
import { takeInventory } from "../../discovery/key-inventory.js";
import { policyFileOf } from "../../discovery/policy-file.js";
import { keysOfStackExport, StackExportError, type StackKeys } from "../../discovery/stack-export.js";
import { PLUGIN_DOWNLOAD_URL, PLUGIN_VERSION } from "../../engine/plugin-package.js";
import { KmsApiError } from "../../kms/kms-api-error.js";
import { KmsClient } from "../../kms/kms-client.js";
import { CliUsageError, DISCOVER_USAGE, parseDiscoverArgs, SETTING_FLAGS, type DiscoverOptions } from "./discover-options.js";
import { resolveAccountSettings, runAccountDiscover, type AccountSettings } from "./discover-account.js";
import { credentialSource, ExitCode, leftOutText, redactorFor, writeWhole, type DiscoverIo } from "./discover-io.js";
import { progressLines } from "./discover-progress.js";

export { ExitCode, redactorFor, type DiscoverIo } from "./discover-io.js";

/** Fails before the inventory, not after it, when a file could not be written where asked. */
function checkOutputPath(flag: string, path: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliUsageError(`${flag} ${JSON.stringify(path)}: the directory ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliUsageError(`${flag} ${JSON.stringify(path)} is a directory; name a file`);
}

/** The keys each `--exclude-state` file manages; a file that cannot be read or is no stack export is a usage error. */
function readStates(files: readonly string[]): { file: string; keys: StackKeys }[] {
  return files.map((file) => {
    const flag = `--exclude-state ${JSON.stringify(file)}`;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new CliUsageError(`${flag}: cannot read it: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      return { file, keys: keysOfStackExport(text, flag) };
    } catch (e) {
      if (e instanceof StackExportError) throw new CliUsageError(e.message);
      throw e;
    }
  });
}

function isCredentialRefusal(e: unknown): boolean {
  return KmsApiError.isInstance(e) && (e.status === 401 || e.status === 403);
}

/** Runs `discover` with the arguments after the command name; resolves to the exit code. */
export async function runDiscover(argv: readonly string[], io: DiscoverIo): Promise<number> {
  const redact = redactorFor(io.env);
  const error = (message: string): void => {
    io.stderr(`error: ${redact(message)}\n`);
  };

  let options: DiscoverOptions;
  let states: { file: string; keys: StackKeys }[];
  // One project (the settings name it), or every project of the account (--all-projects).
  let scope: { config: KmsClientConfig } | { account: AccountSettings };
  try {
    const parsed = parseDiscoverArgs(argv);
    if (parsed === "help") {
      io.stdout(DISCOVER_USAGE);
      return ExitCode.Compliant;
    }
    options = parsed;
    if (options.importFile !== undefined) checkOutputPath("--import-file", options.importFile);
    if (options.policyFile !== undefined) checkOutputPath("--policy-file", options.policyFile);
    states = readStates(options.excludeState ?? []);
    scope = options.allProjects
      ? { account: resolveAccountSettings(options, io.env) }
      : { config: resolveKmsConfig({ explicit: options.settings, env: io.env, flags: SETTING_FLAGS }) };
  } catch (e) {
    if (CliUsageError.isInstance(e)) {
      error(`${e.message} (see huaweicloud-kms discover --help)`);
      return ExitCode.Usage;
    }
    if (KmsConfigError.isInstance(e)) {
      error(e.message);
      return ExitCode.Usage;
    }
    error(e instanceof Error ? e.message : String(e));
    return ExitCode.Failed;
  }
  if ("account" in scope) return runAccountDiscover(options, scope.account, states, io);
  const { config } = scope;

  const progress = (line: string): void => {
    if (!options.quiet) io.stderr(`${line}\n`);
  };
  for (const { file, keys } of states) progress(`${file}: ${keys.stack === undefined ? "a stack with no resources" : `stack ${keys.stack}`} manages ${plural(keys.keyIds.size, "key")}`);
  progress(`listing the keys of project ${config.projectId} at ${config.endpoint} (${credentialSource(config)})`);
  const now = io.now ?? (() => new Date());
  let report: DiscoveryReport;
  try {
    const inventory = await takeInventory(new KmsClient(config, io.clientOptions), {
      request: {
        limit: options.pageSize,
        ...(options.keyState === undefined ? {} : { keyState: options.keyState }),
        ...(options.keySpec === undefined ? {} : { keySpec: options.keySpec }),
      },
      onProgress: progressLines(progress),
      concurrency: config.maxConcurrency,
    });
    report = buildReport(inventory, options.policy, {
      projectId: config.projectId,
      endpoint: config.endpoint,
      ...(config.region === undefined ? {} : { region: config.region }),
      generatedAt: now(),
      filters: {
        ...(options.keyState === undefined ? {} : { keyState: options.keyState }),
        ...(options.keySpec === undefined ? {} : { keySpec: options.keySpec }),
      },
      states,
    });
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    // Refused credentials (or a project they do not reach) are a setting to fix, as a missing one is.
    return isCredentialRefusal(e) ? ExitCode.Usage : ExitCode.Failed;
  }

  if (options.json) io.stdout(renderJson(report));
  else io.stdout(`${report.keys.length > 0 ? `${renderTable(report)}\n` : ""}${renderSummary(report)}`);

  const write = io.writeFile ?? writeWhole;
  const files: [flag: string, path: string | undefined, text: () => string, what: string][] = [
    ["--import-file", options.importFile, () => renderImportFile(buildImportFile(report.keys, { version: PLUGIN_VERSION, pluginDownloadUrl: PLUGIN_DOWNLOAD_URL })), "for pulumi import --file"],
    ["--policy-file", options.policyFile, () => policyFileOf(report), "as a rotation policy"],
  ];
  const covered = coveredKeys(report.keys).length;
  const leftOut = leftOutText(report);
  for (const [flag, path, text, what] of files) {
    if (path === undefined) continue;
    try {
      write(path, text());
    } catch (e) {
      error(`cannot write ${flag} ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`);
      return ExitCode.Failed;
    }
    progress(`wrote ${plural(covered, "rotatable key")} to ${path} ${what}${leftOut}`);
  }
  return exitCodeOf(report);
}
