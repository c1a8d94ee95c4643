// Resource options and run facts that the engine never hands a dynamic provider: the SDK, which
// sees them in the program, forwards them as hidden inputs. Pure and dependency-free, because the
// user's program loads this module too.

/** Hidden input names. Each is absent unless the program sets what it carries. */
export const FORWARDED = {
  /** `true` while the program runs for a preview (`pulumi preview`, the preview half of `up`). */
  preview: "__preview",
  /** The `customTimeouts` resource option in milliseconds: `{create?, update?, delete?}`. */
  timeouts: "__timeouts",
  /** The `replaceOnChanges` resource option, reduced to the properties that can change in place. */
  replaceOnChanges: "__replaceOnChanges",
  /** The resource's URN, only while `PULUMI_KMS_DEBUG` is set: debug lines name their resource. */
  urn: "__urn",
  /** The stack's identity `<project>/<stack>`, only while claims are on: the claim the key's tag carries. */
  stack: "__stack",
} as const;

/** The environment variable that turns on one line per KMS call. */
export const DEBUG_ENV = "PULUMI_KMS_DEBUG";

/** `customTimeouts` as milliseconds per operation. */
export interface OperationTimeouts {
  create?: number;
  update?: number;
  delete?: number;
}

export type TimedOperation = keyof OperationTimeouts;

/** Properties a KeyRotation changes in place, so `replaceOnChanges` can turn them into replacements. */
export const IN_PLACE_PROPERTIES = ["enabled", "intervalDays"] as const;
export type InPlaceProperty = (typeof IN_PLACE_PROPERTIES)[number];

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * Parses a Pulumi `customTimeouts` value ("90s", "5m", "1h30m", "1.5h"; Go duration syntax
 * without signs or µs) into milliseconds. Throws an error naming the option, the value and the rule.
 */
export function parseTimeout(option: TimedOperation, text: string): number {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    throw new Error(
      `customTimeouts.${option} "${text}" is not a duration: use a number with a unit, e.g. "90s", "5m" or "1h30m"`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ms += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
  }
  if (ms <= 0) throw new Error(`customTimeouts.${option} "${text}" must be longer than zero`);
  return Math.round(ms);
}

/** The forwarded timeouts of `customTimeouts`, or undefined when it sets none. */
export function forwardTimeouts(custom: Partial<Record<TimedOperation, string>> | undefined): OperationTimeouts | undefined {
  if (custom === undefined) return undefined;
  const out: OperationTimeouts = {};
  for (const op of ["create", "update", "delete"] as const) {
    const text = custom[op];
    if (text !== undefined && text !== "") out[op] = parseTimeout(op, text);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The in-place properties named by `replaceOnChanges` ("*" names them all), or undefined if none. */
export function forwardReplaceOnChanges(paths: readonly string[] | undefined): InPlaceProperty[] | undefined {
  if (paths === undefined) return undefined;
  const named = IN_PLACE_PROPERTIES.filter((p) => paths.includes("*") || paths.includes(p));
  return named.length === 0 ? undefined : named;
}

/** Reads forwarded timeouts back from raw properties; anything malformed counts as unset. */
export function readTimeouts(props: Readonly<Record<string, unknown>>): OperationTimeouts {
  const raw = props[FORWARDED.timeouts];
  if (typeof raw !== "object" || raw === null) return {};
  const out: OperationTimeouts = {};
  for (const op of ["create", "update", "delete"] as const) {
    const v = (raw as Record<string, unknown>)[op];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) out[op] = v;
  }
  return out;
}

/** Reads forwarded `replaceOnChanges` back from raw properties. */
export function readReplaceOnChanges(props: Readonly<Record<string, unknown>>): InPlaceProperty[] {
  const raw = props[FORWARDED.replaceOnChanges];
  if (!Array.isArray(raw)) return [];
  return IN_PLACE_PROPERTIES.filter((p) => raw.includes(p));
}

/** Whether the program ran for a preview. */
export function isPreview(props: Readonly<Record<string, unknown>>): boolean {
  return props[FORWARDED.preview] === true;
}

/** The forwarded URN, if any. */
export function readUrn(props: Readonly<Record<string, unknown>>): string | undefined {
  const raw = props[FORWARDED.urn];
  return typeof raw === "string" && raw.startsWith("urn:pulumi:") ? raw : undefined;
}

/** The forwarded stack identity, if any. */
export function readStack(props: Readonly<Record<string, unknown>>): string | undefined {
  const raw = props[FORWARDED.stack];
  return typeof raw === "string" && raw.includes("/") ? raw : undefined;
}
