// The Pulumi SDK gives each property of a resource four promises and records a stack trace on
// every one, read only to report a leaked promise when PULUMI_DEBUG_PROMISE_LEAKS is set. Where
// stack traces are source-mapped (Pulumi runs TypeScript programs that way, and so do tsx and
// --enable-source-maps), formatting one costs tens of microseconds per frame: for a KeyRotation,
// whose thirteen properties make 56 of them, that was most of the program's time per resource and
// delayed the whole update, since the engine hears of no resource until the program's loop of
// constructors ends. A constructor can skip them for the synchronous span of its `super` call
// (which also runs the resource's legacy `transformations`: an error one throws is re-stacked).
// The stack trace the engine records with the resource (its source position) is unaffected: the
// SDK takes it with a limit of its own.

/** The SDK's switch for leak reports with stack traces: with it set, nothing is skipped. */
export const PROMISE_LEAKS_ENV = "PULUMI_DEBUG_PROMISE_LEAKS";

/**
 * Turns stack capture off until the returned function is called; does nothing while leak
 * debugging is on. Call the returned function in a `finally`.
 */
export function pauseStackTraces(): () => void {
  if (process.env[PROMISE_LEAKS_ENV]) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

/**
 * An error thrown while stack traces were paused has none: it gets the stack of the place that
 * caught it (the resource's constructor, called from the user's program), so the user still sees
 * where it came from. Call after the limit is restored.
 */
export function withStackTrace(e: unknown): unknown {
  if (e instanceof Error && !/\n\s+at /.test(e.stack ?? "")) Error.captureStackTrace(e, withStackTrace);
  return e;
}
