// How a failure reaches a Pulumi program's user: as one line. Both SDK entry points' functions
// throw through here.
import * as pulumi from "@pulumi/pulumi";

/**
 * `e` as a RunError whose stack is its message. Pulumi shows a RunError as its message alone, but
 * its Node.js runtime still formats the error first (util.inspect, which source-maps every frame
 * of a lazily built stack: 20 to 30 s measured with CLI 3.274.1 and SDK 3.270, against 3 s for a
 * stack that is already text); a gRPC callback's stack would tell the user nothing anyway.
 */
export function programError(e: unknown): pulumi.RunError {
  const error = new pulumi.RunError(e instanceof Error ? e.message : String(e));
  error.stack = error.message;
  return error;
}

/** `promise`, failing with {@link programError}. */
export function inOneLine<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((e: unknown) => {
    throw programError(e);
  });
}
