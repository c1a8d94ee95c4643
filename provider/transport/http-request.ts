// Sends one HTTP request and hands back what came back. Transport only: no signing, no status
// interpretation, no retries — those belong to the caller, which knows what the request means.
import { Agent, request, type Dispatcher } from "undici";

/** One request, already complete (headers signed, body serialized). */
export interface HttpRequest {
  url: URL;
  method: "POST" | "GET";
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

/** The request got no HTTP answer: it timed out or the connection failed. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly kind: "timeout" | "network",
    /** Node/undici error code (`ECONNRESET`, `UND_ERR_SOCKET`, ...), `TIMEOUT`, or `UNKNOWN`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
  const timeout = new TransportError("timeout", "TIMEOUT", `no response within ${req.timeoutMs} ms`);
  const timer = setTimeout(() => {
    controller.abort(timeout);
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
    if (controller.signal.aborted) throw timeout;
    if (err instanceof TransportError) throw err;
    const code = errorCode(err) ?? "UNKNOWN";
    const detail = err instanceof Error ? err.message : String(err);
    throw new TransportError("network", code, `${code}: ${detail}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
