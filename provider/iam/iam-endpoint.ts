// Where IAM is for a scan of the account: the --iam-endpoint flag, else HW_IAM_ENDPOINT, else the
// IAM of the cloud the configured region belongs to (Huawei Cloud's when no region is set). The
// same rules as a KMS endpoint apply: https://, or http:// on loopback only (the emulator).
import { KmsConfigError, normalizeEndpoint } from "../config/kms-config.js";
import { iamEndpointOfRegion } from "../config/regions.js";

/** The environment variable of the IAM endpoint. */
export const IAM_ENDPOINT_ENV = "HW_IAM_ENDPOINT";

/** The IAM endpoint and where it came from. */
export interface ResolvedIamEndpoint {
  endpoint: string;
  /** `--iam-endpoint`, `env HW_IAM_ENDPOINT`, or `region eu-de`. */
  source: string;
}

/** Resolves the IAM endpoint; a malformed one is a KmsConfigError naming IAM and its source. */
export function resolveIamEndpoint(input: { flag?: string | undefined; env: Record<string, string | undefined>; region?: string | undefined }): ResolvedIamEndpoint {
  const given = [
    { value: input.flag, source: "--iam-endpoint" },
    { value: input.env[IAM_ENDPOINT_ENV], source: `env ${IAM_ENDPOINT_ENV}` },
  ].find((g) => g.value !== undefined && g.value.trim() !== "");
  if (given?.value === undefined) {
    return { endpoint: iamEndpointOfRegion(input.region), source: input.region === undefined ? "Huawei Cloud's default" : `region ${input.region}` };
  }
  try {
    return { endpoint: normalizeEndpoint(given.value.trim(), given.source), source: given.source };
  } catch (e) {
    // normalizeEndpoint speaks of a KMS endpoint; this one is IAM's.
    if (KmsConfigError.isInstance(e)) throw new KmsConfigError("iamEndpoint", e.message.replace(/^KMS endpoint/, "IAM endpoint"));
    throw e;
  }
}
