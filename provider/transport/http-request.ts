// Sends one HTTP request and hands back what came back. Transport only: no signing, no status
// interpretation, no retries — those belong to the caller, which knows what the request means.
import { Agent, type Dispatcher } from "undici";
import { errorMarker, KmsProviderError } from "../errors/kms-provider-error.js";
import { mayHaveLanded } from "./retry-policy.js";

/** One request, already complete (headers signed, body serialized). */
export interface HttpRequest {
  url: URL;
  method: "POST" | "GET" | "DELETE";
  /** Sent as given; a `Host` entry replaces the one undici would derive from the URL. */
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** Abort when no complete response (headers and body) arrived within this time. */
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

/** The raw answer: status, lower-case header names, body as text. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TRANSPORT_ERROR_NAME = "TransportError";
const markerName = errorMarker(TRANSPORT_ERROR_NAME);
const marker = Symbol.for(markerName);

/** The request got no HTTP answer: it timed out or the connection failed. */
export class TransportError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [marker] = true;
  override readonly name = TRANSPORT_ERROR_NAME;
  /** Whether the server may have received and acted on the request (see retry-policy.ts). */
  readonly mayHaveLanded: boolean;

  constructor(
    readonly kind: "timeout" | "network",
    /** Node/undici error code (`ECONNRESET`, `UND_ERR_SOCKET`, ...), `TIMEOUT`, or `UNKNOWN`. */
    readonly code: string,
    message: string,
    options: { mayHaveLanded: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.mayHaveLanded = options.mayHaveLanded;
  }

  /** Whether `error` is a TransportError, from any copy of this package. */
  static override isInstance(error: unknown): error is TransportError {
    return KmsProviderError.hasMarker(error, markerName);
  }
}

let sharedAgent: Agent | undefined;

/**
 * The process-wide connection pool: undici keeps one keep-alive pool per origin inside it, so
 * every client in the process reuses warm TLS connections to KMS. Idle sockets are unref'd by
 * undici and do not keep the process alive.
 */
export function sharedDispatcher(): Dispatcher {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000, connectTimeout: 10_000 });
  return sharedAgent;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return undefined;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function networkError(err: unknown): TransportError {
  const code = errorCode(err) ?? "UNKNOWN";
  const detail = err instanceof Error ? err.message : String(err);
  return new TransportError("network", code, `${code}: ${detail}`, { mayHaveLanded: mayHaveLanded({ kind: "network", code }), cause: err });
}

/**
 * Sends the request; throws {@link TransportError} when no HTTP response could be read.
 *
 * Through undici's dispatch interface rather than `request`: the answer is a few hundred bytes
 * read whole, so the stream body, the AbortSignal and their listeners that `request` sets up
 * for every call are pure cost, and a refresh of thousands of keys pays it once per key.
 */
export function sendHttpRequest(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let timedOut: TransportError | undefined;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    /** The first outcome wins: a late answer after a timeout, or an abort's error, is dropped. */
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (err: TransportError): void => {
      settle(() => {
        reject(err);
      });
    };
    const timer = setTimeout(() => {
      // Made only when the timer fires: an error (and its stack trace) per request would cost
      // every request for the few that time out.
      timedOut = new TransportError("timeout", "TIMEOUT", `no response within ${req.timeoutMs} ms`, {
        mayHaveLanded: mayHaveLanded({ kind: "timeout" }),
      });
      fail(timedOut);
      // A request still queued for a connection is aborted when it starts (onRequestStart).
      controller?.abort(timedOut);
    }, req.timeoutMs);
    const { url } = req;
    try {
      (req.dispatcher ?? sharedDispatcher()).dispatch(
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: req.method, headers: req.headers, body: req.body ?? null },
        {
          onRequestStart(c) {
            controller = c;
            if (timedOut) c.abort(timedOut);
          },
          onResponseStart(_c, statusCode, responseHeaders) {
            status = statusCode;
            headers = flattenHeaders(responseHeaders);
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (settled) return;
            const body = Buffer.concat(chunks).toString("utf8");
            // undici frees the connection in an immediate it queues after this callback returns;
            // answering before it runs would send a caller's next request, made at once, to a
            // second socket. An immediate queued from an immediate runs after it.
            setImmediate(() => {
              setImmediate(() => {
                settle(() => {
                  resolve({ status, headers, body });
                });
              });
            });
          },
          onResponseError(_c, err) {
            fail(TransportError.isInstance(err) ? err : networkError(err));
          },
        },
      );
    } catch (err) {
      fail(networkError(err));
    }
  });
}
