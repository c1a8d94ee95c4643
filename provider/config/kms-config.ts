// The one place that decides where the KMS client talks to and with which credentials. Every
// adapter (resource provider, CLI, tests against the emulator) goes through resolveKmsConfig so
// that precedence, defaults and error messages are the same everywhere.

import { errorMarker, KmsProviderError } from "../errors/kms-provider-error.js";
export { createRedactor, redact, redactHeaders, REDACTED, type Redactor } from "./redact.js";

/** Settings a caller may give explicitly (all optional; missing ones come from config or env). */
export interface KmsSettings {
  region: string;
  projectId: string;
  accessKey: string;
  secretKey: string;
  securityToken: string;
  authToken: string;
  endpoint: string;
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries: number | string;
  requestTimeoutMs: number | string;
  deadlineMs: number | string;
  maxConcurrency: number | string;
  /** Tag each managed key with the stack's identity and refuse keys other stacks claim. */
  claimKeys: boolean | string;
}

export type KmsCredentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "token"; token: string };

/** Everything the client needs, resolved and validated. */
export interface KmsClientConfig {
  /** `https://host[:port][/prefix]`, no trailing slash. */
  endpoint: string;
  region?: string;
  projectId: string;
  credentials: KmsCredentials;
  /** Retries after the first attempt; a call makes at most `maxRetries + 1` attempts. */
  maxRetries: number;
  /** Per-attempt limit for a complete response. */
  requestTimeoutMs: number;
  /** Overall limit for one logical call, retries and waits included. */
  deadlineMs: number;
  /** Requests in flight per origin across the process. */
  maxConcurrency: number;
  /** Whether KeyRotations claim their keys for their stack (key tags); absent means off. */
  claimKeys?: boolean;
  /** Where each resolved setting came from (e.g. `env HW_REGION_NAME`), for diagnostics. */
  sources?: Partial<Record<ResolvableSetting, string>>;
}

export interface KmsConfigSources {
  explicit?: Partial<KmsSettings>;
  /** Reads a stack config value by full key, e.g. `huaweicloud-kms:region`. */
  stackConfig?: (key: string) => string | undefined;
  /** Environment; `process.env` when omitted. */
  env?: Record<string, string | undefined>;
  /**
   * Set by a command line (e.g. `huaweicloud-kms discover`): the flag of each explicit setting.
   * Messages then name these flags and the environment variables only, since a command has no
   * stack config or provider arguments, and a setting without a flag (the secrets) has only the
   * environment.
   */
  flags?: Partial<Record<ResolvableSetting, string>>;
}

export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_CONCURRENCY = 10;
export const MAX_MAX_RETRIES = 50;

/** This provider's stack config namespace. */
export const CONFIG_NAMESPACE = "huaweicloud-kms";
/** The official Huawei Cloud provider's namespace, read as a fallback. */
export const OFFICIAL_CONFIG_NAMESPACE = "huaweicloud";

type StringSetting = "region" | "projectId" | "accessKey" | "secretKey" | "securityToken" | "authToken" | "endpoint";
type NumberSetting = "maxRetries" | "requestTimeoutMs" | "deadlineMs" | "maxConcurrency";
type BooleanSetting = "claimKeys";
/** A setting the resolver knows, e.g. `projectId`. */
export type ResolvableSetting = StringSetting | NumberSetting | BooleanSetting;

interface SettingSource {
  /** Read from the official provider's namespace too. */
  official: boolean;
  env: readonly string[];
  secret: boolean;
}

/** Where each setting may come from, in precedence order after explicit and stack config. */
export const SETTING_SOURCES: Readonly<Record<ResolvableSetting, SettingSource>> = {
  region: { official: true, env: ["HW_REGION_NAME", "OS_REGION_NAME"], secret: false },
  projectId: { official: true, env: ["HW_PROJECT_ID", "OS_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"], secret: false },
  accessKey: { official: true, env: ["HW_ACCESS_KEY", "OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"], secret: true },
  secretKey: { official: true, env: ["HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK"], secret: true },
  securityToken: { official: false, env: ["HW_SECURITY_TOKEN"], secret: true },
  authToken: { official: false, env: ["HW_AUTH_TOKEN", "OS_AUTH_TOKEN"], secret: true },
  endpoint: { official: false, env: ["HW_KMS_ENDPOINT"], secret: false },
  maxRetries: { official: false, env: ["HW_MAX_RETRIES"], secret: false },
  requestTimeoutMs: { official: false, env: ["HW_KMS_REQUEST_TIMEOUT_MS"], secret: false },
  deadlineMs: { official: false, env: ["HW_KMS_DEADLINE_MS"], secret: false },
  maxConcurrency: { official: false, env: ["HW_KMS_MAX_CONCURRENCY"], secret: false },
  claimKeys: { official: false, env: ["HW_KMS_CLAIM_KEYS"], secret: false },
};

/** Bounds and defaults of the numeric settings. */
const NUMBER_SETTINGS: Readonly<Record<NumberSetting, { min: number; max: number; fallback: number }>> = {
  maxRetries: { min: 0, max: MAX_MAX_RETRIES, fallback: DEFAULT_MAX_RETRIES },
  requestTimeoutMs: { min: 1, max: 3_600_000, fallback: DEFAULT_REQUEST_TIMEOUT_MS },
  deadlineMs: { min: 1, max: 86_400_000, fallback: DEFAULT_DEADLINE_MS },
  maxConcurrency: { min: 1, max: 1000, fallback: DEFAULT_MAX_CONCURRENCY },
};

const CONFIG_ERROR_NAME = "KmsConfigError";
const configMarkerName = errorMarker(CONFIG_ERROR_NAME);
const configMarker = Symbol.for(configMarkerName);

/** A configuration problem; the message says every way to fix it. */
export class KmsConfigError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [configMarker] = true;
  override readonly name = CONFIG_ERROR_NAME;
  constructor(
    /** The setting at fault, e.g. `projectId` or `credentials`. */
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }

  /** Whether `error` is a KmsConfigError, from any copy of this package. */
  static override isInstance(error: unknown): error is KmsConfigError {
    return KmsProviderError.hasMarker(error, configMarkerName);
  }
}

/**
 * Every way to provide a setting, as a sentence fragment listing them in precedence order.
 * `providerArguments`: whether the vehicle has provider resources with arguments (the dynamic
 * provider has none, so its messages never mention them).
 */
export function waysToSet(setting: ResolvableSetting, providerArguments = false): string {
  const src = SETTING_SOURCES[setting];
  const flag = src.secret ? "--secret " : "";
  const ways = [
    ...(providerArguments ? [`the provider argument "${setting}"`] : []),
    `"pulumi config set ${flag}${CONFIG_NAMESPACE}:${setting} <value>"`,
  ];
  if (src.official) ways.push(`"pulumi config set ${flag}${OFFICIAL_CONFIG_NAMESPACE}:${setting} <value>"`);
  const envs = src.env;
  const envText = envs.length === 1 ? `the environment variable ${envs[0] ?? ""}` : `one of the environment variables ${envs.join(", ")}`;
  return `${ways.join(", ")} or ${envText}`;
}

/**
 * Every way to provide a setting to a command line: its flag, if it has one, or the environment.
 * Secrets have no flag on purpose: a flag's value shows in `ps` and in shell history.
 */
export function commandLineWaysToSet(setting: ResolvableSetting, flag: string | undefined): string {
  const envs = SETTING_SOURCES[setting].env;
  const envText = envs.length === 1 ? `the environment variable ${envs[0] ?? ""}` : `one of the environment variables ${envs.join(", ")}`;
  return flag === undefined ? envText : `the flag ${flag} or ${envText}`;
}

interface Found {
  value: string;
  /** 0 explicit, 1 this namespace, 2 official namespace, 3 environment. */
  level: number;
  source: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function lookup(setting: ResolvableSetting, sources: KmsConfigSources, env: Record<string, string | undefined>): Found | undefined {
  const explicit = sources.explicit?.[setting];
  const explicitText = typeof explicit === "number" || typeof explicit === "boolean" ? String(explicit) : nonEmpty(explicit);
  if (explicitText !== undefined) {
    const flag = sources.flags?.[setting];
    return { value: explicitText, level: 0, source: flag === undefined ? `provider argument ${setting}` : flag };
  }
  const ownKey = `${CONFIG_NAMESPACE}:${setting}`;
  const own = nonEmpty(sources.stackConfig?.(ownKey));
  if (own !== undefined) return { value: own, level: 1, source: `stack config ${ownKey}` };
  const src = SETTING_SOURCES[setting];
  if (src.official) {
    const officialKey = `${OFFICIAL_CONFIG_NAMESPACE}:${setting}`;
    const official = nonEmpty(sources.stackConfig?.(officialKey));
    if (official !== undefined) return { value: official, level: 2, source: `stack config ${officialKey}` };
  }
  for (const name of src.env) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return { value, level: 3, source: `env ${name}` };
  }
  return undefined;
}

const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+){1,4}$/;
const PROJECT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Open Telekom Cloud regions, served from t-systems.com. */
export const OTC_REGIONS: readonly string[] = ["eu-de", "eu-nl"];

/** The KMS endpoint of a region (Huawei Cloud, its `.eu` domain, or Open Telekom Cloud). */
export function endpointForRegion(region: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new KmsConfigError("region", `KMS region "${region}" is not a region name (expected e.g. "cn-north-4", "eu-west-101" or "eu-de").`);
  }
  if (OTC_REGIONS.includes(region)) return `https://kms.${region}.otc.t-systems.com`;
  if (region === "eu-west-101") return `https://kms.${region}.myhuaweicloud.eu`;
  return `https://kms.${region}.myhuaweicloud.com`;
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Validates and normalizes an endpoint: `https://` anywhere, `http://` only on loopback (the
 * emulator), no credentials, query or fragment; an optional path prefix is kept, trailing `/` dropped.
 */
export function normalizeEndpoint(endpoint: string, source = "endpoint"): string {
  // Without "scheme://", the URL parser reads "localhost:4566" as scheme "localhost:" and path
  // "4566", and the user would be told about a "localhost://4566" they never wrote.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint.trim())) {
    // The part before "@" may be user:password: it is not quoted back.
    if (/^[^/]*@/.test(endpoint)) {
      throw new KmsConfigError("endpoint", `KMS endpoint (from ${source}) must not contain user credentials; configure accessKey/secretKey or authToken instead.`);
    }
    const bare = endpoint.trim().replace(/^\/+/, "");
    throw new KmsConfigError(
      "endpoint",
      `KMS endpoint "${endpoint}" (from ${source}) has no scheme: add https:// in front, e.g. "https://${bare}" (http:// is accepted only for loopback hosts such as 127.0.0.1 or localhost).`,
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new KmsConfigError("endpoint", `KMS endpoint "${endpoint}" (from ${source}) is not a URL; expected e.g. "https://kms.cn-north-4.myhuaweicloud.com".`);
  }
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.username !== "" || url.password !== "") {
    throw new KmsConfigError("endpoint", `KMS endpoint (from ${source}) must not contain user credentials; configure accessKey/secretKey or authToken instead.`);
  }
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      throw new KmsConfigError(
        "endpoint",
        `KMS endpoint "${shown}" (from ${source}) uses plain http://, which would send credentials unencrypted; use https:// (http:// is accepted only for loopback hosts such as 127.0.0.1 or localhost).`,
      );
    }
  } else if (url.protocol !== "https:") {
    throw new KmsConfigError("endpoint", `KMS endpoint "${shown}" (from ${source}) must use https://.`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new KmsConfigError("endpoint", `KMS endpoint "${shown}" (from ${source}) must not have a query string or fragment.`);
  }
  const prefix = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${prefix}`;
}

function parseNumber(setting: NumberSetting, found: Found | undefined): number {
  const { min, max, fallback } = NUMBER_SETTINGS[setting];
  if (found === undefined) return fallback;
  const n = /^\d+$/.test(found.value) ? Number(found.value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new KmsConfigError(
      setting,
      `KMS setting "${setting}" (from ${found.source}) must be a whole number from ${min} to ${max}, got "${found.value}".`,
    );
  }
  return n;
}

/** Whether a boolean setting is on; "true"/"false" in any case, as stack config and the environment give them. */
function parseBoolean(setting: BooleanSetting, found: Found | undefined): boolean {
  if (found === undefined) return false;
  const text = found.value.toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  throw new KmsConfigError(setting, `KMS setting "${setting}" (from ${found.source}) must be true or false, got "${found.value}".`);
}

/**
 * Whether KeyRotations claim their keys, resolved alone: a resource decides it before it needs
 * credentials (a diff, for one), and the setting has the same sources as every other.
 */
export function resolveClaimKeys(sources: KmsConfigSources): boolean {
  return parseBoolean("claimKeys", lookup("claimKeys", sources, sources.env ?? process.env));
}

type Ways = (setting: ResolvableSetting) => string;

function missing(ways: Ways, setting: ResolvableSetting, why = ""): KmsConfigError {
  return new KmsConfigError(setting, `KMS setting "${setting}" is not set${why}. Set it with ${ways(setting)}.`);
}

/**
 * Resolves the client configuration. Each setting is taken from the first source that has it:
 * explicit settings, stack config `huaweicloud-kms:<key>`, stack config `huaweicloud:<key>`
 * (region, projectId, accessKey, secretKey only), then environment variables. Throws
 * {@link KmsConfigError} naming every way to provide whatever is missing or invalid.
 */
export function resolveKmsConfig(sources: KmsConfigSources): KmsClientConfig {
  const env = sources.env ?? process.env;
  const get = (setting: ResolvableSetting): Found | undefined => lookup(setting, sources, env);
  const flags = sources.flags;
  const ways: Ways = flags
    ? (setting) => commandLineWaysToSet(setting, flags[setting])
    : (setting) => waysToSet(setting, sources.explicit !== undefined);
  const found: Partial<Record<ResolvableSetting, Found>> = {};
  for (const setting of Object.keys(SETTING_SOURCES) as ResolvableSetting[]) {
    const f = get(setting);
    if (f) found[setting] = f;
  }

  const projectId = found.projectId;
  if (!projectId) throw missing(ways, "projectId", " (KMS request paths include the project id)");
  if (!PROJECT_ID_PATTERN.test(projectId.value)) {
    throw new KmsConfigError("projectId", `KMS projectId "${projectId.value}" (from ${projectId.source}) is not a project id (letters, digits, "-" or "_").`);
  }

  let endpoint: string;
  const region = found.region;
  if (region && !REGION_PATTERN.test(region.value)) {
    throw new KmsConfigError("region", `KMS region "${region.value}" (from ${region.source}) is not a region name (expected e.g. "cn-north-4", "eu-west-101" or "eu-de").`);
  }
  if (found.endpoint) {
    endpoint = normalizeEndpoint(found.endpoint.value, found.endpoint.source);
  } else if (region) {
    endpoint = endpointForRegion(region.value);
  } else {
    throw new KmsConfigError(
      "region",
      `Neither a KMS region nor an endpoint is set. Set the region with ${ways("region")}; or set the endpoint with ${ways("endpoint")}.`,
    );
  }

  const credentials = resolveCredentials(found, ways);
  const config: KmsClientConfig = {
    endpoint,
    projectId: projectId.value,
    credentials,
    maxRetries: parseNumber("maxRetries", found.maxRetries),
    requestTimeoutMs: parseNumber("requestTimeoutMs", found.requestTimeoutMs),
    deadlineMs: parseNumber("deadlineMs", found.deadlineMs),
    maxConcurrency: parseNumber("maxConcurrency", found.maxConcurrency),
    claimKeys: parseBoolean("claimKeys", found.claimKeys),
    sources: Object.fromEntries(Object.entries(found).map(([k, f]) => [k, f.source])),
  };
  if (region) config.region = region.value;
  return config;
}

function resolveCredentials(found: Partial<Record<ResolvableSetting, Found>>, ways: Ways): KmsCredentials {
  const { accessKey, secretKey, securityToken, authToken } = found;
  const akskLevel = Math.min(accessKey?.level ?? Infinity, secretKey?.level ?? Infinity);
  // The credential configured closest to the user wins; on a tie AK/SK (the default) does.
  if (authToken && authToken.level < akskLevel) return { kind: "token", token: authToken.value };
  if (accessKey && secretKey) {
    const creds: KmsCredentials = { kind: "aksk", accessKey: accessKey.value, secretKey: secretKey.value };
    // A token configured further from the user than the keys belongs to other, older credentials.
    if (securityToken && securityToken.level <= Math.max(accessKey.level, secretKey.level)) {
      creds.securityToken = securityToken.value;
    }
    return creds;
  }
  if (authToken) return { kind: "token", token: authToken.value };
  if (accessKey) throw missing(ways, "secretKey", ` (accessKey is set from ${accessKey.source})`);
  if (secretKey) throw missing(ways, "accessKey", ` (secretKey is set from ${secretKey.source})`);
  throw new KmsConfigError(
    "credentials",
    `No KMS credentials are set. Either set an access key pair — accessKey with ${ways("accessKey")}; and secretKey with ${ways("secretKey")} (plus securityToken with ${ways("securityToken")} for temporary credentials) — or set authToken with ${ways("authToken")}.`,
  );
}

/** The secret values of a configuration, for {@link createRedactor}. */
export function secretsOf(config: Pick<KmsClientConfig, "credentials">): string[] {
  const c = config.credentials;
  return c.kind === "aksk" ? [c.accessKey, c.secretKey, ...(c.securityToken ? [c.securityToken] : [])] : [c.token];
}
