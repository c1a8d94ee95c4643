// `huaweicloud-kms discover` as a user runs it: the built command in its own Node process, set up
// through the HW_* environment, against an emulator holding one key of every kind. Asserts the
// verdict per key, the exit codes before and after the keys are fixed, the JSON, the exact KMS
// calls, the owners (claims, and a stack export given with --exclude-state), the import and policy
// files, and that the credentials appear nowhere.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PROJECT_ID, emulatorAdmin, startEmulator, type EmulatorAdmin, type RunningEmulator, type SeedFile } from "../../emulator/index.js";
import { readPolicy } from "../../examples/gitops-many-keys/policy.js";
import { readPackageManifest } from "../../provider/engine/package-manifest.js";
import { CLAIM_TAG_KEY } from "../../provider/resources/key-rotation/claim.js";

const root = resolve(__dirname, "../..");
const command = join(root, "dist/provider/adapters/cli/main.js");
const run = promisify(execFile);

/** Distinctive credentials, searched for in every output. */
const ACCESS_KEY = "AKDISCOVERCANARY0042";
const SECRET_KEY = "sk-discover-canary-9c41be77";

const KEY = {
  orders: "0d0466b0-e727-4d9c-b35d-f84bb474a37f",
  ledger: "1e1577c1-f838-4e0d-a46e-095cc585b480",
  payments: "2f2688d2-0949-4f1e-957f-1a6dd696c591",
  archive: "3a3799e3-1a5a-402f-a680-2b7ee7a7d6a2",
  builtin: "4b48aaf4-2b6b-4130-9791-3c8ff8b8e7b3",
  byok: "5c59bb05-3c7c-4241-8802-4d90090a8fc4",
  rsa: "6d6acc16-4d8d-4352-9913-5ea11a1b90d5",
  ec: "7e7bdd27-5e9e-4463-aa24-6fb22b2ca1e6",
  retired: "8f8cee38-6faf-4574-bb35-70c33c3db2f7",
  doomed: "9a9dff49-7ab0-4685-8c46-81d44d4ec308",
  ghost: "a0ae0a5a-8bc1-4796-9d57-92e55e5fd419",
  payments2: "b1bf1b6b-9cd2-48a7-ae68-a3f66f60e52a",
} as const;

// One key of every kind, created a month apart; the second "payments" is the younger one.
const SEED: SeedFile = {
  keys: [
    { keyId: KEY.orders, keyAlias: "orders-db", rotationEnabled: true, rotationInterval: 90, numberOfRotations: 4, lastRotationTime: "2025-01-15T03:00:00Z", creationDate: "2023-02-01T00:00:00Z" },
    { keyId: KEY.ledger, keyAlias: "sm4-ledger", keySpec: "SM4", rotationEnabled: true, rotationInterval: 180, creationDate: "2023-03-01T00:00:00Z" },
    { keyId: KEY.payments, keyAlias: "payments", rotationEnabled: false, creationDate: "2023-04-01T00:00:00Z" },
    { keyId: KEY.archive, keyAlias: "archive", rotationEnabled: true, rotationInterval: 365, creationDate: "2023-05-01T00:00:00Z" },
    { keyId: KEY.builtin, keyAlias: "obs/default", defaultKeyFlag: "1", creationDate: "2023-01-01T00:00:00Z" },
    { keyId: KEY.byok, keyAlias: "byok-exports", origin: "external", creationDate: "2023-06-01T00:00:00Z" },
    { keyId: KEY.rsa, keyAlias: "signing-rsa", keySpec: "RSA_2048", creationDate: "2023-07-01T00:00:00Z" },
    { keyId: KEY.ec, keyAlias: "signing-ec", keySpec: "EC_P256", creationDate: "2023-08-01T00:00:00Z" },
    { keyId: KEY.retired, keyAlias: "retired", keyState: "3", rotationEnabled: true, rotationInterval: 365, creationDate: "2023-09-01T00:00:00Z" },
    { keyId: KEY.doomed, keyAlias: "doomed", keyState: "4", creationDate: "2023-10-01T00:00:00Z" },
    { keyId: KEY.ghost, keyAlias: "ghost", rotationEnabled: true, rotationInterval: 90, creationDate: "2023-11-01T00:00:00Z" },
    { keyId: KEY.payments2, keyAlias: "payments", rotationEnabled: true, rotationInterval: 30, creationDate: "2024-01-01T00:00:00Z" },
  ],
};

/** The verdicts under a 180-day policy, while the ghost key's status read is refused. */
const VERDICTS: Record<string, string> = {
  [KEY.orders]: "compliant",
  [KEY.ledger]: "compliant",
  [KEY.payments]: "not rotating",
  [KEY.archive]: "interval too long",
  [KEY.builtin]: "cannot rotate (default key)",
  [KEY.byok]: "cannot rotate (imported material)",
  [KEY.rsa]: "cannot rotate (asymmetric)",
  [KEY.ec]: "cannot rotate (asymmetric)",
  [KEY.retired]: "cannot rotate (disabled)",
  [KEY.doomed]: "cannot rotate (pending deletion)",
  [KEY.ghost]: "unknown (KMS.0207)",
  [KEY.payments2]: "compliant",
};
/** Keys the listing shows rotating: each costs one status read. */
const ROTATING = [KEY.orders, KEY.ledger, KEY.archive, KEY.retired, KEY.ghost, KEY.payments2];
const ROTATABLE = [KEY.orders, KEY.ledger, KEY.payments, KEY.archive, KEY.ghost, KEY.payments2];

/** A Node.js older than 22 on the machine (the system one), to check the version guard with. */
function oldNode(): string | undefined {
  const path = "/usr/bin/node";
  if (!existsSync(path)) return undefined;
  const version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
  return Number(/^v(\d+)/.exec(version)?.[1]) < 22 ? path : undefined;
}

/**
 * The entries of a policy file as the gitops example reads them (defaults applied), by name. The
 * example's readPolicy answers either the entries themselves or a policy holding them in `keys`
 * (the form with `manage:`); a generated file must load the same through both.
 */
function examplePolicy(file: string): Record<string, unknown> {
  const read: unknown = readPolicy(file);
  const entries: Map<string, unknown> = read instanceof Map ? (read as Map<string, unknown>) : (read as { keys: Map<string, unknown> }).keys;
  return Object.fromEntries(entries);
}

let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let dir: string;
const outputs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command with only what a user's shell would give it. */
async function discover(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return cli(["discover", ...args], env);
}

/** `huaweicloud-kms <args>`, on this Node.js or on `node`. */
async function cli(args: string[], env: Record<string, string> = {}, node = process.execPath): Promise<Run> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HW_KMS_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_ACCESS_KEY: ACCESS_KEY,
    HW_SECRET_KEY: SECRET_KEY,
  };
  const result = await run(node, [command, ...args], { cwd: dir, env: { ...base, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: unknown) => {
      const failed = e as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof failed.code !== "number") throw e;
      return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    },
  );
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The one list-kms-by-tags request discover makes for the owners of up to 1,000 claimed keys. */
const OWNERS_LISTING = { action: "filter", tags: [{ key: CLAIM_TAG_KEY, values: [] }], limit: "1000", offset: "0" };

/** The verdict column of the table, per key id. */
function tableVerdicts(stdout: string): Record<string, string> {
  const rows = stdout.split("\n").filter((l) => /^[0-9a-z]{8}-/.test(l));
  return Object.fromEntries(rows.map((l) => [l.slice(0, 36), (/\s{2}(compliant|not rotating|interval too long|unknown \(.*\)|cannot rotate \(.*\))$/.exec(l) ?? [])[1] ?? l]));
}

/** One column of the table, per key id, cut where the header puts it. */
function tableColumn(stdout: string, name: string): Record<string, string> {
  const lines = stdout.split("\n");
  const header = lines[0] ?? "";
  const start = header.indexOf(name);
  const end = header.slice(start + name.length).search(/\S/) + start + name.length;
  return Object.fromEntries(lines.filter((l) => /^[0-9a-z]{8}-/.test(l)).map((l) => [l.slice(0, 36), l.slice(start, end).trim()]));
}

async function operations(): Promise<{ operation: string; keyId?: string; body: unknown }[]> {
  return admin.requests();
}

beforeAll(async () => {
  if (!existsSync(command)) throw new Error("build the package first: npm run build");
  emulator = await startEmulator({ port: 0, credentials: [{ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }], seed: SEED });
  admin = emulatorAdmin(emulator.url);
  dir = mkdtempSync(join(tmpdir(), "kms-discover-"));
});

afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("huaweicloud-kms discover against a project with one key of every kind", () => {
  beforeEach(async () => {
    await admin.reset();
    for (const { keyId, ...key } of SEED.keys) await admin.putKey(keyId, key);
    // The ghost key vanishes between the listing and its status read.
    await admin.addFault({ operation: "get-key-rotation-status", keyId: KEY.ghost, kind: "status", status: 404, errorCode: "KMS.0207", errorMsg: "The key does not exist" });
  });

  it("prints every key's verdict, fails with 1, and makes one list-keys call plus one status read per rotating key", async () => {
    const r = await discover(["--max-interval", "180"]);
    expect(r.code).toBe(1);
    expect(tableVerdicts(r.stdout)).toEqual(VERDICTS);
    expect(r.stdout).toContain(
      "12 keys: 3 compliant, 1 not rotating, 1 interval too long, 1 unknown (KMS.0207); cannot rotate: 1 default key, 1 imported material, 2 asymmetric, 1 disabled, 1 pending deletion\n" +
        "owners: no key is claimed by a stack\n" +
        "policy (rotation on, every 180 days or more often): 3 of 6 rotatable keys break it\n" +
        "KMS calls: 1 list-keys page, 6 status reads, 1 owners' listing (list-kms-by-tags)\n",
    );
    expect(r.stderr.split("\n")).toContain("listed 12 of 12 keys (1 page)");

    const log = await operations();
    expect(log.filter((e) => e.operation === "list-keys").map((e) => e.body)).toEqual([{ limit: "1000", key_spec: "ALL", sequence: expect.any(String) as unknown }]);
    expect(log.filter((e) => e.operation === "get-key-rotation-status").map((e) => e.keyId).sort()).toEqual([...ROTATING].sort());
    expect(log.filter((e) => e.operation === "list-kms-by-tags").map((e) => e.body)).toEqual([OWNERS_LISTING]);
    expect(log).toHaveLength(1 + ROTATING.length + 1);
  });

  it("exits 0 once every rotatable key follows the policy, whatever the keys that cannot rotate", async () => {
    await admin.putKey(KEY.payments, { rotationEnabled: true, rotationInterval: 180 });
    await admin.putKey(KEY.archive, { rotationInterval: 90 });
    await admin.clearFaults();
    const r = await discover(["--max-interval", "180", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(Object.values(tableVerdicts(r.stdout)).filter((v) => !v.startsWith("cannot rotate"))).toEqual(Array(6).fill("compliant"));
    expect(r.stdout).toContain("policy (rotation on, every 180 days or more often): every rotatable key follows it (6)\n");
    // The default policy (365 days) lets the 365-day key pass too.
    await admin.putKey(KEY.archive, { rotationInterval: 365 });
    expect((await discover(["-q"])).code).toBe(0);
  });

  it("--json prints the same findings as one document, progress staying on stderr", async () => {
    const table = await discover(["--max-interval", "180"]);
    const r = await discover(["--max-interval", "180", "--json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      format: string;
      policy: { maxIntervalDays: number };
      passed: boolean;
      keys: { keyId: string; name: string; verdict: string; rotationEnabled: boolean | null; intervalDays: number | null; breaksPolicy: boolean }[];
      summary: { keys: number; rotatable: number; breakingPolicy: number; byVerdict: Record<string, number> };
      calls: { listKeysPages: number; statusReads: number; ownerListings: number };
    };
    expect(doc).toMatchObject({ format: "huaweicloud-kms-discover/1", policy: { maxIntervalDays: 180 }, passed: false, calls: { listKeysPages: 1, statusReads: 6, ownerListings: 1 } });
    expect(Object.fromEntries(doc.keys.map((k) => [k.keyId, k.verdict]))).toEqual(tableVerdicts(table.stdout));
    expect(doc.keys.find((k) => k.keyId === KEY.archive)).toMatchObject({ rotationEnabled: true, intervalDays: 365, breaksPolicy: true });
    expect(doc.summary).toMatchObject({ keys: 12, rotatable: 6, breakingPolicy: 3, byVerdict: { compliant: 3, "cannot rotate (asymmetric)": 2 } });
    expect(r.stderr).toContain("listed 12 of 12 keys (1 page)");
    expect(r.stdout).not.toContain("KEY ID");
  });

  it("pages with --page-size: ceil(n/5) list-keys calls, the same keys", async () => {
    const r = await discover(["--page-size", "5", "--json", "--quiet"]);
    expect((JSON.parse(r.stdout) as { keys: unknown[] }).keys).toHaveLength(12);
    const lists = (await operations()).filter((e) => e.operation === "list-keys").map((e) => e.body as Record<string, string>);
    expect(lists).toHaveLength(Math.ceil(12 / 5));
    expect(lists.map((b) => [b.limit, b.marker])).toEqual([["5", undefined], ["5", "5"], ["5", "10"]]);
  });

  it("writes the import file and the policy file for every rotatable key, with the same names", async () => {
    const r = await discover(["--max-interval", "180", "--import-file", "keys.json", "--policy-file", "rotation-policy.yaml"]);
    expect(r.code).toBe(1);
    const importFile = readFileSync(join(dir, "keys.json"), "utf8");
    const policyFile = readFileSync(join(dir, "rotation-policy.yaml"), "utf8");
    outputs.push(importFile, policyFile);
    const TYPE = "huaweicloud-kms:index:KeyRotation";
    // The plugin the SDKs ask for, so that a program's first up keeps the imported resources' provider.
    const { version, publishing } = readPackageManifest(resolve(__dirname, "../.."));
    const plugin = { version, pluginDownloadUrl: publishing.pluginDownloadURL };
    expect(JSON.parse(importFile)).toEqual({
      resources: [
        { type: TYPE, name: "orders-db", id: KEY.orders, ...plugin },
        { type: TYPE, name: "sm4-ledger", id: KEY.ledger, ...plugin },
        { type: TYPE, name: "payments", id: KEY.payments, ...plugin },
        { type: TYPE, name: "archive", id: KEY.archive, ...plugin },
        { type: TYPE, name: "ghost", id: KEY.ghost, ...plugin },
        { type: TYPE, name: "payments-b1bf1b6b", id: KEY.payments2, ...plugin },
      ],
    });
    expect(policyFile).toContain("generated by `huaweicloud-kms discover`");
    expect(policyFile).toContain("against the policy: rotation on, every 180 days or more often.");
    // The compliant keys keep their interval (nothing to write); the others take the policy.
    expect(examplePolicy(join(dir, "rotation-policy.yaml"))).toEqual({
      "orders-db": { keyId: KEY.orders, enabled: true, intervalDays: 90 },
      "sm4-ledger": { keyId: KEY.ledger, enabled: true, intervalDays: 180 },
      payments: { keyId: KEY.payments, enabled: true, intervalDays: 180 },
      archive: { keyId: KEY.archive, enabled: true, intervalDays: 180 },
      ghost: { keyId: KEY.ghost, enabled: true, intervalDays: 180 },
      "payments-b1bf1b6b": { keyId: KEY.payments2, enabled: true, intervalDays: 30 },
    });
    expect(ROTATABLE).toEqual((JSON.parse(importFile) as { resources: { id: string }[] }).resources.map((x) => x.id));
    expect(r.stderr).toContain("wrote 6 rotatable keys to keys.json for pulumi import --file");
  });

  it("shows each key's owner, and leaves keys other stacks manage (claimed, or in a stack export) out of both files", async () => {
    // Two stacks claim keys (one of them a key that cannot rotate); a stack without claims manages the ledger key.
    await admin.putKey(KEY.orders, { tags: [{ key: "team", value: "orders" }, { key: CLAIM_TAG_KEY, value: "orders/prod" }] });
    await admin.putKey(KEY.rsa, { tags: [{ key: CLAIM_TAG_KEY, value: "signing/prod" }] });
    const stack = "urn:pulumi:dev::team::";
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({
        version: 3,
        deployment: {
          manifest: { version: "v3.277.0" },
          resources: [
            { urn: `${stack}pulumi:pulumi:Stack::team-dev`, custom: false, type: "pulumi:pulumi:Stack" },
            { urn: `${stack}huaweicloud-kms:index:KeyRotation::sm4-ledger`, custom: true, id: KEY.ledger, type: "huaweicloud-kms:index:KeyRotation", inputs: { keyId: KEY.ledger }, outputs: { keyId: KEY.ledger, enabled: true, intervalDays: 180 } },
          ],
        },
      }),
    );
    const r = await discover(["--max-interval", "180", "--exclude-state", "state.json", "--import-file", "keys.json", "--policy-file", "rotation-policy.yaml"]);
    expect(r.code).toBe(1);
    expect(tableColumn(r.stdout, "OWNER")).toEqual({ ...Object.fromEntries(Object.values(KEY).map((k) => [k, "-"])), [KEY.orders]: "orders/prod", [KEY.rsa]: "signing/prod", [KEY.ledger]: "team/dev (state)" });
    expect(r.stdout).toContain("owners: 2 keys claimed by 2 stacks (orders/prod 1, signing/prod 1), 1 more managed in the state files given\n");
    const imported = (JSON.parse(readFileSync(join(dir, "keys.json"), "utf8")) as { resources: { id: string }[] }).resources.map((x) => x.id);
    expect(imported).toEqual(ROTATABLE.filter((k) => k !== KEY.orders && k !== KEY.ledger));
    expect(Object.values(examplePolicy(join(dir, "rotation-policy.yaml"))).map((e) => (e as { keyId: string }).keyId)).toEqual(imported);
    expect(r.stderr).toContain("state.json: stack team/dev manages 1 key\n");
    expect(r.stderr).toContain("wrote 4 rotatable keys to keys.json for pulumi import --file; left out 2 that other stacks manage (1 claimed, 1 in state.json)\n");
    // One owners' listing, whatever the number of keys; nothing read per key for it.
    expect((await operations()).filter((e) => e.operation.includes("tag"))).toEqual([expect.objectContaining({ operation: "list-kms-by-tags", body: OWNERS_LISTING })]);
  });

  it("fails with 2 before any KMS call when a setting is missing or a flag is bad, naming how to fix it", async () => {
    await admin.clearRequests();
    const noProject = await discover([], { HW_PROJECT_ID: "" });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toMatch(/^error: .*--project-id.*HW_PROJECT_ID/);
    expect(noProject.stderr).not.toContain("pulumi config");
    expect(noProject.stderr.trim().split("\n")).toHaveLength(1);
    const badInterval = await discover(["--max-interval", "400"]);
    expect(badInterval).toMatchObject({ code: 2, stdout: "" });
    expect(badInterval.stderr).toContain('--max-interval "400" is not a whole number of days from 30 to 365');
    expect((await discover(["--verbose"])).stderr).toContain("Unknown option '--verbose'");
    expect((await discover(["--secret-key", SECRET_KEY])).code).toBe(2);
    writeFileSync(join(dir, "not-state.json"), JSON.stringify({ resources: [] }));
    const notState = await discover(["--exclude-state", "not-state.json"]);
    expect(notState).toMatchObject({ code: 2, stdout: "" });
    expect(notState.stderr).toBe(
      'error: --exclude-state "not-state.json" is not a stack export: it has no "deployment"; expected the JSON that `pulumi stack export` prints ' +
        '({"version": 3, "deployment": {"resources": [...]}}) (see huaweicloud-kms discover --help)\n',
    );
    expect(await operations()).toEqual([]);
  });

  it("refused credentials fail with 2 and one line naming the code", async () => {
    const r = await discover([], { HW_SECRET_KEY: `${SECRET_KEY}-wrong` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: KMS list-keys failed: HTTP 401 APIG\.\d{4}/m);
  });

  it("never shows the access key or the secret key: not in stdout, stderr, the JSON or the files", () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const text of outputs) {
      expect(text).not.toContain(ACCESS_KEY);
      expect(text).not.toContain(SECRET_KEY);
    }
  });
});

describe("the huaweicloud-kms command line", () => {
  it("names its commands, and fails with 2 without one or with an unknown one", async () => {
    const help = await cli(["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("discover");
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(["discovr"]);
    expect(unknown).toMatchObject({ code: 2, stderr: 'error: unknown command "discovr": the command is discover (see huaweicloud-kms --help)\n' });
    const discoverHelp = await cli(["discover", "--help"]);
    expect(discoverHelp.code).toBe(0);
    expect(discoverHelp.stdout).toContain("Usage: huaweicloud-kms discover [options]");
  });

  const old = oldNode();
  it.skipIf(old === undefined)("on a Node.js older than 22.19, says so in one line and exits 2, not 1", async () => {
    const r = await cli(["discover"], {}, old);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: pulumi-huaweicloud-kms needs Node\.js 22\.19\.0 or later, but this is Node\.js v\d+[^\n]*\n$/);
  });
});
