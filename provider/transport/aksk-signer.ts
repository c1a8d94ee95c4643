// Huawei Cloud API Gateway request signing, SDK-HMAC-SHA256 (what the official SDKs use).
// Pure: no clock and no I/O, so the signature of a request is a function of its inputs.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

/** The parts of an HTTP request that take part in the signature. */
export interface SignableRequest {
  method: string;
  /** Path without query, e.g. `/v1.0/<project>/kms/enable-key-rotation`. */
  path: string;
  /** Query parameters; a key may repeat. */
  query?: readonly (readonly [string, string])[];
  /** Headers to sign (names in any case). `X-Sdk-Date` must be among them. */
  headers: Readonly<Record<string, string>>;
  body: string | Uint8Array;
}

export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
}

/** Formats a date as `YYYYMMDDTHHMMSSZ`, the `X-Sdk-Date` form. */
export function formatSdkDate(date: Date): string {
  // From `YYYY-MM-DDTHH:MM:SS.sssZ`.
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when malformed. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// RFC 3986 unreserved characters stay; everything else is %XX with upper-case hex.
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// A path of unreserved characters (every KMS path but a tag key's) is its own canonical form.
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;

function canonicalUri(path: string): string {
  if (UNRESERVED_PATH.test(path)) return path.endsWith("/") ? path : `${path}/`;
  const segments = path.split("/").map((segment) => escape(decodeURIComponentSafe(segment)));
  const uri = segments.join("/");
  // Signing always sees a trailing slash, whether or not the request path has one.
  return uri.endsWith("/") ? uri : `${uri}/`;
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return query
    .map(([k, v]) => [escape(k), escape(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka === kb ? compare(va, vb) : compare(ka, kb)))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Lower-case names of the headers that will be signed, sorted. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort(compare);
}

/** The canonical request string (exposed so tests and the emulator can explain mismatches). */
export function canonicalRequest(req: SignableRequest, names: readonly string[] = signedHeaderNames(req.headers)): string {
  const lower = new Map(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const headerBlock = names.map((n) => `${n}:${lower.get(n) ?? ""}\n`).join("");
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query ?? []),
    headerBlock,
    names.join(";"),
    sha256Hex(req.body),
  ].join("\n");
}

function sdkDateOf(req: SignableRequest): string {
  const entry = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "x-sdk-date");
  if (!entry) throw new Error("cannot sign a request without an X-Sdk-Date header");
  return entry[1];
}

/** Hex HMAC-SHA256 signature of the request. */
export function computeSignature(req: SignableRequest, secretKey: string, names: readonly string[] = signedHeaderNames(req.headers)): string {
  const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDateOf(req)}\n${sha256Hex(canonicalRequest(req, names))}`;
  return createHmac("sha256", secretKey).update(stringToSign).digest("hex");
}

/** The `Authorization` header value for the request. */
export function authorizationHeader(req: SignableRequest, creds: AkSkCredentials): string {
  const names = signedHeaderNames(req.headers);
  const signature = computeSignature(req, creds.secretKey, names);
  return `${SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
}

/** The parts of an `Authorization` header; undefined when it is not an SDK-HMAC-SHA256 one. */
export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorizationHeader(value: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const [, accessKey, signedHeaders, signature] = m as unknown as [string, string, string, string];
  return { accessKey, signedHeaders: signedHeaders.split(";"), signature: signature.toLowerCase() };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a.toLowerCase(), "utf8");
  const bb = Buffer.from(b.toLowerCase(), "utf8");
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
