// Authentication as the API gateway and KMS perform it: AK/SK signatures (verified with the
// project's signer, so the emulator and the client cannot drift apart silently) or IAM tokens.
// Pure: the clock comes in as an argument.
import type { IncomingHttpHeaders } from "node:http";
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import {
  computeSignature,
  parseAuthorizationHeader,
  parseSdkDate,
  signaturesEqual,
} from "../provider/transport/aksk-signer.js";
import type { AkSkCredential, AuthConfig, TokenCredential } from "./config.js";
import { apiError, type Outcome } from "./kms-handlers.js";

/** What authentication looks at. */
export interface AuthRequest {
  method: string;
  /** Path as received, percent-encoding intact, without the query. */
  path: string;
  query: readonly (readonly [string, string])[];
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  /** The project of the URI; IAM calls have none, and then no project binding is checked. */
  projectId?: string | undefined;
}

/** Who called, and the one project their credentials are bound to, if any. */
export type AuthResult = { ok: true; principal: string; boundProjectId?: string } | (Outcome & { ok: false });

const IAM = "Incorrect IAM authentication information";

function denied(detail: string): Outcome & { ok: false } {
  return apiError(401, KmsErrorCode.Unauthorized, `${IAM}: ${detail}`);
}

function projectMismatch(detail: string): Outcome & { ok: false } {
  return apiError(403, KmsErrorCode.ProjectMismatch, `The project in the URI does not match ${detail}`);
}

/** A header as one string (repeated headers joined the way Node joins them). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Checks the credentials of an API request; `now` is epoch milliseconds. */
export function authenticate(req: AuthRequest, config: AuthConfig, now: number): AuthResult {
  const authorization = headerValue(req.headers, "authorization");
  // The SDKs send one or the other; a signature, when present, is what the gateway checks.
  const result =
    authorization !== undefined
      ? verifyAkSk(req, authorization, config, now)
      : verifyToken(req, headerValue(req.headers, "x-auth-token"), config.tokens, now);
  if (!result.ok) return result;
  const headerProject = headerValue(req.headers, "x-project-id");
  if (req.projectId !== undefined && headerProject !== undefined && headerProject !== req.projectId) {
    return projectMismatch(`the X-Project-Id header (${headerProject})`);
  }
  return result;
}

function verifyAkSk(req: AuthRequest, authorization: string, config: AuthConfig, now: number): AuthResult {
  const parsed = parseAuthorizationHeader(authorization);
  if (!parsed) return denied("the Authorization header is not an SDK-HMAC-SHA256 signature");
  const sdkDate = headerValue(req.headers, "x-sdk-date");
  if (sdkDate === undefined) return denied("x-sdk-date not found");
  const signedAt = parseSdkDate(sdkDate);
  if (!signedAt) return denied(`x-sdk-date ${sdkDate} is not in the form YYYYMMDDTHHMMSSZ`);
  if (!parsed.signedHeaders.includes("x-sdk-date")) return denied("x-sdk-date is not among the signed headers");
  const skewSeconds = Math.round(Math.abs(now - signedAt.getTime()) / 1000);
  if (skewSeconds > config.clockSkewSeconds) {
    return denied(
      `x-sdk-date ${sdkDate} is ${skewSeconds}s away from the server time (allowed: ${config.clockSkewSeconds}s)`,
    );
  }
  const credential: AkSkCredential | undefined = config.credentials.find((c) => c.accessKey === parsed.accessKey);
  if (!credential) return denied(`ak ${parsed.accessKey} not exist`);

  const signed: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return denied(`signed header ${name} is missing from the request`);
    signed[name] = value;
  }
  const expected = computeSignature(
    { method: req.method, path: req.path, query: req.query, headers: signed, body: req.body },
    credential.secretKey,
  );
  if (!signaturesEqual(expected, parsed.signature)) return denied("verify aksk signature fail");

  if (credential.securityToken !== undefined) {
    const presented = headerValue(req.headers, "x-security-token");
    if (presented !== credential.securityToken) {
      return denied(
        presented === undefined ? "x-security-token not found for temporary credentials" : "security token invalid",
      );
    }
  }
  if (credential.projectId === undefined) return { ok: true, principal: `ak:${credential.accessKey}` };
  if (req.projectId !== undefined && credential.projectId !== req.projectId) {
    return projectMismatch(`the project of access key ${credential.accessKey}`);
  }
  return { ok: true, principal: `ak:${credential.accessKey}`, boundProjectId: credential.projectId };
}

function verifyToken(
  req: AuthRequest,
  token: string | undefined,
  tokens: readonly TokenCredential[],
  now: number,
): AuthResult {
  if (token === undefined) return denied("no X-Auth-Token or Authorization header in the request");
  if (token.trim() === "") return apiError(403, KmsErrorCode.TokenMissing, "The token is empty");
  const known = tokens.find((t) => t.token === token);
  if (!known) return apiError(403, KmsErrorCode.TokenInvalid, "The token is invalid");
  if (known.expiresAt !== undefined && now > known.expiresAt) return apiError(403, KmsErrorCode.TokenExpired, "The token has expired");
  if (known.projectId === undefined) return { ok: true, principal: "token" };
  if (req.projectId !== undefined && known.projectId !== req.projectId) return projectMismatch("the token's project");
  return { ok: true, principal: "token", boundProjectId: known.projectId };
}
