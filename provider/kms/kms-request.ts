// Builds the exact bytes of one KMS call: URL, body and authenticated headers. Kept apart from
// the client so that what is signed can be checked against the official signer on its own.
import { authorizationHeader, formatSdkDate } from "../transport/aksk-signer.js";
import type { KmsClientConfig } from "../config/kms-config.js";
import type { KmsOperation } from "./kms-rules.js";
import { kmsMethod, kmsRelativePath, type HttpMethod, type KmsRoute } from "./kms-routes.js";

/** A request ready to send. */
export interface KmsWireRequest {
  url: URL;
  method: HttpMethod;
  /** Exactly the bytes that were signed. */
  body: string;
  headers: Record<string, string>;
}

/** `{endpoint}/v1.0/{projectId}/kms/{operation}`, or the operation's own path (kms-routes.ts). */
export function kmsOperationUrl(config: Pick<KmsClientConfig, "endpoint" | "projectId">, route: KmsOperation | KmsRoute): URL {
  const r = typeof route === "string" ? { operation: route } : route;
  return new URL(`${config.endpoint}/v1.0/${encodeURIComponent(config.projectId)}/kms/${kmsRelativePath(r)}`);
}

/**
 * Serializes the payload and authenticates the request: AK/SK signs every header sent
 * (`Content-Type`, `Host` with a non-default port, `X-Sdk-Date`, `X-Project-Id`, and
 * `X-Security-Token` for temporary credentials) over the exact body; token mode sends
 * `X-Auth-Token` instead. `date` becomes `X-Sdk-Date`, so each attempt is signed afresh.
 */
export function buildKmsRequest(
  config: Pick<KmsClientConfig, "endpoint" | "projectId" | "credentials">,
  route: KmsOperation | KmsRoute,
  payload: Readonly<Record<string, unknown>> | undefined,
  date: Date,
): KmsWireRequest {
  const url = kmsOperationUrl(config, route);
  const method = kmsMethod(typeof route === "string" ? route : route.operation);
  // A GET or DELETE carries no body; the signature then covers the empty string.
  const body = payload === undefined ? "" : JSON.stringify(payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Host: url.host,
    "X-Project-Id": config.projectId,
  };
  const creds = config.credentials;
  if (creds.kind === "token") {
    headers["X-Auth-Token"] = creds.token;
    return { url, method, body, headers };
  }
  headers["X-Sdk-Date"] = formatSdkDate(date);
  if (creds.securityToken !== undefined) headers["X-Security-Token"] = creds.securityToken;
  headers.Authorization = authorizationHeader({ method, path: url.pathname, headers: { ...headers }, body }, creds);
  return { url, method, body, headers };
}
