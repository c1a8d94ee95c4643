// Turns a KMS/gateway error code into the one thing the user should do about it. The codes and
// their meanings are those of shared/kms-api.md; the advice is ours.
import { MAX_ROTATION_INTERVAL_DAYS, MIN_ROTATION_INTERVAL_DAYS, type KmsOperation } from "./kms-rules.js";

/** Codes this project assigns to failures that have no KMS code. */
export const LocalErrorCode = {
  /** The connection failed or broke (no HTTP response). */
  NetworkError: "NETWORK_ERROR",
  /** No complete response within the per-request timeout or the overall deadline. */
  Timeout: "TIMEOUT",
  /** KMS answered success with a body that does not match the documented shape. */
  InvalidResponse: "INVALID_RESPONSE",
  /** A key id or interval was rejected before sending anything. */
  InvalidArgument: "INVALID_ARGUMENT",
} as const;

const CREDENTIALS =
  "Check your credentials: the access key/secret key (plus the security token for temporary credentials) or the auth token may be missing, wrong or expired; with AK/SK also check that this machine's clock is correct (signed requests older than 15 minutes are refused).";
const PERMISSIONS =
  "The credentials lack permission for this KMS action: grant the IAM user or agency a KMS policy (e.g. KMS CMKFullAccess or KMS Administrator) in this project.";
const PROJECT_MISMATCH =
  "The projectId does not belong to these credentials or this region: set projectId to the project id of the key's region (IAM console, My Credentials > Projects).";
const BUG = "This is a bug in pulumi-huaweicloud-kms; please report it with the request id.";
const SERVER = "KMS had a temporary server-side failure; run the update again later.";

const BY_CODE: Readonly<Record<string, string>> = {
  "KMS.0202": BUG,
  "KMS.0204": BUG,
  "KMS.0205": "Check the key id: it must be the 36-character id of a KMS key (not its alias) in this project and region.",
  "KMS.0206": BUG,
  "KMS.0207": "The key does not exist in this project and region: check the key id, region/endpoint and projectId, or remove the resource if the key was deleted.",
  "KMS.0209": "The key is disabled: enable it first (KMS console or enable-key), then retry.",
  "KMS.0210": "The key is scheduled for deletion: cancel the deletion in the KMS console, or remove the resource from the stack.",
  "KMS.0211": "Default Master Keys are managed by the cloud services and cannot be changed: use a customer master key.",
  "KMS.0312": "Keys with imported key material (origin external) cannot rotate automatically: rotate them by importing new material yourself, or drop rotation for this key.",
  "KMS.0324": "RSA keys cannot rotate: only symmetric keys (AES_256, SM4) support rotation.",
  "KMS.0325": "Asymmetric keys cannot rotate: only symmetric keys (AES_256, SM4) support rotation.",
  "KMS.2901": "Key rotation is already enabled on this key: refresh the stack (pulumi refresh) or import the existing rotation instead of enabling it again.",
  "KMS.3001": `The rotation interval must be a whole number of days from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}.`,
  "KMS.0306": PERMISSIONS,
  "KMS.0307": PERMISSIONS,
  "KMS.0321": PROJECT_MISMATCH,
  "KMS.0104": SERVER,
  "APIG.0308": "KMS kept throttling requests after all retries: lower maxConcurrency, raise maxRetries, or run the update again later.",
  "APIG.0101": "The API was not found at this endpoint: check the endpoint/region setting (KMS is https://kms.<region>.myhuaweicloud.com).",
  NETWORK_ERROR: "Could not reach KMS: check network access, proxy and firewall, and that the endpoint/region setting is right.",
  TIMEOUT: "KMS did not answer in time: check network access to the endpoint, or raise requestTimeoutMs/deadlineMs.",
  INVALID_RESPONSE: "KMS answered with a body this provider cannot read: check that the endpoint points at a KMS service; if it does, report it as a bug.",
};

/** Per-operation advice where the same code means something different. */
function operationAdvice(code: string, operation: KmsOperation | undefined): string | undefined {
  if (code !== "KMS.0313") return undefined;
  if (operation === "disable-key-rotation") return "Key rotation is already disabled on this key: refresh the stack (pulumi refresh).";
  return "Key rotation is not enabled on this key: enable rotation first (the interval can only be set while rotation is enabled).";
}

/** What the user should do about an error, as one sentence. */
export function adviceFor(code: string, status: number, operation?: KmsOperation): string {
  const specific = operationAdvice(code, operation) ?? BY_CODE[code];
  if (specific !== undefined) return specific;
  if (/^KMS\.030[1-5]$/.test(code)) return CREDENTIALS;
  if (/^KMS\.010[0-4]$/.test(code)) return SERVER;
  if (status === 401 || /^APIG\.03\d\d$/.test(code)) return CREDENTIALS;
  if (status === 403) return PERMISSIONS;
  if (status === 404) return "The key or API was not found: check the key id, region/endpoint and projectId.";
  if (status === 429) return BY_CODE["APIG.0308"] ?? SERVER;
  if (status >= 500) return SERVER;
  if (status >= 400) return "KMS refused the request: check the key id and the resource's settings against the message above.";
  return "Run the update again; if it keeps failing, report it with the request id.";
}
