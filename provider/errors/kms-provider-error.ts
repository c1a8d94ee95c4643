// The one family of this package's errors. Each kind is recognised by a marker stored under a
// `Symbol.for` key rather than by `instanceof`: an installed and a linked copy of this package
// (or two versions in one process) define distinct classes, but `Symbol.for` hands both the same
// symbol, so each copy recognises the other's errors. The pattern is the Vercel AI SDK's
// `AISDKError`.

/** Prefix of every marker; a kind's marker is `<prefix>.<name>`. */
export const ERROR_MARKER = "pulumi-huaweicloud-kms.error";
const marker = Symbol.for(ERROR_MARKER);

/** Base of every error this package throws on purpose; `cause` is kept when given. */
export class KmsProviderError extends Error {
  // Read by isInstance through the global symbol registry.
  private readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  /** Whether `error` is one of this package's errors, from any copy of the package. */
  static isInstance(error: unknown): error is KmsProviderError {
    return KmsProviderError.hasMarker(error, ERROR_MARKER);
  }

  /** Whether `error` carries the marker `Symbol.for(markerName)`; for subclasses' `isInstance`. */
  protected static hasMarker(error: unknown, markerName: string): boolean {
    if (typeof error !== "object" || error === null) return false;
    const key = Symbol.for(markerName);
    return key in error && (error as Record<symbol, unknown>)[key] === true;
  }
}

/** The marker name of the kind called `name`. */
export function errorMarker(name: string): string {
  return `${ERROR_MARKER}.${name}`;
}
