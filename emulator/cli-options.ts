// Command-line and environment parsing of the emulator CLI, apart from cli.ts so it can be tested
// without starting a process.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { applySeed, seedFileSchema } from "./admin-api.js";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  DEFAULT_TOKEN,
  type AkSkCredential,
  type TokenCredential,
} from "./config.js";
import { KmsState } from "./kms-state.js";
import { ProjectRegistry } from "./projects.js";
import type { EmulatorOptions } from "./server.js";

/** A bad flag or env value; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

/**
 * A seed file that cannot be used: one line per problem, each naming the file, where in it and
 * the rule. The CLI prints them without the usage (the flags were right) and exits 2.
 */
export class SeedFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** The `--help` text. */
export const USAGE = `Usage: huaweicloud-kms-emulator [options]

  --port <n>                 port to listen on, 0 = any free port   [KMS_EMULATOR_PORT, default 0]
  --host <addr>              address to bind                         [KMS_EMULATOR_HOST, default 127.0.0.1]
  --seed <file.json>         projects and keys to start with         [KMS_EMULATOR_SEED]
  --access-key <ak>          accepted access key                     [KMS_EMULATOR_ACCESS_KEY, default ${DEFAULT_ACCESS_KEY}]
  --secret-key <sk>          its secret key                          [KMS_EMULATOR_SECRET_KEY, default ${DEFAULT_SECRET_KEY}]
  --security-token <t>       require this X-Security-Token with the AK [KMS_EMULATOR_SECURITY_TOKEN]
  --token <t>                accepted X-Auth-Token, repeatable       [KMS_EMULATOR_TOKENS, comma-separated, default ${DEFAULT_TOKEN}]
  --project-id <id>          project of keys created without one     [KMS_EMULATOR_PROJECT_ID, default ${DEFAULT_PROJECT_ID}]
  --bind-project             credentials may only call --project-id  [KMS_EMULATOR_BIND_PROJECT=1]
  --rate-limit <req/s>       throttle with 429 APIG.0308             [KMS_EMULATOR_RATE_LIMIT]
  --clock-skew <seconds>     allowed X-Sdk-Date skew                 [KMS_EMULATOR_CLOCK_SKEW_SECONDS, default ${DEFAULT_CLOCK_SKEW_SECONDS}]
  --loose-types              rotation status fields as strings       [KMS_EMULATOR_LOOSE_TYPES=1]
  --random-seed <n>          seed for fault probabilities            [KMS_EMULATOR_RANDOM_SEED]
  -h, --help                 this text
`;

function fail(message: string): never {
  throw new UsageError(message);
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a non-negative number, got ${value}`);
  return n;
}

function flag(value: boolean | undefined, env: string | undefined): boolean {
  return value === true || env === "1" || env === "true";
}

/** Turns argv and the environment into emulator options (flags win over env). */
export function optionsFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): EmulatorOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        "access-key": { type: "string" },
        "secret-key": { type: "string" },
        "security-token": { type: "string" },
        token: { type: "string", multiple: true },
        "project-id": { type: "string" },
        "bind-project": { type: "boolean" },
        "rate-limit": { type: "string" },
        "clock-skew": { type: "string" },
        "loose-types": { type: "boolean" },
        "random-seed": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) return "help";

  const projectId = values["project-id"] ?? env.KMS_EMULATOR_PROJECT_ID ?? DEFAULT_PROJECT_ID;
  const bound = flag(values["bind-project"], env.KMS_EMULATOR_BIND_PROJECT) ? { projectId } : {};
  const securityToken = values["security-token"] ?? env.KMS_EMULATOR_SECURITY_TOKEN;
  const credential: AkSkCredential = {
    accessKey: values["access-key"] ?? env.KMS_EMULATOR_ACCESS_KEY ?? DEFAULT_ACCESS_KEY,
    secretKey: values["secret-key"] ?? env.KMS_EMULATOR_SECRET_KEY ?? DEFAULT_SECRET_KEY,
    ...(securityToken ? { securityToken } : {}),
    ...bound,
  };
  const tokenList = values.token ?? env.KMS_EMULATOR_TOKENS?.split(",").map((t) => t.trim()).filter((t) => t !== "");
  const tokens: TokenCredential[] = (tokenList && tokenList.length > 0 ? tokenList : [DEFAULT_TOKEN]).map((token) => ({
    token,
    ...bound,
  }));

  const seedPath = values.seed ?? env.KMS_EMULATOR_SEED;
  let seed: EmulatorOptions["seed"];
  if (seedPath) {
    seed = loadSeedFile(seedPath);
    checkSeedProjects(seedPath, seed, projectId);
  }
  const rateLimit = numberOption("--rate-limit", values["rate-limit"] ?? env.KMS_EMULATOR_RATE_LIMIT);
  if (rateLimit === 0) fail("--rate-limit must be positive");
  const randomSeed = numberOption("--random-seed", values["random-seed"] ?? env.KMS_EMULATOR_RANDOM_SEED);
  const clockSkewSeconds = numberOption("--clock-skew", values["clock-skew"] ?? env.KMS_EMULATOR_CLOCK_SKEW_SECONDS);

  return {
    port: numberOption("--port", values.port ?? env.KMS_EMULATOR_PORT) ?? 0,
    host: values.host ?? env.KMS_EMULATOR_HOST ?? "127.0.0.1",
    credentials: [credential],
    tokens,
    defaultProjectId: projectId,
    looseTypes: flag(values["loose-types"], env.KMS_EMULATOR_LOOSE_TYPES),
    ...(seed ? { seed } : {}),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(randomSeed === undefined ? {} : { randomSeed }),
    ...(clockSkewSeconds === undefined ? {} : { clockSkewSeconds }),
  };
}

const TIMESTAMP_RULE = 'epoch milliseconds (a whole number >= 0) or an ISO-8601 date-time with a zone, e.g. "2024-01-31T00:00:00Z"';
const KEY_ID_RULE = "a KMS key id: 36 characters, [0-9a-z] in 8-4-4-4-12 groups";
const PROJECT_NAME_RULE = 'a project name: its region ("eu-de"), or the region, "_" and a name ("eu-de_payments")';

/** `keys[0].rotationInterval`, as the user would look for it in the file. */
function showPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out === "" ? "" : "."}${String(part)}`;
  return out === "" ? "the top level" : out;
}

function showValue(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

/** The fields allowed at `path` (the file, one of its projects or keys), for "unknown field" lines. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(seedFileSchema.shape);
  if (path.at(-2) === "tags") return ["key", "value"];
  if (path[0] === "projects") return ["id", "name", "enabled", "description"];
  // keyId first: it is the one field every key needs.
  return ["keyId", ...Object.keys(seedFileSchema.shape.keys.element.shape).filter((f) => f !== "keyId")];
}

/** One "<where>: <rule>, got <value>" line per problem, in words rather than zod's dump. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = showPath(issue.path);
  const got = `got ${showValue(issue.input)}`;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map(
        (key) => `${showPath([...issue.path, key])}: is not a field here; the fields are ${fieldsAt(issue.path).join(", ")}`,
      );
    case "invalid_type":
      if (issue.expected === "int") return [`${where}: must be a whole number, ${got}`];
      return [`${where}: must be ${issue.expected === "array" || issue.expected === "object" ? "an" : "a"} ${issue.expected}, ${got}`];
    case "invalid_value":
      return [`${where}: must be one of ${issue.values.map((v) => showValue(v)).join(", ")}, ${got}`];
    case "invalid_format":
      if (issue.path.at(-1) === "keyId") return [`${where}: must be ${KEY_ID_RULE}, ${got}`];
      if (issue.path[0] === "projects" && issue.path.at(-1) === "name") return [`${where}: must be ${PROJECT_NAME_RULE}, ${got}`];
      return [`${where}: must match ${issue.pattern ?? issue.format}, ${got}`];
    case "too_small":
      if (issue.origin === "string") return [`${where}: must not be empty`];
      return [`${where}: must be at least ${String(issue.minimum)}, ${got}`];
    case "invalid_union":
      // The only union of the seed schema is a timestamp: epoch milliseconds or an ISO string.
      return [`${where}: must be ${TIMESTAMP_RULE}, ${got}`];
    default:
      return [`${where}: ${issue.message}`];
  }
}

/** Reads and validates a seed file, throwing a SeedFileError that lists every problem. */
export function loadSeedFile(path: string): NonNullable<EmulatorOptions["seed"]> {
  const problem = (text: string): string => `seed file ${path}: ${text}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SeedFileError([problem(`cannot be read: ${err instanceof Error ? err.message : String(err)}`)]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SeedFileError([problem(`is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)]);
  }
  // reportInput puts the offending value in each issue, so each line can quote it.
  const parsed = seedFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new SeedFileError(parsed.error.issues.flatMap(describeIssue).map(problem));
  return parsed.data;
}

/**
 * Loads the seed into a scratch account, so a project name the default project already holds is
 * a seed file problem (exit 2) rather than a failure to start.
 */
function checkSeedProjects(path: string, seed: NonNullable<EmulatorOptions["seed"]>, defaultProjectId: string): void {
  try {
    applySeed(new KmsState(defaultProjectId), new ProjectRegistry(defaultProjectId), seed);
  } catch (err) {
    throw new SeedFileError([`seed file ${path}: ${err instanceof Error ? err.message : String(err)}`]);
  }
}
