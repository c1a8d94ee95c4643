// docs/installation-configuration.md's settings table says what the resolver does: one row per
// setting it knows, each with its environment variables in the order they are read, whether the
// official provider's namespace is read too, whether it is a credential, and the numeric
// defaults. A setting added to SETTING_SOURCES without a row, or a row left behind, fails here.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT_MS, SETTING_SOURCES } from "./kms-config.js";
import type { SettingName } from "./setting-descriptions.js";

const PAGE = resolve(__dirname, "../../docs/installation-configuration.md");
const HEADER = /^\| setting \| environment variables, in order \| also `huaweicloud:` \| secret \| default \| meaning \|$/;

interface Row {
  setting: string;
  env: string[];
  official: string;
  secret: string;
  default: string;
}

/** The settings table's rows: the table whose header is HEADER, up to its first non-table line. */
function settingsTable(): Row[] {
  const lines = readFileSync(PAGE, "utf8").split("\n");
  const start = lines.findIndex((l) => HEADER.test(l));
  if (start < 0) throw new Error(`${PAGE}: no settings table (header ${HEADER.source})`);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const codes = (cell: string | undefined): string[] => [...(cell ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
    rows.push({ setting: codes(cells[0]).join(","), env: codes(cells[1]), official: cells[2] ?? "", secret: cells[3] ?? "", default: cells[4] ?? "" });
  }
  return rows;
}

const NUMERIC_DEFAULTS: Partial<Record<SettingName, number>> = {
  maxRetries: DEFAULT_MAX_RETRIES,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  deadlineMs: DEFAULT_DEADLINE_MS,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
};

describe("the settings table of docs/installation-configuration.md", () => {
  const rows = settingsTable();
  const names = Object.keys(SETTING_SOURCES) as SettingName[];

  it("has one row per setting the resolver knows, and no other", () => {
    expect(rows.map((r) => r.setting)).toEqual(names);
  });

  it.each(names)("%s: its environment variables in order, the official namespace, secrecy and default as resolved", (name) => {
    const src = SETTING_SOURCES[name];
    const row = rows.find((r) => r.setting === name);
    expect(row, `no row for ${name}`).toBeDefined();
    expect(row?.env).toEqual(src.env);
    expect(row?.official).toBe(src.official ? "yes" : "no");
    expect(row?.secret).toBe(src.secret ? "yes" : "no");
    const numeric = NUMERIC_DEFAULTS[name];
    if (numeric !== undefined) expect(row?.default).toBe(String(numeric));
  });
});
