// A project full of keys, as platform teams have them: mostly customer keys, some rotating at a
// good interval, some at a long one, many never, and the keys that cannot rotate at all (Default
// Master Keys, imported material, asymmetric, disabled, pending deletion). Deterministic, so a
// test knows what discovery must say about each key and how many writes adopting them takes.
import type { SeedFile } from "../emulator/index.js";

/** What discovery must conclude about a key under a 90-day policy. */
export type ExpectedVerdict =
  | "compliant"
  | "not rotating"
  | "interval too long"
  | "cannot rotate (default key)"
  | "cannot rotate (imported material)"
  | "cannot rotate (asymmetric)"
  | "cannot rotate (disabled)"
  | "cannot rotate (pending deletion)";

type SeedKey = SeedFile["keys"][number];

/** One slot of the repeating pattern: the key's settings and its verdict. */
interface Kind {
  verdict: ExpectedVerdict;
  key: Omit<SeedKey, "keyId" | "keyAlias">;
  alias: (i: number) => string;
}

const DAY_MS = 24 * 3600 * 1000;
const EPOCH = Date.UTC(2024, 0, 1);

/** The policy the expected verdicts assume. */
export const POPULATION_MAX_INTERVAL_DAYS = 90;

// Twenty slots, repeated: 7 compliant (one SM4), 3 too long, 4 not rotating, 6 that cannot rotate.
const PATTERN: readonly Kind[] = [
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 90, numberOfRotations: 3 }, alias: (i) => `app-${i}` },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 30, numberOfRotations: 12 }, alias: (i) => `payments-${i}` },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 60 }, alias: (i) => `orders/db-${i}` },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 90, keySpec: "SM4" }, alias: (i) => `gm-sm4-${i}` },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 45 }, alias: (i) => `Audit_Logs_${i}` },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 90 }, alias: () => "shared" },
  { verdict: "compliant", key: { rotationEnabled: true, rotationInterval: 75 }, alias: (i) => `${i}-numeric-start` },
  { verdict: "interval too long", key: { rotationEnabled: true, rotationInterval: 365 }, alias: (i) => `archive-${i}` },
  { verdict: "interval too long", key: { rotationEnabled: true, rotationInterval: 180 }, alias: (i) => `backup-${i}` },
  { verdict: "interval too long", key: { rotationEnabled: true, rotationInterval: 91 }, alias: (i) => `reports-${i}` },
  { verdict: "not rotating", key: { rotationEnabled: false }, alias: (i) => `legacy-${i}` },
  { verdict: "not rotating", key: { rotationEnabled: false, rotationInterval: 90 }, alias: (i) => `batch-${i}` },
  { verdict: "not rotating", key: { rotationEnabled: false, keySpec: "SM4" }, alias: (i) => `gm-legacy-${i}` },
  { verdict: "not rotating", key: { rotationEnabled: false }, alias: () => "" },
  { verdict: "cannot rotate (default key)", key: { defaultKeyFlag: "1" }, alias: (i) => `obs/default-${i}` },
  { verdict: "cannot rotate (imported material)", key: { origin: "external" }, alias: (i) => `byok-${i}` },
  { verdict: "cannot rotate (asymmetric)", key: { keySpec: "RSA_2048" }, alias: (i) => `signing-rsa-${i}` },
  { verdict: "cannot rotate (asymmetric)", key: { keySpec: "EC_P256" }, alias: (i) => `signing-ec-${i}` },
  { verdict: "cannot rotate (disabled)", key: { keyState: "3", rotationEnabled: true, rotationInterval: 365 }, alias: (i) => `retired-${i}` },
  { verdict: "cannot rotate (pending deletion)", key: { keyState: "4" }, alias: (i) => `doomed-${i}` },
];

export interface KeyPopulation {
  seed: SeedFile;
  /** The verdict per key id, under {@link POPULATION_MAX_INTERVAL_DAYS}. */
  expected: Map<string, ExpectedVerdict>;
  /** Keys whose listing says rotation is on: each costs discovery one status read. */
  rotating: number;
  /** The writes that bring every rotatable key to the policy: enables (plus an interval update each when the policy is not 365) and interval updates. */
  writesToComply: { enable: number; updateInterval: number };
}

/**
 * The i-th key id of a population: a scattered first group, as real ids have (names of keys that
 * share an alias are told apart by it), `prefix` (4 hex digits) second, and i last.
 */
export function populationKeyId(i: number, prefix = "c0de"): string {
  const scattered = (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, "0");
  return `${scattered}-${prefix}-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

/** `n` keys following the pattern, created one day apart (so the oldest of a shared alias is the first). */
export function keyPopulation(n: number, prefix?: string): KeyPopulation {
  const keys: SeedKey[] = [];
  const expected = new Map<string, ExpectedVerdict>();
  let rotating = 0;
  const writes = { enable: 0, updateInterval: 0 };
  for (let i = 0; i < n; i++) {
    const kind = PATTERN[i % PATTERN.length] as Kind;
    const keyId = populationKeyId(i, prefix);
    keys.push({ keyId, keyAlias: kind.alias(i), creationDate: EPOCH + i * DAY_MS, ...kind.key });
    expected.set(keyId, kind.verdict);
    if (kind.key.rotationEnabled === true) rotating++;
    if (kind.verdict === "not rotating") {
      writes.enable++;
      // Enabling sets 365 days; a 90-day policy then needs an interval update too.
      writes.updateInterval++;
    }
    if (kind.verdict === "interval too long") writes.updateInterval++;
  }
  return { seed: { keys }, expected, rotating, writesToComply: writes };
}
