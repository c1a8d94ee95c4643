import { describe, expect, it } from "vitest";
import type { KeyInfo, RotationStatus } from "../kms/kms-client.js";
import { KmsErrorCode } from "../kms/kms-error-codes.js";
import { buildReport, count, coveredKeys, exitCodeOf, managedElsewhere, plural, renderJson, renderSummary, renderTable, REPORT_FORMAT, stateName } from "./discovery-report.js";
import type { Inventory, InventoryEntry } from "./key-inventory.js";
import { rotatability } from "./rotatability.js";

const id = (n: number): string => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;

function entry(n: number, key: Partial<KeyInfo>, status?: Partial<RotationStatus>, statusError?: string, owner?: string): InventoryEntry {
  const info: KeyInfo = { keyId: id(n), keyState: "2", isDefaultKey: false, origin: "kms", keySpec: "AES_256", creationDate: `2024-01-${String(n).padStart(2, "0")}T00:00:00.000Z`, ...key };
  return {
    key: info,
    rotatability: rotatability(info),
    ...(status === undefined ? {} : { status: { enabled: true, intervalDays: 365, numberOfRotations: 0, ...status } }),
    ...(statusError === undefined ? {} : { statusError }),
    ...(owner === undefined ? {} : { owner }),
  };
}

const inventory: Inventory = {
  entries: [
    entry(1, { keyAlias: "orders-db", rotationEnabled: true }, { intervalDays: 90, lastRotationTime: "2024-05-01T10:00:00.000Z", numberOfRotations: 2 }),
    entry(2, { keyAlias: "payments", rotationEnabled: false }),
    entry(3, { keyAlias: "archive", rotationEnabled: true }, { intervalDays: 365 }, undefined, "billing/prod"),
    entry(4, { keyAlias: "ghost", rotationEnabled: true }, undefined, "KMS.0207"),
    entry(5, { keyAlias: "obs/default", isDefaultKey: true, defaultKeyFlag: "1", rotationEnabled: false }),
    entry(6, { keyAlias: "signing", keySpec: "RSA_2048", rotationEnabled: false }, undefined, undefined, "billing/prod"),
    entry(7, { keyAlias: "retired", keyState: "3", rotationEnabled: true }, { intervalDays: 365 }),
    entry(8, { keyAlias: "payments", rotationEnabled: true }, { intervalDays: 30 }, undefined, "payments/prod"),
  ],
  calls: { pages: 1, statusReads: 5, ownerListings: 1 },
};

const context = { projectId: "proj-1", endpoint: "https://kms.eu-de.otc.t-systems.com", region: "eu-de", generatedAt: new Date("2025-03-01T12:00:00Z") };
// A state file shows the first key managed by a stack without claims, and the last (claimed) too.
const states = [{ file: "team.json", keys: { stack: "team/dev", keyIds: new Set([id(1), id(8)]) } }];
const report = buildReport(inventory, { maxIntervalDays: 180 }, { ...context, states });

describe("buildReport", () => {
  it("gives every key its verdict, in listing order", () => {
    expect(report.keys.map((k) => [k.alias, k.verdict])).toEqual([
      ["orders-db", "compliant"],
      ["payments", "not rotating"],
      ["archive", "interval too long"],
      ["ghost", "unknown (KMS.0207)"],
      ["obs/default", "cannot rotate (default key)"],
      ["signing", "cannot rotate (asymmetric)"],
      ["retired", "cannot rotate (disabled)"],
      ["payments", "compliant"],
    ]);
    expect(report.keys.map((k) => k.breaksPolicy)).toEqual([false, true, true, true, false, false, false, false]);
  });

  it("names each key from its alias, the older of two keys sharing one keeping it bare", () => {
    expect(report.keys.map((k) => k.name)).toEqual(["orders-db", "payments", "archive", "ghost", "obs-default", "signing", "retired", "payments-00000008"]);
  });

  it("keeps every field, null where KMS did not say", () => {
    expect(report.keys[0]).toEqual({
      keyId: id(1),
      name: "orders-db",
      alias: "orders-db",
      keyState: "2",
      state: "enabled",
      keySpec: "AES_256",
      origin: "kms",
      defaultKey: false,
      creationDate: "2024-01-01T00:00:00.000Z",
      rotationEnabled: true,
      intervalDays: 90,
      lastRotationTime: "2024-05-01T10:00:00.000Z",
      numberOfRotations: 2,
      statusError: null,
      rotatable: true,
      cannotRotate: null,
      verdict: "compliant",
      verdictKind: "compliant",
      breaksPolicy: false,
      owner: null,
      inState: { file: "team.json", stack: "team/dev" },
    });
    expect(report.keys.map((k) => k.owner)).toEqual([null, null, "billing/prod", null, null, "billing/prod", null, "payments/prod"]);
    expect(report.keys.map(managedElsewhere)).toEqual([
      "in team.json (team/dev)",
      undefined,
      "claimed by billing/prod",
      undefined,
      undefined,
      "claimed by billing/prod",
      undefined,
      "claimed by payments/prod",
    ]);
    expect(coveredKeys(report.keys).map((k) => k.name)).toEqual(["payments", "ghost"]);
    expect(report.keys[1]).toMatchObject({ rotationEnabled: false, intervalDays: null, lastRotationTime: null, numberOfRotations: null });
    expect(report.keys[3]).toMatchObject({ statusError: "KMS.0207", verdictKind: "unknown", rotatable: true });
    expect(report.keys[4]?.cannotRotate).toMatchObject({ reason: "default key", code: KmsErrorCode.DefaultMasterKey });
  });

  it("counts per verdict, the calls, the policy and where it ran", () => {
    expect(report.summary).toEqual({
      keys: 8,
      rotatable: 5,
      compliant: 2,
      breakingPolicy: 3,
      cannotRotate: 3,
      claimed: 3,
      byOwner: { "billing/prod": 2, "payments/prod": 1 },
      inStateOnly: 1,
      managedElsewhere: 3,
      byVerdict: {
        compliant: 2,
        "not rotating": 1,
        "interval too long": 1,
        "unknown (KMS.0207)": 1,
        "cannot rotate (default key)": 1,
        "cannot rotate (asymmetric)": 1,
        "cannot rotate (disabled)": 1,
      },
    });
    expect(Object.keys(report.summary.byVerdict)).toEqual([
      "compliant",
      "not rotating",
      "interval too long",
      "unknown (KMS.0207)",
      "cannot rotate (default key)",
      "cannot rotate (asymmetric)",
      "cannot rotate (disabled)",
    ]);
    expect(report).toMatchObject({
      format: REPORT_FORMAT,
      generatedAt: "2025-03-01T12:00:00.000Z",
      project: { projectId: "proj-1", endpoint: "https://kms.eu-de.otc.t-systems.com", region: "eu-de" },
      filters: { keyState: null, keySpec: "ALL" },
      policy: { maxIntervalDays: 180, description: "rotation on, every 180 days or more often" },
      calls: { listKeysPages: 1, statusReads: 5, ownerListings: 1 },
      passed: false,
    });
    expect(exitCodeOf(report)).toBe(1);
  });

  it("passes when only keys that cannot rotate are out of line", () => {
    const ok = buildReport({ entries: [inventory.entries[0], inventory.entries[4], inventory.entries[6]].filter((e) => e !== undefined), calls: { pages: 1, statusReads: 2, ownerListings: 1 } }, { maxIntervalDays: 180 }, context);
    expect(ok.passed).toBe(true);
    expect(exitCodeOf(ok)).toBe(0);
    const empty = buildReport({ entries: [], calls: { pages: 1, statusReads: 0, ownerListings: 1 } }, { maxIntervalDays: 365 }, context);
    expect(exitCodeOf(empty)).toBe(0);
    expect(renderSummary(empty)).toBe(
      "0 keys\nowners: no key is claimed by a stack\npolicy (rotation on, every 365 days or more often): every rotatable key follows it (0)\n" +
        "KMS calls: 1 list-keys page, 0 status reads, 1 owners' listing (list-kms-by-tags)\n",
    );
  });
});

describe("rendering", () => {
  it("prints an aligned table, one line per key", () => {
    expect(renderTable(report)).toBe(
      [
        "KEY ID                                ALIAS        STATE     SPEC      ORIGIN  ROTATION  INTERVAL  LAST ROTATION  OWNER             VERDICT",
        `${id(1)}  orders-db    enabled   AES_256   kms     on        90d       2024-05-01     team/dev (state)  compliant`,
        `${id(2)}  payments     enabled   AES_256   kms     off       -         -              -                 not rotating`,
        `${id(3)}  archive      enabled   AES_256   kms     on        365d      never          billing/prod      interval too long`,
        `${id(4)}  ghost        enabled   AES_256   kms     on        -         -              -                 unknown (KMS.0207)`,
        `${id(5)}  obs/default  enabled   AES_256   kms     off       -         -              -                 cannot rotate (default key)`,
        `${id(6)}  signing      enabled   RSA_2048  kms     off       -         -              billing/prod      cannot rotate (asymmetric)`,
        `${id(7)}  retired      disabled  AES_256   kms     on        365d      never          -                 cannot rotate (disabled)`,
        `${id(8)}  payments     enabled   AES_256   kms     on        30d       never          payments/prod     compliant`,
        "",
      ].join("\n"),
    );
  });

  it("keeps control characters and long aliases out of the table", () => {
    const odd = buildReport(
      { entries: [entry(1, { keyAlias: `line\nbreak\u001b[31m${"x".repeat(60)}`, rotationEnabled: false }), entry(2, {})], calls: { pages: 1, statusReads: 0, ownerListings: 1 } },
      { maxIntervalDays: 365 },
      context,
    );
    const lines = renderTable(odd).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`line break [31m${"x".repeat(24)}…`);
    // No alias and no rotation flag in the listing: both say so.
    expect(lines[2]).toMatch(new RegExp(`^${id(2)}  -\\s+enabled\\s+AES_256\\s+kms\\s+\\?\\s+-\\s+-\\s+-\\s+not rotating$`));
  });

  it("sums up verdicts, the policy's outcome and the calls", () => {
    expect(renderSummary(report)).toBe(
      [
        "8 keys: 2 compliant, 1 not rotating, 1 interval too long, 1 unknown (KMS.0207); cannot rotate: 1 default key, 1 asymmetric, 1 disabled",
        "owners: 3 keys claimed by 2 stacks (billing/prod 2, payments/prod 1), 1 more managed in the state files given",
        "policy (rotation on, every 180 days or more often): 3 of 5 rotatable keys break it",
        "KMS calls: 1 list-keys page, 5 status reads, 1 owners' listing (list-kms-by-tags)",
        "",
      ].join("\n"),
    );
  });

  it("prints the report as one JSON document", () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
    expect(renderJson(report).endsWith("}\n")).toBe(true);
  });

  it("writes counts with separators and states in words", () => {
    expect(count(10_000)).toBe("10,000");
    expect(plural(1, "page")).toBe("1 page");
    expect(plural(2_000, "status read")).toBe("2,000 status reads");
    expect(["1", "2", "3", "4", "5", "7", "9"].map(stateName)).toEqual([
      "pending activation",
      "enabled",
      "disabled",
      "pending deletion",
      "pending import",
      "frozen",
      "state 9",
    ]);
  });
});

describe("a large project", () => {
  it("renders 100,000 keys", () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => entry(1, { keyId: `${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`, keyAlias: `app-${i}`, rotationEnabled: false }));
    const big = buildReport({ entries, calls: { pages: 100, statusReads: 0, ownerListings: 1 } }, { maxIntervalDays: 365 }, context);
    expect(renderTable(big).split("\n")).toHaveLength(100_002);
    expect(renderSummary(big)).toContain("100,000 keys: 100,000 not rotating");
  });
});
