// What each provider setting means, for the package schema's configuration and the docs. Keyed by
// the settings the resolver knows (kms-config.ts), so a new setting without a description fails
// to compile.
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT_MS, SETTING_SOURCES } from "./kms-config.js";

export type SettingName = keyof typeof SETTING_SOURCES;

/** Settings that are whole numbers. */
export const INTEGER_SETTINGS: ReadonlySet<SettingName> = new Set(["maxRetries", "requestTimeoutMs", "deadlineMs", "maxConcurrency"]);
/** Settings that are true or false; the others are strings. */
export const BOOLEAN_SETTINGS: ReadonlySet<SettingName> = new Set(["claimKeys"]);

/** A setting's type in the package schema. */
export function settingType(name: SettingName): "integer" | "boolean" | "string" {
  return INTEGER_SETTINGS.has(name) ? "integer" : BOOLEAN_SETTINGS.has(name) ? "boolean" : "string";
}

export const SETTING_DESCRIPTIONS: Readonly<Record<SettingName, string>> = {
  region: 'The region of the keys, e.g. "cn-north-4", "eu-west-101" (Huawei Cloud) or "eu-de" (Open Telekom Cloud); sets the endpoint unless `endpoint` is set.',
  projectId: "The project id of that region (IAM console, My Credentials > Projects); KMS request paths include it.",
  accessKey: "The access key (AK) for signed requests; pairs with `secretKey`.",
  secretKey: "The secret key (SK) for signed requests.",
  securityToken: "The security token of temporary credentials; sent with the access key pair it belongs to.",
  authToken: "An IAM token, used instead of an access key pair.",
  endpoint: 'The KMS endpoint, e.g. "https://kms.cn-north-4.myhuaweicloud.com"; overrides `region`. `http://` is accepted for loopback only (an emulator).',
  maxRetries: `Retries after the first attempt of a KMS call (throttling, 5xx, dropped connections, timeouts). Default ${DEFAULT_MAX_RETRIES}.`,
  requestTimeoutMs: `Milliseconds one attempt may take. Default ${DEFAULT_REQUEST_TIMEOUT_MS}.`,
  deadlineMs: `Milliseconds one KMS call may take, retries and waits included. Default ${DEFAULT_DEADLINE_MS}.`,
  maxConcurrency: `KMS requests in flight at once per endpoint. Default ${DEFAULT_MAX_CONCURRENCY}.`,
  claimKeys:
    "Claim each managed key for this stack: a KeyRotation tags its key with `<project>/<stack>` (tag `pulumi-rotation-owner`), refuses a key another stack claims, and removes its tag when deleted. Default `false`.",
};
