// Where a big refresh's time goes: `refresh` of N resources per program (the no-op floor, the
// round-trip floor, each vehicle), repeated with the order alternating, each split by engine
// events into the time before the first read starts (CLI start, state load, provider start), the
// span of the reads, and the time after the last (state written). The span is where a provider's
// cost per read shows; the two ends are the engine's and the provider's start.
//
//   npx tsx bench/refresh-cost.ts [--n 2000] [--reps 3] [--programs floor,round-trip,dynamic,plugin]
//
// Not part of the report (bench/run.ts): a tool for finding what to cut.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { loadavg } from "node:os";
import { ensurePulumiCli } from "../harness/pulumi-cli.js";
import { installedPackageRoot } from "../harness/installed-package.js";
import {
  assertSucceeded,
  floorProgram,
  keyIds,
  median,
  progress,
  rotationProgram,
  roundTripFloorProgram,
  startBed,
  type Bed,
  type BenchContext,
  type Vehicle,
} from "./common.js";

type Program = "floor" | "round-trip" | Vehicle;
const PROGRAMS: readonly Program[] = ["floor", "round-trip", "dynamic", "plugin"];

interface Sample {
  ms: number;
  /** Since the command started: the first resource's read starts, the last one's ends. */
  firstRead: number;
  lastDone: number;
  requests: number;
}

interface Subject {
  program: Program;
  bed: Bed;
  stack: Stack;
  samples: Sample[];
}

function parseArgs(argv: readonly string[]): { n: number; reps: number; programs: Program[] } {
  const options = { n: 2000, reps: 3, programs: [...PROGRAMS] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--n") options.n = Number(argv[++i]);
    else if (arg === "--reps") options.reps = Number(argv[++i]);
    else if (arg === "--programs") {
      const named = (argv[++i] ?? "").split(",");
      const unknown = named.filter((p) => !(PROGRAMS as readonly string[]).includes(p));
      if (unknown.length > 0) throw new Error(`--programs takes some of ${PROGRAMS.join(",")}; unknown: ${unknown.join(",")}`);
      options.programs = PROGRAMS.filter((p) => named.includes(p));
    } else throw new Error(`unknown argument ${arg ?? ""}`);
  }
  if (!Number.isInteger(options.n) || options.n < 1 || !Number.isInteger(options.reps) || options.reps < 1) {
    throw new Error("--n and --reps take positive whole numbers");
  }
  return options;
}

async function startSubject(ctx: BenchContext, program: Program, keys: readonly string[]): Promise<Subject> {
  const vehicle: Vehicle = program === "floor" || program === "round-trip" ? "dynamic" : program;
  const bed = await startBed(ctx, { seed: { keys: keys.map((keyId) => ({ keyId })) } }, {}, vehicle);
  const code =
    program === "floor"
      ? floorProgram(keys)
      : program === "round-trip"
        ? roundTripFloorProgram(keys, bed.bed.emulator.url)
        : rotationProgram(() => keys.map((keyId) => ({ keyId })), program);
  const stack = await bed.stack(`refresh-${program}`, code);
  // The stack is only the starting point: made without per-step state writes.
  stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
  assertSucceeded(`up (${program})`, await stack.up());
  delete stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS;
  progress(ctx, `${program}: ${keys.length} resources up`);
  return { program, bed, stack, samples: [] };
}

async function refreshOnce(ctx: BenchContext, subject: Subject): Promise<void> {
  await subject.bed.bed.admin.clearRequests();
  let firstRead = 0;
  let lastDone = 0;
  const started = performance.now();
  const result = await subject.stack.refresh({
    onEvent: (event: EngineEvent) => {
      const now = performance.now() - started;
      if (firstRead === 0 && event.resourcePreEvent && event.resourcePreEvent.metadata.type !== "pulumi:pulumi:Stack") firstRead = now;
      if (event.resOutputsEvent) lastDone = now;
    },
  });
  const ms = performance.now() - started;
  assertSucceeded(`refresh (${subject.program})`, result);
  const requests = (await subject.bed.bed.admin.requests()).length;
  subject.samples.push({ ms, firstRead, lastDone, requests });
  const s = (v: number): string => (v / 1000).toFixed(2);
  progress(
    ctx,
    `${subject.program}: refresh ${s(ms)} s (reads from ${s(firstRead)} s to ${s(lastDone)} s), ${requests} requests, load ${loadavg()[0]?.toFixed(2) ?? "?"}`,
  );
}

async function main(): Promise<void> {
  const { n, reps, programs } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const ctx: BenchContext = { binDir: ensurePulumiCli(), elapsed: () => performance.now() - t0 };
  progress(ctx, `provider: installed copy of dist/ at ${installedPackageRoot()}`);
  const keys = keyIds(11, n);
  const subjects: Subject[] = [];
  try {
    for (const program of programs) subjects.push(await startSubject(ctx, program, keys));
    for (let rep = 0; rep < reps; rep++) {
      for (const subject of rep % 2 === 0 ? subjects : [...subjects].reverse()) await refreshOnce(ctx, subject);
    }
    const floorMs = median(subjects.find((s) => s.program === "floor")?.samples.map((x) => x.ms) ?? []);
    const s = (v: number): string => (v / 1000).toFixed(2);
    process.stdout.write(`\nrefresh of ${n}, median of ${reps}:\n`);
    for (const subject of subjects) {
      const m = (pick: (x: Sample) => number): number => median(subject.samples.map(pick));
      const ratio = Number.isNaN(floorMs) ? "" : ` (${(m((x) => x.ms) / floorMs).toFixed(3)}× the no-op floor)`;
      process.stdout.write(
        `  ${subject.program.padEnd(10)} ${s(m((x) => x.ms))} s${ratio}: before the first read ${s(m((x) => x.firstRead))} s, ` +
          `reads ${s(m((x) => x.lastDone - x.firstRead))} s (${((m((x) => x.lastDone - x.firstRead) * 1000) / n).toFixed(0)} µs per resource), ` +
          `after the last ${s(m((x) => x.ms - x.lastDone))} s\n`,
      );
    }
  } finally {
    for (const subject of subjects) await subject.bed.dispose();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`refresh cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 2;
});
