// What the engine layer hands a vehicle when a call fails: a one-line error for the user, or a
// partial failure that tells the engine what now exists. Each vehicle puts them in its own shape
// (the dynamic provider host reads `id`/`properties`/`reasons` off the error; a plugin sends an
// ErrorResourceInitFailed detail).
import { errorMarker, KmsProviderError } from "../errors/kms-provider-error.js";

/**
 * An error the engine shows as one line: the engine prints a provider error's stack, and a stack
 * trace tells a user nothing about a KMS refusal.
 */
export function oneLineError(e: unknown, suffix = ""): Error {
  const message = (e instanceof Error ? e.message : String(e)) + suffix;
  const err = new Error(message);
  err.stack = message;
  return err;
}

const NAME = "PartialFailure";
const partialFailureMarker = Symbol.for(errorMarker(NAME));

/** Some calls of a change landed and a later one failed: `properties` is what KMS holds now. */
export class PartialFailure extends KmsProviderError {
  override readonly name = NAME;
  private readonly [partialFailureMarker] = true;
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
    this.stack = message;
  }

  /** Recognizes a PartialFailure from any copy of this module. */
  static override isInstance(e: unknown): e is PartialFailure {
    return KmsProviderError.hasMarker(e, errorMarker(NAME));
  }
}
