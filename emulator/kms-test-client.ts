// A deliberately small KMS caller for the emulator's own tests and benchmarks: raw node:http so a
// test controls every header and byte, and sees dropped connections as errors.
import { request, type IncomingHttpHeaders } from "node:http";
import { kmsMethod, kmsRelativePath, type KmsRoute } from "../provider/kms/kms-routes.js";
import { authorizationHeader, formatSdkDate } from "../provider/transport/aksk-signer.js";
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, DEFAULT_TOKEN } from "./config.js";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
}

/** Sends one request on a fresh connection; rejects when the connection drops. */
export function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body: string | Uint8Array = "",
): Promise<RawResponse> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface CallOptions {
  projectId?: string;
  /** Call this region's endpoint (`/{region}/v1.0/...`); default the un-prefixed path. */
  region?: string;
  /** How to authenticate; default AK/SK with the demo pair. */
  auth?: "aksk" | "token" | "none";
  accessKey?: string;
  secretKey?: string;
  token?: string;
  /** Signing time; default now. */
  date?: Date;
  /** Extra headers, signed too when using AK/SK. */
  headers?: Record<string, string>;
  /** Send these bytes instead of `JSON.stringify(body)`. */
  rawBody?: string;
  /** Change the body after signing (tamper test). */
  tamper?: (signedBody: string) => string;
  /** Send with this method and/or to this path after `/kms/`, not the signed ones (tamper test). */
  sendAs?: { method?: string; relativePath?: string };
}

/** Calls `POST /v1.0/{project}/kms/{operation}` on the emulator at `url`. */
export function callKms(url: string, operation: string, body: unknown, opts: CallOptions = {}): Promise<RawResponse> {
  return callKmsPath(url, "POST", operation, opts.rawBody ?? JSON.stringify(body), opts);
}

/**
 * Calls an operation where kms-routes.ts places it (its method, its path with the key id and tag
 * key filled in), signed over that method and path. GET and DELETE send no body unless one is given.
 */
export function callKmsRoute(url: string, route: KmsRoute, body?: unknown, opts: CallOptions = {}): Promise<RawResponse> {
  const text = opts.rawBody ?? (body === undefined ? "" : JSON.stringify(body));
  return callKmsPath(url, kmsMethod(route.operation), kmsRelativePath(route), text, opts);
}

/** Sends `text` to `{method} [/{region}]/v1.0/{project}/kms/{relativePath}` with the credentials `opts` asks for. */
function callKmsPath(url: string, method: string, relativePath: string, text: string, opts: CallOptions): Promise<RawResponse> {
  const base = `${opts.region === undefined ? "" : `/${opts.region}`}/v1.0/${opts.projectId ?? DEFAULT_PROJECT_ID}/kms/`;
  const path = `${base}${relativePath}`;
  const headers = credentialHeaders(url, method, path, "", text, opts);
  const sentPath = opts.sendAs?.relativePath === undefined ? path : `${base}${opts.sendAs.relativePath}`;
  return send(url, opts.sendAs?.method ?? method, sentPath, headers, opts.tamper ? opts.tamper(text) : text);
}

/** Calls IAM at `GET {pathAndQuery}` (e.g. `/iam/v3/auth/projects`), signed over that path and query. */
export function callIam(url: string, pathAndQuery: string, opts: CallOptions = {}): Promise<RawResponse> {
  const q = pathAndQuery.indexOf("?");
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q === -1 ? "" : pathAndQuery.slice(q + 1);
  return send(url, "GET", pathAndQuery, credentialHeaders(url, "GET", path, query, "", opts));
}

/** The headers of a request with the credentials `opts` asks for: a signature over method, path, query, headers and body, or a token. */
function credentialHeaders(url: string, method: string, path: string, query: string, text: string, opts: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...opts.headers };
  const auth = opts.auth ?? "aksk";
  if (auth === "token") headers["X-Auth-Token"] = opts.token ?? DEFAULT_TOKEN;
  if (auth === "aksk") {
    headers["X-Sdk-Date"] = formatSdkDate(opts.date ?? new Date());
    const signed = { ...headers, Host: new URL(url).host };
    headers.Authorization = authorizationHeader(
      { method, path, query: [...new URLSearchParams(query).entries()], headers: signed, body: text },
      { accessKey: opts.accessKey ?? DEFAULT_ACCESS_KEY, secretKey: opts.secretKey ?? DEFAULT_SECRET_KEY },
    );
  }
  return headers;
}

/** The `{ error_code, error_msg }` of an error response, or undefined. */
export function errorOf(res: RawResponse): { error_code: string; error_msg: string } | undefined {
  const json = res.json as { error?: { error_code: string; error_msg: string } } | undefined;
  return json?.error;
}
