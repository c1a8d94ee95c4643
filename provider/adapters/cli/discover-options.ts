// The command line of `huaweicloud-kms discover`, parsed and checked before anything runs: a bad
// flag fails in one line naming the flag, the value and the rule, and no KMS call is made. Pure.
// The KMS settings are handed to resolveKmsConfig as flags, which checks them as it checks the
// provider's; the secrets have no flag at all (a flag's value shows in `ps` and shell history).
import { parseArgs } from "node:util";
import { SETTING_SOURCES, type KmsSettings, type ResolvableSetting } from "../../config/kms-config.js";
import { errorMarker, KmsProviderError } from "../../errors/kms-provider-error.js";
import { ALL_KEY_SPECS, DEFAULT_LIST_PAGE_SIZE, KEY_SPECS, KeyState, MAX_LIST_PAGE_SIZE } from "../../kms/kms-rules.js";
import { DEFAULT_MAX_INTERVAL_DAYS, POLICY_INTERVAL_BOUNDS, type RotationPolicy } from "../../discovery/verdict.js";

const USAGE_ERROR_NAME = "CliUsageError";
const usageMarkerName = errorMarker(USAGE_ERROR_NAME);
const usageMarker = Symbol.for(usageMarkerName);

/** A bad command line; the command prints the message and exits 2. */
export class CliUsageError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [usageMarker] = true;
  override readonly name = USAGE_ERROR_NAME;

  /** Whether `error` is a CliUsageError, from any copy of this package. */
  static override isInstance(error: unknown): error is CliUsageError {
    return KmsProviderError.hasMarker(error, usageMarkerName);
  }
}

/** The flag of each KMS setting a command line may set; the secrets have none. */
export const SETTING_FLAGS = {
  region: "--region",
  projectId: "--project-id",
  endpoint: "--endpoint",
  maxRetries: "--max-retries",
  requestTimeoutMs: "--request-timeout-ms",
  deadlineMs: "--deadline-ms",
  maxConcurrency: "--max-concurrency",
} as const satisfies Partial<Record<ResolvableSetting, string>>;

type FlagSetting = keyof typeof SETTING_FLAGS;

/** The secret settings, refused as flags with a line saying where they go instead. */
const SECRET_FLAGS: Readonly<Record<string, ResolvableSetting>> = {
  "--access-key": "accessKey",
  "--secret-key": "secretKey",
  "--security-token": "securityToken",
  "--auth-token": "authToken",
};

/** `--key-state` values in words, as KMS's codes. */
const KEY_STATE_NAMES: Readonly<Record<string, string>> = {
  "pending-activation": KeyState.PendingActivation,
  enabled: KeyState.Enabled,
  disabled: KeyState.Disabled,
  "pending-deletion": KeyState.PendingDeletion,
  "pending-import": KeyState.PendingImport,
};

/** What `huaweicloud-kms discover` was asked to do. */
export interface DiscoverOptions {
  /** KMS settings given as flags; the rest come from the environment. */
  settings: Partial<KmsSettings>;
  policy: RotationPolicy;
  pageSize: number;
  /** list-keys `key_state` filter, a code "1".."5". */
  keyState?: string;
  /** list-keys `key_spec` filter; absent: every spec. */
  keySpec?: string;
  json: boolean;
  quiet: boolean;
  importFile?: string;
  policyFile?: string;
  /** `pulumi stack export` files whose keys the import and policy files leave out. */
  excludeState?: string[];
  /** Scan every project IAM lists (or those `projects` picks) instead of one. */
  allProjects: boolean;
  /** `--project` names or ids: the projects of the account to scan; absent: every one. */
  projects?: string[];
  /** Projects scanned at once. */
  projectConcurrency: number;
  /** `--iam-endpoint`: where IAM is, over HW_IAM_ENDPOINT and the region's cloud. */
  iamEndpoint?: string;
}

/** Projects an account scan takes at once unless told otherwise, and the most it takes. */
export const DEFAULT_PROJECT_CONCURRENCY = 4;
export const MAX_PROJECT_CONCURRENCY = 64;

const ENV = (setting: ResolvableSetting): string => SETTING_SOURCES[setting].env.join(", ");

/** The `discover --help` text. */
export const DISCOVER_USAGE = `Usage: huaweicloud-kms discover [options]

Lists every KMS key of the project (list-keys, page by page, plus one rotation status read per
rotating key, and the stacks' claims in one tag listing per 1,000 claimed keys; nothing is written
to KMS), prints each key with its rotation, its owner (the stack that claims it) and a verdict
against the rotation policy, and can write the files that bring the keys under Pulumi.

Policy and output:
  --max-interval <days>      longest rotation interval allowed, 30..365        [default ${DEFAULT_MAX_INTERVAL_DAYS}]
  --json                     print one JSON document instead of the table
  --import-file <path>       write a \`pulumi import --file\` document of every rotatable key that
                             no stack manages (keys a stack claims are left out)
  --policy-file <path>       write a rotation policy (examples/gitops-many-keys) of the same keys
  --exclude-state <file>     leave out of both files every key this \`pulumi stack export\` file
                             manages (stacks without claims); may be given more than once
  -q, --quiet                no progress lines on stderr

Every project of the account (one report, one exit code over all of them):
  --all-projects             list the projects the credentials may use (IAM, one call) and scan
                             each enabled one in its region's KMS; each key shows its project and
                             region. The files become one per project: --import-file keys.json
                             writes keys.<project name>.json (e.g. keys.eu-de.json)
  --project <name or id>     scan only this project of the account; may be given more than once
  --project-concurrency <n>  projects scanned at once, 1..${MAX_PROJECT_CONCURRENCY}                   [default ${DEFAULT_PROJECT_CONCURRENCY}]
  --iam-endpoint <url>       where IAM is                                       [HW_IAM_ENDPOINT, default the region's cloud's]
  Each project's KMS endpoint comes from its region; an endpoint set with --endpoint or
  ${ENV("endpoint")} must then be a template naming {region}, e.g. http://127.0.0.1:4566/{region}.

Listing:
  --page-size <n>            keys per list-keys call, 1..${MAX_LIST_PAGE_SIZE}               [default ${DEFAULT_LIST_PAGE_SIZE}]
  --key-state <state>        only keys in this state: ${Object.keys(KEY_STATE_NAMES).join(", ")} (or 1..5)
  --key-spec <spec>          only keys of this spec: ${KEY_SPECS.join(", ")}   [default ${ALL_KEY_SPECS}]

KMS settings (a flag wins over the environment):
  --region <name>            e.g. cn-north-4, eu-west-101, eu-de                [${ENV("region")}]
  --project-id <id>          the project of the keys                            [${ENV("projectId")}]
  --endpoint <url>           overrides the region's endpoint                    [${ENV("endpoint")}]
  --max-retries <n>          retries after the first attempt, 0..50             [${ENV("maxRetries")}, default 5]
  --request-timeout-ms <ms>  per attempt                                        [${ENV("requestTimeoutMs")}, default 30000]
  --deadline-ms <ms>         per call, retries included                         [${ENV("deadlineMs")}, default 120000]
  --max-concurrency <n>      KMS requests in flight                             [${ENV("maxConcurrency")}, default 10]
Credentials come from the environment only: ${ENV("accessKey")} / ${ENV("secretKey")}
(with ${ENV("securityToken")} for temporary ones), or ${ENV("authToken")}.

Exit codes: 0 every rotatable key follows the policy; 1 a rotatable key does not (not rotating,
interval too long, or its status unknown); 2 usage or configuration error (including credentials
KMS refuses, or IAM with --all-projects); 3 KMS or the network failed, nothing concluded (with
--all-projects: for any one project, e.g. one that refuses, or a region unknown or unreachable).
Keys that cannot rotate (Default Master Keys, imported material, asymmetric, disabled, pending
deletion) are reported, never fail.

  -h, --help                 this text
`;

function fail(message: string): never {
  throw new CliUsageError(message);
}

/** A whole number from `min` to `max`, or a usage error naming the flag, the value and the rule. */
function wholeNumber(flag: string, value: string | undefined, rule: { min: number; max: number; fallback: number; unit: string; why?: string }): number {
  if (value === undefined) return rule.fallback;
  const n = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
    fail(`${flag} ${JSON.stringify(value)} is not a whole number of ${rule.unit} from ${rule.min} to ${rule.max}${rule.why === undefined ? "" : ` (${rule.why})`}`);
  }
  return n;
}

function keyStateOf(value: string): string {
  const v = value.trim().toLowerCase().replace(/[\s_]+/g, "-");
  const code = KEY_STATE_NAMES[v] ?? (Object.values(KEY_STATE_NAMES).includes(v) ? v : undefined);
  if (code === undefined) {
    fail(`--key-state ${JSON.stringify(value)} is not a state list-keys filters on: ${Object.entries(KEY_STATE_NAMES).map(([n, c]) => `${n} (${c})`).join(", ")}`);
  }
  return code;
}

function keySpecOf(value: string): string | undefined {
  const v = value.trim().toUpperCase();
  if (v === ALL_KEY_SPECS) return undefined;
  if (!(KEY_SPECS as readonly string[]).includes(v)) fail(`--key-spec ${JSON.stringify(value)} is not one of ${[...KEY_SPECS, ALL_KEY_SPECS].join(", ")}`);
  return v;
}

function path(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") fail(`${flag} needs a file path`);
  return value;
}

/** The arguments after `discover`, as options, or "help". */
export function parseDiscoverArgs(argv: readonly string[]): DiscoverOptions | "help" {
  // Before parseArgs, so a secret given as a flag is answered with where it belongs rather than
  // "unknown option"; the value itself is never quoted back.
  for (const arg of argv) {
    if (arg === "--") break;
    const name = arg.split("=")[0] ?? arg;
    const setting = SECRET_FLAGS[name];
    if (setting !== undefined) {
      fail(`${name} is not accepted: credentials come from the environment only (${ENV(setting)}), since a flag's value shows in ps and in shell history`);
    }
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        "max-interval": { type: "string" },
        json: { type: "boolean" },
        "import-file": { type: "string" },
        "policy-file": { type: "string" },
        "exclude-state": { type: "string", multiple: true },
        "all-projects": { type: "boolean" },
        project: { type: "string", multiple: true },
        "project-concurrency": { type: "string" },
        "iam-endpoint": { type: "string" },
        quiet: { type: "boolean", short: "q" },
        "page-size": { type: "string" },
        "key-state": { type: "string" },
        "key-spec": { type: "string" },
        region: { type: "string" },
        "project-id": { type: "string" },
        endpoint: { type: "string" },
        "max-retries": { type: "string" },
        "request-timeout-ms": { type: "string" },
        "deadline-ms": { type: "string" },
        "max-concurrency": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    // Node's messages name the flag ("Unknown option '--foo'", "Option '--region <value>' argument missing").
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) return "help";

  const settings: Partial<KmsSettings> = {};
  for (const [setting, flag] of Object.entries(SETTING_FLAGS) as [FlagSetting, string][]) {
    const value = values[flag.slice(2) as keyof typeof values];
    if (typeof value === "string") settings[setting] = value;
  }
  const importFile = path("--import-file", values["import-file"]);
  const policyFile = path("--policy-file", values["policy-file"]);
  if (importFile !== undefined && importFile === policyFile) fail(`--import-file and --policy-file name the same file ${JSON.stringify(importFile)}`);
  const keySpec = values["key-spec"] === undefined ? undefined : keySpecOf(values["key-spec"]);
  const options: DiscoverOptions = {
    settings,
    policy: {
      maxIntervalDays: wholeNumber("--max-interval", values["max-interval"], {
        ...POLICY_INTERVAL_BOUNDS,
        fallback: DEFAULT_MAX_INTERVAL_DAYS,
        unit: "days",
        why: "the rotation intervals KMS accepts",
      }),
    },
    pageSize: wholeNumber("--page-size", values["page-size"], { min: 1, max: MAX_LIST_PAGE_SIZE, fallback: DEFAULT_LIST_PAGE_SIZE, unit: "keys" }),
    json: values.json === true,
    quiet: values.quiet === true,
    allProjects: values["all-projects"] === true,
    projectConcurrency: wholeNumber("--project-concurrency", values["project-concurrency"], {
      min: 1,
      max: MAX_PROJECT_CONCURRENCY,
      fallback: DEFAULT_PROJECT_CONCURRENCY,
      unit: "projects",
    }),
  };
  // The account flags mean nothing for one project, and a project id means nothing for all of them:
  // refused rather than ignored, so a command line never does less than it says.
  if (!options.allProjects) {
    for (const flag of ["project", "project-concurrency", "iam-endpoint"] as const) {
      if (values[flag] !== undefined) fail(`--${flag} picks how the account's projects are scanned: give it with --all-projects (one project is named with --project-id)`);
    }
  } else if (settings.projectId !== undefined) {
    fail("--project-id names one project, --all-projects scans every one: pick projects of the account with --project <name or id>");
  }
  const projects = values.project?.map((p) => p.trim());
  if (projects?.includes("") === true) fail("--project needs a project name or id");
  if (projects !== undefined) options.projects = projects;
  const iamEndpoint = values["iam-endpoint"];
  if (iamEndpoint !== undefined) {
    if (iamEndpoint.trim() === "") fail("--iam-endpoint needs a URL");
    options.iamEndpoint = iamEndpoint;
  }
  if (values["key-state"] !== undefined) options.keyState = keyStateOf(values["key-state"]);
  if (keySpec !== undefined) options.keySpec = keySpec;
  if (importFile !== undefined) options.importFile = importFile;
  if (policyFile !== undefined) options.policyFile = policyFile;
  const states = values["exclude-state"];
  if (states !== undefined) options.excludeState = states.map((state) => path("--exclude-state", state) ?? state);
  return options;
}
