// Turns a KMS/gateway error code into the one thing the user should do about it. The codes and
// their meanings are those of docs/kms-api.md; the advice is ours.
import { KmsErrorCode as Kms, LocalErrorCode } from "./kms-error-codes.js";
import { MAX_ROTATION_INTERVAL_DAYS, MIN_ROTATION_INTERVAL_DAYS, type ApiOperation } from "./kms-rules.js";

const CREDENTIALS =
  "Check your credentials: the access key/secret key (plus the security token for temporary credentials) or the auth token may be missing, wrong or expired; with AK/SK also check that this machine's clock is correct (signed requests older than 15 minutes are refused).";
const PERMISSIONS =
  "The credentials lack permission for this KMS action: grant the IAM user or agency a KMS policy (e.g. KMS CMKFullAccess or KMS Administrator) in this project.";
const PROJECT_MISMATCH =
  "The projectId does not belong to these credentials or this region: set projectId to the project id of the key's region (IAM console, My Credentials > Projects).";
const BUG = "This is a bug in pulumi-huaweicloud-kms; please report it with the request id.";
const SERVER = "KMS had a temporary server-side failure; run the update again later.";

const BY_CODE: Readonly<Record<string, string>> = {
  [Kms.InvalidBody]: BUG,
  [Kms.MissingParameter]: BUG,
  [Kms.InvalidKeyId]: "Check the key id: it must be the 36-character id of a KMS key (not its alias) in this project and region.",
  [Kms.InvalidSequence]: BUG,
  [Kms.KeyNotFound]: "The key does not exist in this project and region: check the key id, region/endpoint and projectId, or remove the resource if the key was deleted.",
  [Kms.KeyDisabled]: "The key is disabled: enable it first (KMS console or enable-key), then retry.",
  [Kms.PendingDeletion]: "The key is scheduled for deletion: cancel the deletion in the KMS console, or remove the resource from the stack.",
  [Kms.DefaultMasterKey]: "Default Master Keys are managed by the cloud services and cannot be changed: use a customer master key.",
  [Kms.ImportedMaterial]: "Keys with imported key material (origin external) cannot rotate automatically: rotate them by importing new material yourself, or drop rotation for this key.",
  [Kms.RSA]: "RSA keys cannot rotate: only symmetric keys (AES_256, SM4) support rotation.",
  [Kms.Asymmetric]: "Asymmetric keys cannot rotate: only symmetric keys (AES_256, SM4) support rotation.",
  [Kms.RotationAlreadyEnabled]: "Key rotation is already enabled on this key: refresh the stack (pulumi refresh) or import the existing rotation instead of enabling it again.",
  [Kms.InvalidInterval]: `The rotation interval must be a whole number of days from ${MIN_ROTATION_INTERVAL_DAYS} to ${MAX_ROTATION_INTERVAL_DAYS}.`,
  [Kms.NoPermission]: PERMISSIONS,
  [Kms.NoResourcePermission]: PERMISSIONS,
  [Kms.ProjectMismatch]: PROJECT_MISMATCH,
  [Kms.ServiceUnavailable]: SERVER,
  [Kms.Throttled]: "KMS kept throttling requests after all retries: lower maxConcurrency, raise maxRetries, or run the update again later.",
  [Kms.ApiNotFound]: "The API was not found at this endpoint: check the endpoint/region setting (KMS is https://kms.<region>.myhuaweicloud.com).",
  [LocalErrorCode.NetworkError]: "Could not reach KMS: check network access, proxy and firewall, and that the endpoint/region setting is right.",
  [LocalErrorCode.Timeout]: "KMS did not answer in time: check network access to the endpoint, or raise requestTimeoutMs/deadlineMs.",
  [LocalErrorCode.InvalidResponse]: "KMS answered with a body this provider cannot read: check that the endpoint points at a KMS service; if it does, report it as a bug.",
};

/** Per-operation advice where the same code means something different. */
function operationAdvice(code: string, operation: ApiOperation | undefined): string | undefined {
  if (code !== Kms.RotationNotEnabled) return undefined;
  if (operation === "disable-key-rotation") return "Key rotation is already disabled on this key: refresh the stack (pulumi refresh).";
  return "Key rotation is not enabled on this key: enable rotation first (the interval can only be set while rotation is enabled).";
}

/** What the user should do about an error, as one sentence. */
export function adviceFor(code: string, status: number, operation?: ApiOperation): string {
  const specific = operationAdvice(code, operation) ?? BY_CODE[code];
  if (specific !== undefined) return specific;
  if (/^KMS\.030[1-5]$/.test(code)) return CREDENTIALS;
  if (/^KMS\.010[0-4]$/.test(code)) return SERVER;
  if (status === 401 || /^APIG\.03\d\d$/.test(code)) return CREDENTIALS;
  if (status === 403) return PERMISSIONS;
  if (status === 404) return "The key or API was not found: check the key id, region/endpoint and projectId.";
  if (status === 429) return BY_CODE[Kms.Throttled] ?? SERVER;
  if (status >= 500) return SERVER;
  if (status >= 400) return "KMS refused the request: check the key id and the resource's settings against the message above.";
  return "Run the update again; if it keeps failing, report it with the request id.";
}
