// The discovery report: every key of the project with its rotation, its verdict and its owner (the
// stack that claims it, or that a given state file shows managing it), the counts per verdict and
// the KMS calls it took, as a table for people and as one JSON document for
// machines. Pure: the command prints what these functions return.
import { ALL_KEY_SPECS, KeyState } from "../kms/kms-rules.js";
import type { Inventory, InventoryEntry } from "./key-inventory.js";
import { resourceNamesFor } from "./resource-names.js";
import type { StackKeys } from "./stack-export.js";
import { CannotRotateReason } from "./rotatability.js";
import { breaksPolicy, describePolicy, VERDICT_KINDS, verdictFor, verdictLabel, type RotationPolicy, type VerdictKind } from "./verdict.js";

/** Identifies the JSON document's shape, for scripts that read it. */
export const REPORT_FORMAT = "huaweicloud-kms-discover/1";

/** Where and when the inventory was taken, and with which listing filters. */
export interface ReportContext {
  projectId: string;
  endpoint: string;
  region?: string;
  generatedAt: Date;
  /** The list-keys filters the inventory used; absent: every key. */
  filters?: { keyState?: string; keySpec?: string };
  /** Stack exports whose keys are managed already (`--exclude-state`), in the order given. */
  states?: readonly { file: string; keys: StackKeys }[];
}

/** One key in the report. Absent values are `null`, so every key has the same fields. */
export interface KeyReport {
  keyId: string;
  /**
   * The resource name an import or a policy file gives the key: from its alias, unique among the
   * listed keys (named over all of them, so a key that becomes rotatable renames no other).
   */
  name: string;
  alias: string | null;
  /** KMS's `key_state` code. */
  keyState: string;
  /** The state in words: enabled, disabled, pending deletion... */
  state: string;
  keySpec: string | null;
  /** "kms", or "external" for imported material. */
  origin: string | null;
  defaultKey: boolean;
  creationDate: string | null;
  /** Whether rotation is on: from the status read, else from the listing; null when neither said. */
  rotationEnabled: boolean | null;
  /** The live interval in days; null unless the status was read. */
  intervalDays: number | null;
  lastRotationTime: string | null;
  numberOfRotations: number | null;
  /** The code KMS refused this key's status read with. */
  statusError: string | null;
  rotatable: boolean;
  /** Why KMS would refuse any rotation change, with its code. */
  cannotRotate: { reason: string; code: string; detail: string } | null;
  /** The verdict as printed: `compliant`, `not rotating`, `cannot rotate (asymmetric)`... */
  verdict: string;
  verdictKind: VerdictKind;
  breaksPolicy: boolean;
  /** The stack that claims the key (its claim tag's value, `<project>/<stack>`), or null. */
  owner: string | null;
  /** The first `--exclude-state` file whose stack manages the key, with that stack; null: none. */
  inState: { file: string; stack: string | null } | null;
}

export interface ReportSummary {
  keys: number;
  rotatable: number;
  compliant: number;
  breakingPolicy: number;
  cannotRotate: number;
  /** Keys a stack claims. */
  claimed: number;
  /** Claimed keys per owner, most first. */
  byOwner: Record<string, number>;
  /** Keys no stack claims that an `--exclude-state` file shows managed. */
  inStateOnly: number;
  /** Rotatable keys left out of the import and policy files: a stack manages them already. */
  managedElsewhere: number;
  /** Keys per verdict as printed, in report order (compliant first, cannot-rotate reasons last). */
  byVerdict: Record<string, number>;
}

/** Everything discover found, as the `--json` document prints it. */
export interface DiscoveryReport {
  format: typeof REPORT_FORMAT;
  generatedAt: string;
  project: { projectId: string; endpoint: string; region: string | null };
  filters: { keyState: string | null; keySpec: string };
  policy: RotationPolicy & { description: string };
  /** True when no rotatable key breaks the policy (the command then exits 0). */
  passed: boolean;
  keys: KeyReport[];
  summary: ReportSummary;
  /** The KMS calls made: list-keys pages, status reads and owners' listings (list-kms-by-tags). */
  calls: { listKeysPages: number; statusReads: number; ownerListings: number };
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  [KeyState.PendingActivation]: "pending activation",
  [KeyState.Enabled]: "enabled",
  [KeyState.Disabled]: "disabled",
  [KeyState.PendingDeletion]: "pending deletion",
  [KeyState.PendingImport]: "pending import",
  [KeyState.Frozen]: "frozen",
};

/** A `key_state` code in words; an unknown code as `state <code>`. */
export function stateName(keyState: string): string {
  return STATE_NAMES[keyState] ?? `state ${keyState}`;
}

/** Where a key is managed already, so an import or a policy must leave it out: "claimed by <stack>", "in <file> (<stack>)". */
export function managedElsewhere(key: Pick<KeyReport, "owner" | "inState">): string | undefined {
  if (key.owner !== null) return `claimed by ${key.owner}`;
  if (key.inState !== null) return `in ${key.inState.file}${key.inState.stack === null ? "" : ` (${key.inState.stack})`}`;
  return undefined;
}

/** The keys an import or a policy file covers: rotatable, and managed by no stack yet. */
export function coveredKeys<K extends Pick<KeyReport, "rotatable" | "owner" | "inState">>(keys: readonly K[]): K[] {
  return keys.filter((k) => k.rotatable && managedElsewhere(k) === undefined);
}

function keyReport(entry: InventoryEntry, name: string, policy: RotationPolicy, inState: KeyReport["inState"]): KeyReport {
  const { key, status, rotatability: r } = entry;
  const verdict = verdictFor(entry, policy);
  return {
    keyId: key.keyId,
    name,
    alias: key.keyAlias ?? null,
    keyState: key.keyState,
    state: stateName(key.keyState),
    keySpec: key.keySpec ?? null,
    origin: key.origin ?? null,
    defaultKey: key.isDefaultKey,
    creationDate: key.creationDate ?? null,
    rotationEnabled: status?.enabled ?? key.rotationEnabled ?? null,
    intervalDays: status?.intervalDays ?? null,
    lastRotationTime: status?.lastRotationTime ?? null,
    numberOfRotations: status?.numberOfRotations ?? null,
    statusError: entry.statusError ?? null,
    rotatable: r.rotatable,
    cannotRotate: r.rotatable ? null : { reason: r.reason, code: r.code, detail: r.detail },
    verdict: verdictLabel(verdict),
    verdictKind: verdict.kind,
    breaksPolicy: breaksPolicy(verdict),
    owner: entry.owner ?? null,
    inState,
  };
}

const REASON_ORDER: readonly string[] = Object.values(CannotRotateReason);

/** Report order of the verdict labels: by kind, cannot-rotate reasons in rotatability's order. */
function verdictOrder(a: KeyReport, b: KeyReport): number {
  const kind = VERDICT_KINDS.indexOf(a.verdictKind) - VERDICT_KINDS.indexOf(b.verdictKind);
  if (kind !== 0) return kind;
  const reason = REASON_ORDER.indexOf(a.cannotRotate?.reason ?? "") - REASON_ORDER.indexOf(b.cannotRotate?.reason ?? "");
  if (reason !== 0) return reason;
  return a.verdict < b.verdict ? -1 : a.verdict > b.verdict ? 1 : 0;
}

/** The counts of a set of keys: per verdict, per owner, and what the files leave out. */
export function summarize(keys: readonly KeyReport[]): ReportSummary {
  const byVerdict: Record<string, number> = {};
  for (const k of [...keys].sort(verdictOrder)) byVerdict[k.verdict] = (byVerdict[k.verdict] ?? 0) + 1;
  const owners = new Map<string, number>();
  for (const k of keys) if (k.owner !== null) owners.set(k.owner, (owners.get(k.owner) ?? 0) + 1);
  const byOwner = Object.fromEntries([...owners].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)));
  return {
    keys: keys.length,
    rotatable: keys.filter((k) => k.rotatable).length,
    compliant: keys.filter((k) => k.verdictKind === "compliant").length,
    breakingPolicy: keys.filter((k) => k.breaksPolicy).length,
    cannotRotate: keys.filter((k) => k.verdictKind === "cannot-rotate").length,
    claimed: keys.filter((k) => k.owner !== null).length,
    byOwner,
    inStateOnly: keys.filter((k) => k.owner === null && k.inState !== null).length,
    managedElsewhere: keys.filter((k) => k.rotatable && managedElsewhere(k) !== undefined).length,
    byVerdict,
  };
}

/** The report of an inventory against a policy; keys in listing order. */
export function buildReport(inventory: Inventory, policy: RotationPolicy, context: ReportContext): DiscoveryReport {
  const names = resourceNamesFor(inventory.entries.map((e) => e.key));
  const stateOf = (keyId: string): KeyReport["inState"] => {
    const state = context.states?.find((s) => s.keys.keyIds.has(keyId));
    return state === undefined ? null : { file: state.file, stack: state.keys.stack ?? null };
  };
  const keys = inventory.entries.map((e) => keyReport(e, names.get(e.key.keyId) ?? e.key.keyId, policy, stateOf(e.key.keyId)));
  const summary = summarize(keys);
  return {
    format: REPORT_FORMAT,
    generatedAt: context.generatedAt.toISOString(),
    project: { projectId: context.projectId, endpoint: context.endpoint, region: context.region ?? null },
    filters: { keyState: context.filters?.keyState ?? null, keySpec: context.filters?.keySpec ?? ALL_KEY_SPECS },
    policy: { maxIntervalDays: policy.maxIntervalDays, description: describePolicy(policy) },
    passed: summary.breakingPolicy === 0,
    keys,
    summary,
    calls: { listKeysPages: inventory.calls.pages, statusReads: inventory.calls.statusReads, ownerListings: inventory.calls.ownerListings },
  };
}

/** The exit code of a finished discovery: 0 when no rotatable key breaks the policy, else 1. */
export function exitCodeOf(report: Pick<DiscoveryReport, "passed">): 0 | 1 {
  return report.passed ? 0 : 1;
}

/** `1,234`: counts as people read them. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1 page`, `2 pages`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

const MAX_ALIAS_WIDTH = 40;

/** A value KMS gave, made safe for one table cell: no control characters, at most `max` wide. */
export function cell(text: string, max = Number.POSITIVE_INFINITY): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = text.replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const DASH = "-";

function rotationCell(k: KeyReport): string {
  return k.rotationEnabled === null ? "?" : k.rotationEnabled ? "on" : "off";
}

function intervalCell(k: KeyReport): string {
  return k.rotationEnabled === true && k.intervalDays !== null ? `${k.intervalDays}d` : DASH;
}

function lastRotationCell(k: KeyReport): string {
  if (k.lastRotationTime !== null) return k.lastRotationTime.slice(0, 10);
  // A status that was read and names no rotation: the key never rotated.
  return k.numberOfRotations === null ? DASH : "never";
}

function ownerCell(k: KeyReport): string {
  if (k.owner !== null) return cell(k.owner);
  // No claim, but a state file given says a stack manages it: that stack, marked as read from its state.
  if (k.inState !== null) return `${cell(k.inState.stack ?? k.inState.file)} (state)`;
  return DASH;
}

/** The columns of the key table, one cell per column in {@link keyCells}. */
export const KEY_COLUMNS = ["KEY ID", "ALIAS", "STATE", "SPEC", "ORIGIN", "ROTATION", "INTERVAL", "LAST ROTATION", "OWNER", "VERDICT"] as const;

/** One key's cells, in {@link KEY_COLUMNS} order, made safe for a table. */
export function keyCells(k: KeyReport): string[] {
  return [
    cell(k.keyId),
    k.alias === null || k.alias === "" ? DASH : cell(k.alias, MAX_ALIAS_WIDTH),
    k.state,
    cell(k.keySpec ?? DASH),
    cell(k.origin ?? DASH),
    rotationCell(k),
    intervalCell(k),
    lastRotationCell(k),
    ownerCell(k),
    k.verdict,
  ];
}

/** Rows under a header, columns aligned (the last one is left ragged). */
export function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  // A loop, not Math.max(...column): a spread of 100,000 keys would overflow the call stack.
  const widths = header.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? "").length), 0));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")).join("\n") + "\n";
}

/** The table of keys, one line per key in listing order, columns aligned. */
export function renderTable(report: Pick<DiscoveryReport, "keys">): string {
  return alignColumns(KEY_COLUMNS, report.keys.map(keyCells));
}

/** Who manages the keys: the claims per stack, and the keys only a state file shows managed. */
export function ownersLine(s: ReportSummary): string {
  const claims =
    s.claimed === 0
      ? "no key is claimed by a stack"
      : `${plural(s.claimed, "key")} claimed by ${plural(Object.keys(s.byOwner).length, "stack")} (${Object.entries(s.byOwner)
          .map(([owner, n]) => `${cell(owner)} ${count(n)}`)
          .join(", ")})`;
  const inState = s.inStateOnly === 0 ? "" : `, ${count(s.inStateOnly)} more managed in the state files given`;
  return `owners: ${claims}${inState}`;
}

/** The keys per verdict: "12 keys: 3 compliant, 1 not rotating; cannot rotate: 2 asymmetric". */
export function keysLine(s: ReportSummary): string {
  const byVerdict = Object.entries(s.byVerdict);
  const rotatableParts = byVerdict.filter(([label]) => !label.startsWith("cannot rotate")).map(([label, n]) => `${count(n)} ${label}`);
  const cannot = byVerdict
    .filter(([label]) => label.startsWith("cannot rotate"))
    .map(([label, n]) => `${count(n)} ${label.replace(/^cannot rotate \((.*)\)$/, "$1")}`);
  const parts = [rotatableParts.join(", "), cannot.length > 0 ? `cannot rotate: ${cannot.join(", ")}` : ""].filter((p) => p !== "");
  return `${plural(s.keys, "key")}${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
}

/** The policy's outcome: "policy (<description>): every rotatable key follows it (4)". */
export function policyLine(s: ReportSummary, description: string): string {
  const outcome =
    s.breakingPolicy === 0
      ? `every rotatable key follows it (${count(s.rotatable)})`
      : `${count(s.breakingPolicy)} of ${plural(s.rotatable, "rotatable key")} break it`;
  return `policy (${description}): ${outcome}`;
}

/** The KMS calls: "1 list-keys page, 6 status reads, 1 owners' listing (list-kms-by-tags)". */
export function kmsCallsText(calls: DiscoveryReport["calls"]): string {
  return (
    `${plural(calls.listKeysPages, "list-keys page")}, ${plural(calls.statusReads, "status read")}, ` +
    `${plural(calls.ownerListings, "owners' listing")} (list-kms-by-tags)`
  );
}

/** The lines after the table: keys per verdict, the owners, the policy's outcome, and the KMS calls made. */
export function renderSummary(report: DiscoveryReport): string {
  const s = report.summary;
  return `${keysLine(s)}\n${ownersLine(s)}\n${policyLine(s, report.policy.description)}\nKMS calls: ${kmsCallsText(report.calls)}\n`;
}

/** The `--json` document. */
export function renderJson(report: DiscoveryReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
