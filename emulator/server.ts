// HTTP wiring: routes requests to the admin API or through faults, throttling, authentication
// and the KMS handlers, and records every API request.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import { matchKmsRoute } from "../provider/kms/kms-routes.js";
import { KMS_OPERATIONS } from "../provider/kms/kms-rules.js";
import { applySeed, handleAdmin, isLoopbackAddress, type AdminContext, type SeedFile } from "./admin-api.js";
import { authenticate, type AuthRequest } from "./auth.js";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_DOMAIN_ID,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  DEFAULT_TOKEN,
  type AkSkCredential,
  type AuthConfig,
  type TokenCredential,
} from "./config.js";
import { FaultInjector, seededRandom, type FaultAction, type FaultTarget } from "./faults.js";
import { handleIamOperation, matchIamRoute, type IamRoute } from "./iam-handlers.js";
import { handleKmsOperation, keyIdOf, type Outcome } from "./kms-handlers.js";
import { KmsState } from "./kms-state.js";
import { ProjectRegistry } from "./projects.js";
import { TokenBucket } from "./rate-limiter.js";
import { loggableBody, RequestLog, type RequestLogEntry } from "./request-log.js";

/** Options of {@link startEmulator}; everything has a documented default. */
export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Projects and keys to start with. */
  seed?: SeedFile;
  /** Accepted AK/SK pairs; default the demo pair. */
  credentials?: AkSkCredential | readonly AkSkCredential[];
  /** Accepted `X-Auth-Token`s; default the demo token. */
  tokens?: readonly (string | TokenCredential)[];
  /** Requests per second before 429 APIG.0308; default unlimited. */
  rateLimit?: number;
  /** Allowed `X-Sdk-Date` skew; default 900 s. */
  clockSkewSeconds?: number;
  /** Answer get-key-rotation-status with strings (`"true"`, `"90"`, ms as a string). */
  looseTypes?: boolean;
  /** Project of keys created without one; default {@link DEFAULT_PROJECT_ID}. */
  defaultProjectId?: string;
  /** Seed of the PRNG behind fault probabilities and jitter; default non-deterministic. */
  randomSeed?: number;
  /** Clock in epoch milliseconds, for signature skew and rotation timestamps; default Date.now. */
  now?: () => number;
}

/** A started emulator. */
export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Stops listening, drops open connections (hanging ones too) and resolves when closed. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * `[/{region}]/v1.0/{project_id}/kms/<the operation's path>`, one trailing slash tolerated: the
 * optional first segment is the region whose KMS endpoint is called (absent: the default region).
 */
const KMS_PATH = /^(?:\/([A-Za-z0-9][A-Za-z0-9.-]*))?\/v1\.0\/([^/]+)\/kms\/(.+?)\/?$/;

function authConfig(options: EmulatorOptions): AuthConfig {
  const credentials =
    options.credentials === undefined
      ? [{ accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY }]
      : Array.isArray(options.credentials)
        ? (options.credentials as readonly AkSkCredential[])
        : [options.credentials as AkSkCredential];
  const tokens = (options.tokens ?? [DEFAULT_TOKEN]).map((t) => (typeof t === "string" ? { token: t } : t));
  return { credentials, tokens, clockSkewSeconds: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      // A KMS body arrives in one chunk, its own copy of the bytes: nothing to join.
      resolve(size > MAX_BODY_BYTES ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/** What authentication hashes for a request without a body (or one too large to keep). */
const EMPTY_BODY = Buffer.alloc(0);
/** The query of a request without one, as authentication takes it. */
const NO_QUERY: readonly (readonly [string, string])[] = [];

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (status === 204) {
    // No Content: no body, so no content headers either.
    res.writeHead(status, { "X-Request-Id": randomUUID(), ...headers });
    res.end();
    return;
  }
  const text = body === undefined ? "" : JSON.stringify(body);
  const head: Record<string, string> = {
    "Content-Type": "application/json;charset=UTF-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "X-Request-Id": randomUUID(),
  };
  // Extra headers (Retry-After) come last; most answers have none, and then nothing is copied.
  if (headers !== undefined) Object.assign(head, headers);
  res.writeHead(status, head);
  res.end(text);
}

function injectedMessage(status: number): string {
  if (status === 429) return "The throttling threshold has been reached (injected fault)";
  if (status >= 500) return `Service error, please retry (injected fault, HTTP ${status})`;
  return `Injected fault: HTTP ${status}`;
}

function apiNotFound(): Outcome {
  return { ok: false, status: 404, code: KmsErrorCode.ApiNotFound, message: "The API does not exist or has not been published in the environment" };
}

function errorBody(code: string, message: string): unknown {
  return { error: { error_code: code, error_msg: message } };
}

/** Starts an emulator on `host:port` and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const defaultProjectId = options.defaultProjectId ?? DEFAULT_PROJECT_ID;
  const state = new KmsState(defaultProjectId, now);
  const projects = new ProjectRegistry(defaultProjectId);
  const log = new RequestLog();
  const faults = new FaultInjector(options.randomSeed === undefined ? Math.random : seededRandom(options.randomSeed));
  const auth = authConfig(options);
  const looseTypes = options.looseTypes ?? false;
  const newBucket = (): TokenBucket | undefined =>
    options.rateLimit === undefined ? undefined : new TokenBucket(options.rateLimit);
  let bucket = newBucket();
  if (options.seed) applySeed(state, projects, options.seed);

  const admin: AdminContext = {
    state,
    projects,
    log,
    faults,
    reset() {
      state.clear();
      projects.clear();
      log.clear();
      faults.clear();
      bucket = newBucket();
    },
  };
  // Cancels latency sleeps and releases hanging requests when the emulator closes.
  const closing = new AbortController();
  const hanging = new Set<Socket>();

  async function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const forwarded = req.headers.forwarded !== undefined || req.headers["x-forwarded-for"] !== undefined;
    if (!isLoopbackAddress(req.socket.remoteAddress) || forwarded) {
      send(res, 403, errorBody("EMULATOR.ADMIN", "the admin API is only served to loopback peers"));
      return;
    }
    const body = await readBody(req);
    const out = handleAdmin(admin, req.method ?? "GET", path.slice("/__admin".length), body?.toString("utf8") ?? "");
    send(res, out.status, out.body);
  }

  function answer(res: ServerResponse, entry: RequestLogEntry, outcome: Outcome, headers?: Record<string, string>): void {
    if (outcome.ok) {
      // An outcome without a body is KMS's 204 No Content (the tag writes).
      entry.status = outcome.body === undefined ? 204 : 200;
      send(res, entry.status, outcome.body, headers);
      return;
    }
    entry.status = outcome.status;
    entry.errorCode = outcome.code;
    send(res, entry.status, errorBody(outcome.code, outcome.message), headers);
  }

  function faultOutcome(action: FaultAction & { kind: "status" }): { outcome: Outcome; headers: Record<string, string> } {
    const code =
      action.errorCode ?? (action.status === 429 ? KmsErrorCode.Throttled : action.status === 503 ? KmsErrorCode.ServiceUnavailable : KmsErrorCode.InternalError);
    const retryAfter = action.retryAfter === null ? undefined : (action.retryAfter ?? (action.status === 429 ? 1 : undefined));
    return {
      outcome: { ok: false, status: action.status, code, message: action.errorMsg ?? injectedMessage(action.status) },
      headers: retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
    };
  }

  /**
   * The steps every API call takes before its handler: faults, then the rate limit. Undefined when
   * the request is already answered, dropped or hanging; otherwise the fault to act on after the
   * handler (a lost answer, or an error after applying).
   */
  async function admit(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RequestLogEntry,
    operation: string,
    keyId: string | undefined,
    target: FaultTarget,
  ): Promise<{ action: FaultAction | undefined } | undefined> {
    const decision = faults.decide(operation, keyId, target);
    if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: closing.signal });
    const action = decision.action;
    if (action?.kind === "reset-before") {
      req.socket.destroy();
      return undefined;
    }
    if (action?.kind === "hang") {
      hanging.add(req.socket);
      req.socket.once("close", () => hanging.delete(req.socket));
      return undefined;
    }
    if (action?.kind === "status" && action.afterApply !== true) {
      const { outcome, headers } = faultOutcome(action);
      answer(res, entry, outcome, headers);
      return undefined;
    }

    const throttled = bucket?.take();
    if (throttled && !throttled.ok) {
      answer(
        res,
        entry,
        {
          ok: false,
          status: 429,
          code: KmsErrorCode.Throttled,
          message: `The throttling threshold has been reached: policy user over ratelimit, limit:${options.rateLimit ?? 0}, time:1 second`,
        },
        { "Retry-After": String(throttled.retryAfterSeconds) },
      );
      return undefined;
    }
    return { action };
  }

  /** Answers the handler's outcome, unless a fault loses the answer or replaces it after applying. */
  function finish(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, action: FaultAction | undefined, outcome: Outcome): void {
    if (action?.kind === "reset-after") {
      // The change is applied but the answer is lost: what a client sees when a connection dies mid-flight.
      req.socket.destroy();
      return;
    }
    if (action?.kind === "status") {
      const { outcome: injected, headers } = faultOutcome(action);
      answer(res, entry, injected, headers);
      return;
    }
    answer(res, entry, outcome);
  }

  function authRequest(req: IncomingMessage, path: string, query: string, body: Buffer | undefined, projectId: string | undefined): AuthRequest {
    return {
      method: req.method ?? "GET",
      path,
      // KMS calls carry no query: spare them building a URLSearchParams.
      query: query === "" ? NO_QUERY : [...new URLSearchParams(query).entries()],
      headers: req.headers,
      body: body ?? EMPTY_BODY,
      projectId,
    };
  }

  async function serveKms(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const body = await readBody(req);
    const raw = body?.toString("utf8") ?? "";
    const method = req.method ?? "GET";
    const [, pathRegion, projectId, relativePath] = KMS_PATH.exec(path) ?? [];
    const route = relativePath === undefined ? undefined : matchKmsRoute(method, relativePath, KMS_OPERATIONS);
    // Un-prefixed paths are the default region's endpoint.
    const region = projectId === undefined ? undefined : (pathRegion ?? projects.defaultRegion);
    // The body is parsed once, for the log; its key id is read from that parse.
    const logged = loggableBody(raw);
    // Tag operations name their key in the path, the others in the body.
    const keyId = route?.keyId ?? keyIdOf(logged);
    // Fields that do not apply stay undefined, which the admin API's JSON leaves out: every entry
    // has one shape and no request builds throwaway objects to spread.
    const entry = log.record({
      operation: route?.operation ?? relativePath ?? path,
      keyId,
      projectId,
      region,
      body: logged,
      status: 0,
      at: new Date(now()).toISOString(),
    });
    if (projectId === undefined || route === undefined) {
      answer(res, entry, apiNotFound());
      return;
    }

    const admitted = await admit(req, res, entry, route.operation, keyId, { projectId, region });
    if (!admitted) return;
    const authResult = authenticate(authRequest(req, path, query, body, projectId), auth, now());
    if (!authResult.ok) {
      answer(res, entry, authResult);
      return;
    }
    const outcome =
      projects.kmsRefusal(projectId, pathRegion) ??
      (body === undefined
        ? ({ ok: false, status: 400, code: KmsErrorCode.InvalidBody, message: "Invalid request body: larger than 1 MiB" } as const)
        : handleKmsOperation(state, route, projectId, raw, { looseTypes }));
    finish(req, res, entry, admitted.action, outcome);
  }

  async function serveIam(req: IncomingMessage, res: ServerResponse, route: IamRoute, path: string, query: string): Promise<void> {
    const body = await readBody(req);
    const entry = log.record({
      operation: route.operation ?? path,
      body: loggableBody(body?.toString("utf8") ?? ""),
      status: 0,
      at: new Date(now()).toISOString(),
    });
    if (route.operation === undefined) {
      answer(res, entry, apiNotFound());
      return;
    }
    const admitted = await admit(req, res, entry, route.operation, undefined, {});
    if (!admitted) return;
    const authResult = authenticate(authRequest(req, path, query, body, undefined), auth, now());
    if (!authResult.ok) {
      // IAM has no KMS codes: every refusal of the credentials is the gateway's 401 (assumed, README).
      answer(res, entry, { ok: false, status: 401, code: KmsErrorCode.Unauthorized, message: authResult.message });
      return;
    }
    const outcome = handleIamOperation(projects, route.operation, route, new URLSearchParams(query), {
      domainId: DEFAULT_DOMAIN_ID,
      baseUrl: `http://${req.headers.host ?? `127.0.0.1:${String((req.socket.localPort ?? 0))}`}${route.prefix}`,
      boundProjectId: authResult.boundProjectId,
    });
    finish(req, res, entry, admitted.action, outcome);
  }

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? "" : url.slice(q + 1);
    const iamRoute = matchIamRoute(req.method ?? "GET", path);
    const served =
      path === "/__admin" || path.startsWith("/__admin/")
        ? serveAdmin(req, res, path)
        : iamRoute
          ? serveIam(req, res, iamRoute, path, query)
          : serveKms(req, res, path, query);
    served.catch((err: unknown) => {
      if (closing.signal.aborted) {
        req.socket.destroy();
        return;
      }
      if (!res.headersSent) send(res, 500, errorBody(KmsErrorCode.ServerError, `Emulator error: ${String(err)}`));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; that is the address clients on this machine want.
  const host = options.host === undefined || options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        for (const socket of hanging) socket.destroy();
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
