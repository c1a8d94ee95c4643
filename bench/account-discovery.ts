// Figure 8: discovery of a whole account. `huaweicloud-kms discover --all-projects`, run as users
// run it (a Node process against the emulator), over an account of 20 projects (16 regions and 4
// sub-projects) of mixed keys each, at 0 ms and 50 ms emulated latency per call: the calls it makes
// against the minimum (one IAM call, then per project one list-keys per page, one status read per
// rotating key and one owners' listing per 1,000 claimed keys), and its wall time against the
// one-project command on one of those projects in the same run, which is what a loop of one run
// per project would cost per project.
//
// The emulator serves every region from one address, so the client's budget of requests in flight
// per endpoint (10 by default) is shared by all projects here, where in the cloud each region's
// endpoint has its own. The row with --max-concurrency 40 shows what four regions' own budgets give
// (four projects at a time, the default).
import { createHash } from "node:crypto";
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, emulatorAdmin, startEmulator, type SeedFile } from "../emulator/index.js";
import { keyPopulation } from "../harness/key-population.js";
import type { AccountReport } from "../provider/discovery/account-report.js";
import { DEFAULT_LIST_PAGE_SIZE, MAX_TAG_FILTER_LIMIT } from "../provider/kms/kms-rules.js";
import { median, progress, round, type BenchContext } from "./common.js";
import { countOperations, timedDiscover, withClaims } from "./discovery.js";

/** The account's projects: 16 regions across the three clouds, and 4 sub-projects. */
export const ACCOUNT_PROJECT_NAMES = [
  "cn-north-4",
  "eu-de",
  "ap-southeast-1",
  "eu-west-101",
  "cn-east-3",
  "af-south-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "la-south-2",
  "tr-west-1",
  "me-east-1",
  "cn-south-1",
  "eu-nl",
  "sa-brazil-1",
  "ap-southeast-4",
  "cn-north-9",
  "cn-north-4_payments",
  "eu-de_team",
  "ap-southeast-1_data",
  "eu-west-101_ops",
] as const;

/** Projects scanned at once: the command's default. */
const PROJECT_CONCURRENCY = 4;
/** Requests in flight of the row that gives the account four endpoints' worth (4 × the default 10). */
const WIDE_CONCURRENCY = 40;

export interface AccountCalls {
  iam: number;
  listKeys: number;
  statusReads: number;
  ownerListings: number;
  other: number;
}

export interface AccountDiscoveryRow {
  projects: number;
  keysPerProject: number;
  latencyMs: number;
  repetitions: number;
  /** `--max-concurrency` of the account run; null: the default (10). */
  maxConcurrency: number | null;
  minimum: { iam: number; pages: number; statusReads: number; ownerListings: number };
  /** What the account run made, from the emulator's request log (the most of any repetition). */
  made: AccountCalls;
  /** Median wall time of the account run, spawn to exit. */
  accountMs: number;
  /** Median wall time of the one-project command on the first project, in the same run. */
  oneProjectMs: number;
  /** What the one-project run made. */
  oneProjectMade: AccountCalls;
  peakRssBytes: number;
  exitCode: number | null;
  /** Keys and scanned projects in the account run's JSON. */
  reported: number;
  scanned: number;
}

export interface AccountDiscoveryFigure {
  rows: AccountDiscoveryRow[];
  projectConcurrency: number;
}

/** A 32-hex-digit project id from the name, as IAM's ids look; the first project is the emulator's default one. */
function projectIdOf(name: string, index: number): string {
  return index === 0 ? DEFAULT_PROJECT_ID : createHash("sha256").update(`bench-project:${name}`).digest("hex").slice(0, 32);
}

/** The account's seed: every project with the same population (its own key ids), one key in five claimed. */
function accountSeedOf(keysPerProject: number): { seed: SeedFile; rotatingPerProject: number; claimedPerProject: number } {
  const seed: SeedFile = { projects: [], keys: [] };
  let rotatingPerProject = 0;
  let claimedPerProject = 0;
  ACCOUNT_PROJECT_NAMES.forEach((name, index) => {
    const id = projectIdOf(name, index);
    seed.projects?.push({ id, name });
    const population = keyPopulation(keysPerProject, (0xa000 + index).toString(16));
    const { seed: claimed, claimed: n } = withClaims(population.seed);
    for (const key of claimed.keys) seed.keys.push({ ...key, projectId: id });
    rotatingPerProject = population.rotating;
    claimedPerProject = n;
  });
  return { seed, rotatingPerProject, claimedPerProject };
}

function callsOf(log: readonly { operation: string }[]): AccountCalls {
  const iam = log.filter((e) => e.operation.startsWith("iam-")).length;
  const rest = countOperations(log.filter((e) => !e.operation.startsWith("iam-")));
  return { iam, ...rest };
}

const total = (c: AccountCalls): number => c.iam + c.listKeys + c.statusReads + c.ownerListings + c.other;

/** Figure 8 at each latency, with the wide row at the highest. */
export async function measureAccountDiscovery(
  ctx: BenchContext,
  keysPerProject: number,
  latencies: readonly number[],
  repetitions: number,
): Promise<AccountDiscoveryFigure> {
  const { seed, rotatingPerProject, claimedPerProject } = accountSeedOf(keysPerProject);
  const projects = ACCOUNT_PROJECT_NAMES.length;
  progress(ctx, `account discovery: ${projects} projects × ${keysPerProject} keys (${seed.keys.length} keys), seeding the emulator`);
  const emulator = await startEmulator({ seed });
  const admin = emulatorAdmin(emulator.url);
  const credentials = { HW_ACCESS_KEY: DEFAULT_ACCESS_KEY, HW_SECRET_KEY: DEFAULT_SECRET_KEY };
  const accountEnv = { ...credentials, HW_KMS_ENDPOINT: `${emulator.url}/{region}`, HW_IAM_ENDPOINT: `${emulator.url}/iam` };
  const first = ACCOUNT_PROJECT_NAMES[0];
  const oneEnv = { ...credentials, HW_KMS_ENDPOINT: `${emulator.url}/${first}`, HW_PROJECT_ID: projectIdOf(first, 0) };
  const minimum = {
    iam: 1,
    pages: projects * Math.max(1, Math.ceil(keysPerProject / DEFAULT_LIST_PAGE_SIZE)),
    statusReads: projects * rotatingPerProject,
    ownerListings: projects * Math.max(1, Math.ceil(claimedPerProject / MAX_TAG_FILTER_LIMIT)),
  };
  const rows: AccountDiscoveryRow[] = [];
  try {
    const plans = latencies.flatMap((latencyMs) => [
      { latencyMs, maxConcurrency: null as number | null },
      ...(latencyMs === Math.max(...latencies) && latencyMs > 0 ? [{ latencyMs, maxConcurrency: WIDE_CONCURRENCY }] : []),
    ]);
    for (const { latencyMs, maxConcurrency } of plans) {
      await admin.clearFaults();
      if (latencyMs > 0) await admin.addFault({ kind: "latency", ms: latencyMs });
      const accountMs: number[] = [];
      const oneMs: number[] = [];
      let made: AccountCalls = { iam: 0, listKeys: 0, statusReads: 0, ownerListings: 0, other: 0 };
      let oneMade = made;
      let peak = 0;
      let exitCode: number | null = null;
      let reported = 0;
      let scanned = 0;
      const label = `${latencyMs} ms${maxConcurrency === null ? "" : `, --max-concurrency ${maxConcurrency}`}`;
      for (let r = 0; r < repetitions; r++) {
        // The one project first, then the account, back to back, so both see the same machine.
        await admin.clearRequests();
        const one = await timedDiscover(oneEnv);
        if (one.code !== 0 && one.code !== 1) throw new Error(`discover (one project) exited ${String(one.code)}: ${one.stderr.trim().split("\n").slice(-3).join(" ")}`);
        const oneCalls = callsOf(await admin.requests());
        if (total(oneCalls) > total(oneMade)) oneMade = oneCalls;
        oneMs.push(one.ms);

        await admin.clearRequests();
        const account = await timedDiscover(accountEnv, ["--all-projects", ...(maxConcurrency === null ? [] : ["--max-concurrency", String(maxConcurrency)])]);
        if (account.code !== 0 && account.code !== 1) throw new Error(`discover --all-projects exited ${String(account.code)}: ${account.stderr.trim().split("\n").slice(-3).join(" ")}`);
        const calls = callsOf(await admin.requests());
        if (total(calls) > total(made)) made = calls;
        const output = JSON.parse(account.stdout) as Pick<AccountReport, "keys" | "summary">;
        reported = output.keys.length;
        scanned = output.summary.projects.scanned;
        exitCode = account.code;
        peak = Math.max(peak, account.peak);
        accountMs.push(account.ms);
        progress(
          ctx,
          `account discovery at ${label}, run ${r + 1}/${repetitions}: ${projects} projects ${(account.ms / 1000).toFixed(2)} s, one project ${(one.ms / 1000).toFixed(2)} s; ` +
            `${calls.iam} IAM + ${calls.listKeys} pages + ${calls.statusReads} status reads + ${calls.ownerListings} list-kms-by-tags`,
        );
      }
      rows.push({
        projects,
        keysPerProject,
        latencyMs,
        repetitions,
        maxConcurrency,
        minimum,
        made,
        accountMs: round(median(accountMs), 0),
        oneProjectMs: round(median(oneMs), 0),
        oneProjectMade: oneMade,
        peakRssBytes: peak,
        exitCode,
        reported,
        scanned,
      });
    }
  } finally {
    await emulator.close();
  }
  return { rows, projectConcurrency: PROJECT_CONCURRENCY };
}

/** Whether the account run made no more calls than the minimum, and nothing else. */
export function accountAtMinimum(row: AccountDiscoveryRow): boolean {
  const m = row.made;
  return m.iam === row.minimum.iam && m.listKeys <= row.minimum.pages && m.statusReads <= row.minimum.statusReads && m.ownerListings <= row.minimum.ownerListings && m.other === 0;
}
