// Figure 7: discovery of a whole project. The `huaweicloud-kms discover` command, run as users run
// it (a Node process against the emulator), over a population of mixed keys at 0 ms and at 50 ms
// emulated KMS latency, one key in five claimed by a stack: the calls it makes against the minimum
// (one list-keys per page, one status read per rotating key, and one owners' listing per 1,000
// claimed keys), its wall time against a floor measured in the same run, and its peak memory. The floor is the same inventory (same client, same calls) taken in this process,
// so the ratio is what the command adds: starting Node, loading the package, the verdicts and the
// output.
import { join } from "node:path";
import {
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  emulatorAdmin,
  startEmulator,
} from "../emulator/index.js";
import { installedPackageDir } from "../harness/installed-package.js";
import { keyPopulation, POPULATION_MAX_INTERVAL_DAYS } from "../harness/key-population.js";
import { runCommand, type CommandResult } from "../harness/run-command.js";
import { resolveKmsConfig } from "../provider/config/kms-config.js";
import { CLAIM_TAG_KEY } from "../provider/resources/key-rotation/claim.js";
import { takeInventory } from "../provider/discovery/key-inventory.js";
import { KmsClient } from "../provider/kms/kms-client.js";
import { DEFAULT_LIST_PAGE_SIZE, MAX_TAG_FILTER_LIMIT } from "../provider/kms/kms-rules.js";
import { resetOriginGates } from "../provider/transport/concurrency.js";
import { median, progress, round, type BenchContext } from "./common.js";
import { vmHwmBytes } from "./memory.js";

export interface DiscoveryRow {
  keys: number;
  latencyMs: number;
  repetitions: number;
  /** The least KMS allows: pages of the listing, rotating keys, and owners' listings (1,000 claimed keys each, at least one). */
  minimum: { pages: number; statusReads: number; ownerListings: number };
  /** What the command made, from the emulator's request log (the most of any repetition). */
  made: { listKeys: number; statusReads: number; ownerListings: number; other: number };
  /** Keys a stack claims. */
  claimed: number;
  /** Median wall time of the command, spawn to exit. */
  commandMs: number;
  /** Median wall time of the same inventory in this process. */
  floorMs: number;
  /** Highest VmHWM of the command's process, bytes (0 where /proc is unavailable). */
  peakRssBytes: number;
  /** The command's exit code (1: the population breaks the policy, as it should). */
  exitCode: number | null;
  /** Keys in the command's JSON output. */
  reported: number;
}

export interface DiscoveryFigure {
  rows: DiscoveryRow[];
  concurrency: number;
}

/** The discover command of the installed package copy the rest of the run uses. */
export function commandPath(): string {
  return join(installedPackageDir(), "dist", "provider", "adapters", "cli", "main.js");
}

/** Runs `discover --json` (plus `args`); wall time spawn to exit, peak RSS polled from /proc, and what it printed. */
export async function timedDiscover(env: Record<string, string>, args: readonly string[] = []): Promise<CommandResult & { ms: number; peak: number }> {
  let peak = 0;
  let poll: NodeJS.Timeout | undefined;
  const start = performance.now();
  try {
    const result = await runCommand(process.execPath, [commandPath(), "discover", "--json", "--quiet", "--max-interval", String(POPULATION_MAX_INTERVAL_DAYS), ...args], {
      env,
      baseEnv: { PATH: process.env.PATH ?? "" },
      onSpawn: (child) => {
        poll = setInterval(() => {
          if (child.pid !== undefined) peak = Math.max(peak, vmHwmBytes(child.pid) ?? 0);
        }, 20);
      },
    });
    return { ...result, ms: performance.now() - start, peak };
  } finally {
    clearInterval(poll);
  }
}

export function countOperations(log: readonly { operation: string }[]): DiscoveryRow["made"] {
  const made = { listKeys: 0, statusReads: 0, ownerListings: 0, other: 0 };
  for (const { operation } of log) {
    if (operation === "list-keys") made.listKeys++;
    else if (operation === "get-key-rotation-status") made.statusReads++;
    else if (operation === "list-kms-by-tags") made.ownerListings++;
    else made.other++;
  }
  return made;
}

/** Stacks that claim keys of the population, in turn. */
const CLAIMING_STACKS = ["payments/prod", "orders/prod", "platform/shared"];

/** The population's seed with one key in five claimed by a stack (as the team stacks of a project would). */
export function withClaims(seed: ReturnType<typeof keyPopulation>["seed"]): { seed: typeof seed; claimed: number } {
  let claimed = 0;
  const keys = seed.keys.map((key, i) => {
    if (i % 5 !== 0) return key;
    claimed++;
    return { ...key, tags: [{ key: CLAIM_TAG_KEY, value: CLAIMING_STACKS[i % CLAIMING_STACKS.length] ?? "" }] };
  });
  return { seed: { keys }, claimed };
}

/** Figure 7 for each population size and latency. */
export async function measureDiscovery(
  ctx: BenchContext,
  sizes: readonly number[],
  latencies: readonly number[],
  repetitions: number,
): Promise<DiscoveryFigure> {
  const rows: DiscoveryRow[] = [];
  const concurrency = 10;
  for (const n of sizes) {
    const population = keyPopulation(n);
    const { seed, claimed } = withClaims(population.seed);
    const emulator = await startEmulator({ seed });
    const admin = emulatorAdmin(emulator.url);
    const env = {
      HW_KMS_ENDPOINT: emulator.url,
      HW_PROJECT_ID: DEFAULT_PROJECT_ID,
      HW_ACCESS_KEY: DEFAULT_ACCESS_KEY,
      HW_SECRET_KEY: DEFAULT_SECRET_KEY,
    };
    const config = resolveKmsConfig({ explicit: { endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY }, env: {} });
    try {
      for (const latencyMs of latencies) {
        await admin.clearFaults();
        if (latencyMs > 0) await admin.addFault({ kind: "latency", ms: latencyMs });
        const commandMs: number[] = [];
        const floorMs: number[] = [];
        let made: DiscoveryRow["made"] = { listKeys: 0, statusReads: 0, ownerListings: 0, other: 0 };
        let peak = 0;
        let exitCode: number | null = null;
        let reported = 0;
        for (let r = 0; r < repetitions; r++) {
          await admin.clearRequests();
          const run = await timedDiscover(env);
          if (run.code !== 0 && run.code !== 1) throw new Error(`discover exited ${String(run.code)}: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`);
          const log = await admin.requests();
          const counted = countOperations(log);
          const total = (m: DiscoveryRow["made"]): number => m.listKeys + m.statusReads + m.ownerListings + m.other;
          if (total(counted) > total(made)) made = counted;
          const output = JSON.parse(run.stdout) as { keys?: unknown[] };
          reported = output.keys?.length ?? 0;
          commandMs.push(run.ms);
          peak = Math.max(peak, run.peak);
          exitCode = run.code;

          resetOriginGates();
          const start = performance.now();
          await takeInventory(new KmsClient(config), { concurrency });
          const floor = performance.now() - start;
          floorMs.push(floor);
          progress(
            ctx,
            `discovery: ${n} keys at ${latencyMs} ms, run ${r + 1}/${repetitions}: command ${(run.ms / 1000).toFixed(2)} s, ` +
              `floor ${(floor / 1000).toFixed(2)} s, ${counted.listKeys} pages + ${counted.statusReads} status reads + ${counted.ownerListings} list-kms-by-tags`,
          );
        }
        rows.push({
          keys: n,
          latencyMs,
          repetitions,
          minimum: {
            pages: Math.max(1, Math.ceil(n / DEFAULT_LIST_PAGE_SIZE)),
            statusReads: population.rotating,
            ownerListings: Math.max(1, Math.ceil(claimed / MAX_TAG_FILTER_LIMIT)),
          },
          made,
          claimed,
          commandMs: round(median(commandMs), 0),
          floorMs: round(median(floorMs), 0),
          peakRssBytes: peak,
          exitCode,
          reported,
        });
      }
    } finally {
      await emulator.close();
    }
  }
  return { rows, concurrency };
}

/** Whether a row made no more calls than the minimum, and nothing else. */
export function atMinimum(row: DiscoveryRow): boolean {
  return (
    row.made.listKeys <= row.minimum.pages &&
    row.made.statusReads <= row.minimum.statusReads &&
    row.made.ownerListings <= row.minimum.ownerListings &&
    row.made.other === 0
  );
}
