import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { optionsFromArgs, SeedFileError, UsageError } from "./cli-options.js";
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, DEFAULT_TOKEN } from "./config.js";
import { callKms, errorOf } from "./kms-test-client.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const root = resolve(__dirname, "..");

describe("optionsFromArgs", () => {
  it("defaults to the demo credentials on an ephemeral loopback port", () => {
    expect(optionsFromArgs([], {})).toEqual({
      port: 0,
      host: "127.0.0.1",
      credentials: [{ accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY }],
      tokens: [{ token: DEFAULT_TOKEN }],
      defaultProjectId: DEFAULT_PROJECT_ID,
      looseTypes: false,
    });
  });

  it("reads the environment, and flags win over it", () => {
    const env = {
      KMS_EMULATOR_PORT: "8123",
      KMS_EMULATOR_ACCESS_KEY: "ENVAK",
      KMS_EMULATOR_SECRET_KEY: "envsk",
      KMS_EMULATOR_SECURITY_TOKEN: "sts",
      KMS_EMULATOR_TOKENS: "t1, t2",
      KMS_EMULATOR_PROJECT_ID: "p1",
      KMS_EMULATOR_BIND_PROJECT: "1",
      KMS_EMULATOR_RATE_LIMIT: "5",
      KMS_EMULATOR_CLOCK_SKEW_SECONDS: "60",
      KMS_EMULATOR_LOOSE_TYPES: "true",
      KMS_EMULATOR_RANDOM_SEED: "9",
    };
    expect(optionsFromArgs([], env)).toEqual({
      port: 8123,
      host: "127.0.0.1",
      credentials: [{ accessKey: "ENVAK", secretKey: "envsk", securityToken: "sts", projectId: "p1" }],
      tokens: [
        { token: "t1", projectId: "p1" },
        { token: "t2", projectId: "p1" },
      ],
      defaultProjectId: "p1",
      looseTypes: true,
      rateLimit: 5,
      clockSkewSeconds: 60,
      randomSeed: 9,
    });
    const flagged = optionsFromArgs(["--port", "9000", "--access-key", "FLAGAK", "--token", "a", "--token", "b"], env);
    expect(flagged).toMatchObject({ port: 9000, credentials: [{ accessKey: "FLAGAK" }], tokens: [{ token: "a" }, { token: "b" }] });
  });

  it("throws UsageError on unknown flags and bad numbers", () => {
    expect(() => optionsFromArgs(["--nope"], {})).toThrow(UsageError);
    expect(() => optionsFromArgs(["--port", "x"], {})).toThrow(UsageError);
    expect(() => optionsFromArgs(["--rate-limit", "0"], {})).toThrow(UsageError);
    expect(optionsFromArgs(["--help"], {})).toBe("help");
  });
});

describe("a bad seed file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kms-emulator-bad-seed-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function problems(content: string): readonly string[] {
    const file = join(dir, "seed.json");
    writeFileSync(file, content);
    try {
      optionsFromArgs(["--seed", file], {});
    } catch (err) {
      if (err instanceof SeedFileError) return err.problems.map((p) => p.replace(file, "<file>"));
      throw err;
    }
    throw new Error("the seed file was accepted");
  }

  it("gets one line per problem, naming the file, the place in it, the rule and the value", () => {
    const seed = {
      keys: [
        { keyId: "bad", rotationInterval: "x", keyState: "9", lastRotationTime: "yesterday" },
        { keyId: KEY, rotationInterval: 90.5, rotationEnabled: "yes", bogus: 1, tags: [{ key: "a", value: "1" }, { key: "a", value: "2", owner: "x" }] },
      ],
      extra: 2,
    };
    expect([...problems(JSON.stringify(seed))].sort()).toEqual(
      [
        'seed file <file>: keys[0].keyId: must be a KMS key id: 36 characters, [0-9a-z] in 8-4-4-4-12 groups, got "bad"',
        'seed file <file>: keys[0].rotationInterval: must be a number, got "x"',
        'seed file <file>: keys[0].keyState: must be one of "1", "2", "3", "4", "5", "7", got "9"',
        'seed file <file>: keys[0].lastRotationTime: must be epoch milliseconds (a whole number >= 0) or an ISO-8601 date-time with a zone, e.g. "2024-01-31T00:00:00Z", got "yesterday"',
        "seed file <file>: keys[1].rotationInterval: must be a whole number, got 90.5",
        'seed file <file>: keys[1].rotationEnabled: must be a boolean, got "yes"',
        "seed file <file>: keys[1].bogus: is not a field here; the fields are keyId, projectId, keyState, origin, defaultKeyFlag, keySpec, keyAlias, rotationEnabled, rotationInterval, numberOfRotations, lastRotationTime, creationDate, tags",
        "seed file <file>: keys[1].tags[1].owner: is not a field here; the fields are key, value",
        'seed file <file>: keys[1].tags: the tag key "a" appears more than once',
        "seed file <file>: extra: is not a field here; the fields are projects, keys",
      ].sort(),
    );
  });

  it("names a bad project, a repeated project name, and a name the default project holds", () => {
    const seed = (projects: unknown[]): string => JSON.stringify({ projects, keys: [] });
    expect(problems(seed([{ id: "a1", name: "eu de", region: "eu-de" }]))).toEqual([
      'seed file <file>: projects[0].name: must be a project name: its region ("eu-de"), or the region, "_" and a name ("eu-de_payments"), got "eu de"',
      "seed file <file>: projects[0].region: is not a field here; the fields are id, name, enabled, description",
    ]);
    expect(problems(seed([{ id: "a1", name: "eu-de" }, { id: "a2", name: "eu-de" }]))).toEqual(['seed file <file>: projects: the project name "eu-de" appears more than once']);
    expect(problems(seed([{ id: "a1", name: "cn-north-4" }]))).toEqual([
      `seed file <file>: seed project a1: the name cn-north-4 belongs to project ${DEFAULT_PROJECT_ID} (the default project; give it another name first)`,
    ]);
    // Renaming the default project first frees its name.
    const file = join(dir, "account.json");
    writeFileSync(file, seed([{ id: DEFAULT_PROJECT_ID, name: "eu-de" }, { id: "a1", name: "cn-north-4" }]));
    expect(optionsFromArgs(["--seed", file], {})).toMatchObject({ seed: { projects: [{ name: "eu-de" }, { name: "cn-north-4" }] } });
  });

  it("that is not JSON, or not an object, says so in one line", () => {
    expect(problems('{"keys": [')).toEqual([expect.stringMatching(/^seed file <file>: is not valid JSON: /) as string]);
    expect(problems("[]")).toEqual(["seed file <file>: the top level: must be an object, got []"]);
  });

  it("that cannot be read says so in one line", () => {
    expect(() => optionsFromArgs(["--seed", "/nonexistent/seed.json"], {})).toThrow(
      /^seed file \/nonexistent\/seed\.json: cannot be read: ENOENT/,
    );
  });
});

describe("the CLI process", () => {
  let outDir: string;
  let cliJs: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  // The real compiler and a real node process, like `npm run emulator`, without touching dist/.
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "kms-emulator-cli-"));
    // The project's own compiler options, limited to the CLI and what it imports.
    const config = join(outDir, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(root, "tsconfig.json"),
        compilerOptions: {
          outDir,
          noEmit: false,
          declaration: false,
          sourceMap: false,
          typeRoots: [join(root, "node_modules/@types")],
        },
        files: [join(root, "emulator/cli.ts")],
        include: [],
      }),
    );
    await promisify(execFile)(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: root });
    cliJs = join(outDir, "emulator/cli.js");
  });
  afterAll(() => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(outDir, { recursive: true, force: true });
  });

  function start(args: string[], env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; firstLine: Promise<string> } {
    const child = spawn(process.execPath, [cliJs, ...args], {
      env: { ...process.env, NODE_PATH: join(root, "node_modules"), ...env },
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout });
    const firstLine = new Promise<string>((resolveLine, reject) => {
      lines.once("line", resolveLine);
      child.once("exit", (code) => {
        reject(new Error(`exited with ${String(code)} before printing`));
      });
    });
    // Tests that expect an early exit never await the line.
    firstLine.catch(() => undefined);
    return { child, firstLine };
  }

  const exitCode = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
    // "close" rather than "exit": stdio is fully read by then.
    child.exitCode !== null && child.stdout.closed
      ? Promise.resolve(child.exitCode)
      : new Promise((r) => {
          child.once("close", (code) => {
            r(code);
          });
        });

  it("--port 0 prints the URL as its first line, serves the API and stops on SIGTERM", async () => {
    const { child, firstLine } = start(["--port", "0"]);
    const line = await firstLine;
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice("listening on ".length);
    await fetch(`${url}/__admin/keys/${KEY}`, { method: "PUT", body: "{}" });
    expect((await callKms(url, "describe-key", { key_id: KEY })).status).toBe(200);
    child.kill("SIGTERM");
    expect(await exitCode(child)).toBe(0);
  });

  it("takes a seed file, credentials and loose types from flags; stops on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kms-emulator-seed-"));
    const seed = join(dir, "seed.json");
    writeFileSync(seed, JSON.stringify({ keys: [{ keyId: KEY, rotationEnabled: true, rotationInterval: 60 }] }));
    try {
      const { child, firstLine } = start(
        ["--seed", seed, "--loose-types", "--token", "ci-token", "--access-key", "CIAK", "--secret-key", "ci-sk"],
        { KMS_EMULATOR_PORT: "0" },
      );
      const url = (await firstLine).slice("listening on ".length);
      const status = await callKms(url, "get-key-rotation-status", { key_id: KEY }, { accessKey: "CIAK", secretKey: "ci-sk" });
      expect(status.json).toMatchObject({ key_rotation_enabled: "true", rotation_interval: "60" });
      expect((await callKms(url, "describe-key", { key_id: KEY }, { auth: "token", token: "ci-token" })).status).toBe(200);
      expect(errorOf(await callKms(url, "describe-key", { key_id: KEY }, { auth: "token" }))?.error_code).toBe("KMS.0302");
      expect(errorOf(await callKms(url, "describe-key", { key_id: KEY }))?.error_code).toBe("APIG.0301");
      child.kill("SIGINT");
      expect(await exitCode(child)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on a bad seed file, printing its problems and not the usage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kms-emulator-seed-"));
    const seed = join(dir, "seed.json");
    writeFileSync(seed, JSON.stringify({ keys: [{ keyId: KEY, rotationInterval: "90" }] }));
    try {
      const { child } = start(["--seed", seed]);
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      expect(await exitCode(child)).toBe(2);
      expect(stderr).toBe(`huaweicloud-kms-emulator: seed file ${seed}: keys[0].rotationInterval: must be a number, got "90"\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the usage on a bad flag", async () => {
    const { child } = start(["--bogus"]);
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    expect(await exitCode(child)).toBe(2);
    expect(stderr).toContain("Usage: huaweicloud-kms-emulator");
  });
});
