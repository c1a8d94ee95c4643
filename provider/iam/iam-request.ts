// Builds the exact bytes of one IAM call: URL and authenticated headers. Kept apart from the client
// so that what is signed can be checked against the official signer on its own. IAM is signed as
// KMS is (SDK-HMAC-SHA256 over the method, the path and the body), but it is global per cloud and
// its projects call names no project: there is no X-Project-Id.
import type { KmsClientConfig } from "../config/kms-config.js";
import { authorizationHeader, formatSdkDate } from "../transport/aksk-signer.js";

/** IAM's own path of the projects the credentials may use (Keystone's "auth projects"). */
export const LIST_AUTH_PROJECTS_PATH = "/v3/auth/projects";

/** What an IAM call needs: where IAM is and the credentials. */
export interface IamTarget {
  /** `https://iam.myhuaweicloud.com`, or a loopback `http://` emulator; no trailing slash. */
  iamEndpoint: string;
  credentials: KmsClientConfig["credentials"];
}

/** A request ready to send. */
export interface IamWireRequest {
  url: URL;
  method: "GET";
  /** Exactly what was signed: a GET carries no body, so the empty string. */
  body: "";
  headers: Record<string, string>;
}

/** `{iamEndpoint}/v3/auth/projects` (a path prefix in the endpoint is kept). */
export function listProjectsUrl(iamEndpoint: string): URL {
  return new URL(`${iamEndpoint}${LIST_AUTH_PROJECTS_PATH}`);
}

/**
 * The signed GET of the projects: AK/SK signs `Content-Type`, `Host`, `X-Sdk-Date` (and
 * `X-Security-Token` for temporary credentials) over the empty body; token mode sends
 * `X-Auth-Token` instead. `date` becomes `X-Sdk-Date`, so each attempt is signed afresh.
 */
export function buildListProjectsRequest(target: IamTarget, date: Date): IamWireRequest {
  const url = listProjectsUrl(target.iamEndpoint);
  const headers: Record<string, string> = { "Content-Type": "application/json", Host: url.host };
  const creds = target.credentials;
  if (creds.kind === "token") {
    headers["X-Auth-Token"] = creds.token;
    return { url, method: "GET", body: "", headers };
  }
  headers["X-Sdk-Date"] = formatSdkDate(date);
  if (creds.securityToken !== undefined) headers["X-Security-Token"] = creds.securityToken;
  headers.Authorization = authorizationHeader({ method: "GET", path: url.pathname, headers: { ...headers }, body: "" }, creds);
  return { url, method: "GET", body: "", headers };
}
