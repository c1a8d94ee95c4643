// Sends one HTTP request and hands back what came back. Transport only: no signing, no status
// interpretation, no retries — those belong to the caller, which knows what the request means.
import { Agent, request, type Dispatcher } from "undici";
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
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Sends the request; throws {@link TransportError} when no HTTP response could be read. */
export async function sendHttpRequest(req: HttpRequest): Promise<HttpResponse> {
  const controller = new AbortController();
  // Made only when the timer fires: an error (and its stack trace) per request would cost every
  // request for the few that time out.
  const timedOut = (): TransportError =>
    new TransportError("timeout", "TIMEOUT", `no response within ${req.timeoutMs} ms`, {
      mayHaveLanded: mayHaveLanded({ kind: "timeout" }),
    });
  const timer = setTimeout(() => {
    controller.abort(timedOut());
  }, req.timeoutMs);
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: { ...req.headers },
      body: req.body,
      dispatcher: req.dispatcher ?? sharedDispatcher(),
      signal: controller.signal,
    });
    const body = await res.body.text();
    // undici marks the connection idle a tick after the body ends; without this yield a caller's
    // next request, sent at once, finds it busy and opens a second socket.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { status: res.statusCode, headers: flattenHeaders(res.headers), body };
  } catch (err) {
    if (controller.signal.aborted) throw TransportError.isInstance(controller.signal.reason) ? controller.signal.reason : timedOut();
    if (TransportError.isInstance(err)) throw err;
    const code = errorCode(err) ?? "UNKNOWN";
    const detail = err instanceof Error ? err.message : String(err);
    throw new TransportError("network", code, `${code}: ${detail}`, { mayHaveLanded: mayHaveLanded({ kind: "network", code }), cause: err });
  } finally {
    clearTimeout(timer);
  }
}
