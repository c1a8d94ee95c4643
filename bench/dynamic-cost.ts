// Where the dynamic provider's own cost goes at 0 ms KMS latency: `up` and `destroy` of N
// KeyRotations beside N no-op floor resources (common.ts), back to back in one sandbox, the order
// alternating, with the time of each run split into the parts that can be told apart from outside:
// the CLI's process tree, the dynamic-provider process, and this harness (inline program and
// emulator). With --profile, V8 CPU profiles of the dynamic-provider process (NODE_OPTIONS only
// reaches the Node.js processes the CLI starts: the provider and its shim's one-line lookup) and of
// this process during each run, summed by package and by function.
//
//   npx tsx bench/dynamic-cost.ts [--n 100,500] [--reps 2] [--profile <dir>] [--skip-checkpoints]
//
// Not part of the report (bench/run.ts): a tool for finding what to cut.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { EngineEvent, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { ensurePulumiCli } from "../harness/pulumi-cli.js";
import { assertSucceeded, floorProgram, keyIds, median, progress, rotationProgram, round, startBed, timed, type BenchContext } from "./common.js";
import { reapedChildrenCpuMs, withRssSampling } from "./memory.js";
import { measureStateSize } from "./state-size.js";
import { FLOOR_TYPE, KEY_ROTATION_TYPE } from "./engine-overhead.js";

interface Options {
  ns: number[];
  reps: number;
  profileDir?: string;
  skipCheckpoints: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { ns: [100, 500], reps: 2, skipCheckpoints: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--n") options.ns = (argv[++i] ?? "").split(",").map(Number);
    else if (arg === "--reps") options.reps = Number(argv[++i]);
    else if (arg === "--profile") options.profileDir = resolve(argv[++i] ?? "");
    else if (arg === "--skip-checkpoints") options.skipCheckpoints = true;
    else throw new Error(`unknown argument ${arg ?? ""}`);
  }
  if (options.ns.some((n) => !Number.isInteger(n) || n < 1) || !(options.reps >= 1)) throw new Error("--n takes positive integers, --reps a positive count");
  return options;
}

/** Milliseconds from the start of the run to each milestone (engine events as they reach this process). */
interface Timeline {
  /** The inline program starts (the CLI, the engine and the language host are up) and returns. */
  programStart?: number;
  programEnd?: number;
  /** The first step starts (its check is done), the first and the last resource's step ends. */
  firstStep?: number;
  firstDone?: number;
  lastDone?: number;
  /** The engine's summary: every step done, the state written. */
  summary?: number;
}

interface Sample {
  ms: number;
  timeline: Timeline;
  cliCpuMs: number;
  providerCpuMs: number;
  harnessCpuMs: number;
}

type Program = "floor" | "keyRotation";
type Operation = "up" | "destroy";

/** Profiles this process (inline program + emulator) while `fn` runs, into `file`. */
async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (file === undefined) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((ok, fail) => {
      session.post(method, params ?? {}, (err, result) => {
        if (err) fail(err);
        else ok(result);
      });
    });
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function runOnce(stack: Stack, op: Operation, label: string, harnessProfile: string | undefined, timeline: Timeline): Promise<Sample> {
  const childrenBefore = reapedChildrenCpuMs() ?? 0;
  const harnessBefore = process.cpuUsage();
  const start = performance.now();
  const at = (): number => round(performance.now() - start, 0);
  const onEvent = (e: EngineEvent): void => {
    if (e.resourcePreEvent && e.resourcePreEvent.metadata.type !== "pulumi:pulumi:Stack") timeline.firstStep ??= at();
    if (e.resOutputsEvent && e.resOutputsEvent.metadata.type !== "pulumi:pulumi:Stack" && !e.resOutputsEvent.metadata.type.startsWith("pulumi:providers:")) {
      timeline.firstDone ??= at();
      timeline.lastDone = at();
    }
    if (e.summaryEvent) timeline.summary = at();
  };
  programClock.start = start;
  programClock.timeline = timeline;
  const { result, rss } = await withRssSampling(() =>
    profiled(harnessProfile, () =>
      timed(async () => {
        const r = op === "up" ? await stack.up({ onEvent }) : await stack.destroy({ onEvent });
        assertSucceeded(label, r);
      }),
    ),
  );
  const harness = process.cpuUsage(harnessBefore);
  return {
    ms: round(result.ms, 0),
    timeline,
    cliCpuMs: round((reapedChildrenCpuMs() ?? 0) - childrenBefore, 0),
    providerCpuMs: rss.cpuMs,
    harnessCpuMs: round((harness.user + harness.system) / 1000, 0),
  };
}

// The engine ends the dynamic-provider process with a signal, so Node's own --cpu-prof (written
// at a normal exit) never is: a preloaded script profiles it through the inspector and writes the
// profile when the signal comes.
const PROFILE_DIR_ENV = "KMS_PROVIDER_PROFILE_DIR";
const PRELOAD = `
const { Session } = require("node:inspector");
const fs = require("node:fs");
const dir = process.env.${PROFILE_DIR_ENV};
if (dir && /dynamic-provider/.test(process.argv[1] || "")) {
  const s = new Session();
  s.connect();
  s.post("Profiler.enable");
  s.post("Profiler.setSamplingInterval", { interval: 500 });
  s.post("Profiler.start");
  let done = false;
  const flush = (why) => {
    if (done) return;
    done = true;
    s.post("Profiler.stop", (err, r) => {
      if (!err) fs.writeFileSync(dir + "/provider-" + process.pid + ".cpuprofile", JSON.stringify(r.profile));
      fs.writeFileSync(dir + "/provider-" + process.pid + ".ended-by", why);
    });
  };
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { flush(sig); process.exit(0); });
  process.on("exit", () => flush("exit"));
}
`;

function providerProfiler(root: string): string {
  mkdirSync(root, { recursive: true });
  const file = join(root, "provider-profiler.cjs");
  writeFileSync(file, PRELOAD);
  return file;
}

/** Where the program of the current run records when it starts and returns. */
const programClock: { start: number; timeline: Timeline } = { start: 0, timeline: {} };

function clocked(program: PulumiFn): PulumiFn {
  return async () => {
    programClock.timeline.programStart = round(performance.now() - programClock.start, 0);
    const outputs = await program();
    programClock.timeline.programEnd = round(performance.now() - programClock.start, 0);
    return outputs;
  };
}

// --- CPU profile summaries -------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or part of ours) a script URL belongs to. */
function bucketOf(url: string, fn: string): string {
  if (url === "") return fn === "" ? "(anonymous)" : fn.startsWith("(") ? fn : "(native)";
  if (url.startsWith("node:")) return url.startsWith("node:internal/modules") ? "node:modules" : "node:internal";
  const ours = /pulumi-huaweicloud-kms\/dist\/(.*)$/.exec(url);
  if (ours?.[1] !== undefined) return `ours:${ours[1].split("/").slice(0, -1).join("/") || "."}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg?.[1] === "@pulumi/pulumi") return `@pulumi/pulumi/${(pkg[2] ?? "").split("/")[0] ?? ""}`;
  if (pkg?.[1] !== undefined) return pkg[1];
  return url.includes("/emulator/") ? "emulator (source)" : url.includes("/bench/") || url.includes("/harness/") ? "bench/harness (source)" : url;
}

interface ProfileSummary {
  totalMs: number;
  byBucket: [string, number][];
  /** Inclusive time of named functions (recursion counted once per stack). */
  inclusive: [string, number][];
}

function summarize(profile: CpuProfile, watch: readonly string[]): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const buckets = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += ms;
    const b = bucketOf(node.callFrame.url, node.callFrame.functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) break;
      for (const w of watch) {
        const [fnName, urlPart] = w.split("@");
        if (frame.functionName === fnName && (urlPart === undefined || frame.url.includes(urlPart)) && !seen.has(w)) {
          seen.add(w);
          inclusive.set(w, (inclusive.get(w) ?? 0) + ms);
        }
      }
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m].map(([k, v]): [string, number] => [k, round(v, 0)]).sort((a, b) => b[1] - a[1]);
  return { totalMs: round(total, 0), byBucket: sorted(buckets), inclusive: sorted(inclusive) };
}

const PROVIDER_WATCH = [
  "getProvider@dynamic-provider",
  "requireFromString",
  "check@dynamic-provider",
  "diff@dynamic-provider",
  "create@dynamic-provider",
  "delete@dynamic-provider",
  "configure@runtime.js",
  "check@runtime.js",
  "diff@runtime.js",
  "create@runtime.js",
  "remove@runtime.js",
  "fromJavaScript@struct_pb",
  "toJavaScript@struct_pb",
  "serializeBinary",
  "deserializeBinary",
];
const HARNESS_WATCH = [
  "KeyRotation@sdk/key-rotation.js",
  "FloorResource",
  "claimKey@key-claims.js",
  "claimsOn@key-rotation.js",
  "declaredProperties",
  "prepareResource@resource.js",
  "serializeProperties@rpc.js",
  "serializeProperty@rpc.js",
  "serializeFunction",
  "registerResource@resource.js",
];

function printProfiles(dir: string, label: string, watch: readonly string[]): void {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return;
  }
  // The shim's one-line `node -e` lookup is profiled too: it is tiny, keep only the largest.
  const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile);
  const summaries = profiles.map((p) => summarize(p, watch)).sort((a, b) => b.totalMs - a.totalMs);
  const main = summaries[0];
  if (!main) return;
  const others = summaries.slice(1).map((s) => s.totalMs);
  process.stdout.write(`\n${label}: ${main.totalMs} ms sampled${others.length > 0 ? ` (other profiles: ${others.join(", ")} ms)` : ""}\n`);
  process.stdout.write(`  by package: ${main.byBucket.filter(([, ms]) => ms >= 5).map(([b, ms]) => `${b} ${ms}`).join(", ")}\n`);
  process.stdout.write(`  inclusive:  ${main.inclusive.map(([b, ms]) => `${b} ${ms}`).join(", ")}\n`);
}

// --- the measurement ---------------------------------------------------------------------------

async function measure(ctx: BenchContext, n: number, options: Options): Promise<void> {
  const keys = keyIds(5, n);
  const env: Record<string, string> = {};
  if (options.skipCheckpoints) env.PULUMI_SKIP_CHECKPOINTS = "true";
  const profileRoot = options.profileDir === undefined ? undefined : join(options.profileDir, `n${n}`);
  const bed = await startBed(ctx, { seed: { keys: keys.map((keyId) => ({ keyId })) } }, env);
  const samples = new Map<string, Sample[]>();
  try {
    const stacks: Record<Program, Stack> = {
      floor: await bed.stack("floor", clocked(floorProgram(keys))),
      keyRotation: await bed.stack("rotations", clocked(rotationProgram(() => keys.map((keyId) => ({ keyId }))))),
    };
    const run = async (program: Program, op: Operation, rep: number): Promise<void> => {
      const label = `N=${n} ${program} ${op} #${rep + 1}`;
      let harnessProfile: string | undefined;
      if (profileRoot !== undefined) {
        const dir = join(profileRoot, `${program}-${op}-${rep + 1}`);
        mkdirSync(join(dir, "provider"), { recursive: true });
        harnessProfile = join(dir, "harness.cpuprofile");
        const env = stacks[program].workspace.envVars;
        env.NODE_OPTIONS = `--require ${providerProfiler(profileRoot)}`;
        env[PROFILE_DIR_ENV] = join(dir, "provider");
      }
      const s = await runOnce(stacks[program], op, label, harnessProfile, {});
      const key = `${program} ${op}`;
      samples.set(key, [...(samples.get(key) ?? []), s]);
      progress(ctx, `${label}: ${(s.ms / 1000).toFixed(2)} s, CPU cli ${s.cliCpuMs} provider ${s.providerCpuMs} harness ${s.harnessCpuMs} ms (load ${round(loadavg()[0] ?? 0)})`);
    };
    for (let rep = 0; rep < options.reps; rep++) {
      const order: Program[] = rep % 2 === 0 ? ["floor", "keyRotation"] : ["keyRotation", "floor"];
      for (const p of order) await run(p, "up", rep);
      if (rep === 0) {
        const kr = await measureStateSize(stacks.keyRotation, KEY_ROTATION_TYPE);
        const fl = await measureStateSize(stacks.floor, FLOOR_TYPE);
        process.stdout.write(
          `N=${n} state per resource: KeyRotation ${kr.bytesPerResource} B (inputs ${kr.inputsBytes}, outputs ${kr.outputsBytes}, __provider ${kr.providerBytes}×${kr.providerCopies}), ` +
            `floor ${fl.bytesPerResource} B (inputs ${fl.inputsBytes}, outputs ${fl.outputsBytes}, __provider ${fl.providerBytes}×${fl.providerCopies})\n`,
        );
      }
      for (const p of order) await run(p, "destroy", rep);
    }
  } finally {
    await bed.dispose();
  }
  const line = (op: Operation): string => {
    const med = (p: Program, pick: (s: Sample) => number): number => round(median((samples.get(`${p} ${op}`) ?? []).map(pick)), 0);
    const kr = samples.get(`keyRotation ${op}`) ?? [];
    const fl = samples.get(`floor ${op}`) ?? [];
    const ratios = kr.map((s, i) => s.ms / (fl[i]?.ms ?? Number.NaN));
    return (
      `| ${n} | ${op} | ${(med("keyRotation", (s) => s.ms) / 1000).toFixed(2)} | ${(med("floor", (s) => s.ms) / 1000).toFixed(2)} | ` +
      `${round(median(ratios), 3)}× (${ratios.map((r) => round(r, 2)).join(", ")}) | ` +
      `${med("keyRotation", (s) => s.cliCpuMs - s.providerCpuMs)} / ${med("floor", (s) => s.cliCpuMs - s.providerCpuMs)} | ` +
      `${med("keyRotation", (s) => s.providerCpuMs)} / ${med("floor", (s) => s.providerCpuMs)} | ` +
      `${med("keyRotation", (s) => s.harnessCpuMs)} / ${med("floor", (s) => s.harnessCpuMs)} |\n`
    );
  };
  const milestones = ["programStart", "programEnd", "firstStep", "firstDone", "lastDone", "summary"] as const;
  const timelineLine = (program: Program, op: Operation): string => {
    const runs = samples.get(`${program} ${op}`) ?? [];
    const cells = milestones.map((m) => {
      const values = runs.map((r) => r.timeline[m]).filter((v): v is number => v !== undefined);
      return values.length === 0 ? "—" : String(round(median(values), 0));
    });
    return `| ${n} | ${program} ${op} | ${cells.join(" | ")} | ${round(median(runs.map((r) => r.ms)), 0)} |\n`;
  };
  process.stdout.write(
    `\nTimeline, ms from the start of the run (medians): program start/end, first step starts, first and last resource done, summary, end\n` +
      `| N | run | program start | program end | first step | first done | last done | summary | end |\n|---|---|---|---|---|---|---|---|---|\n` +
      (["up", "destroy"] as const).flatMap((op) => (["keyRotation", "floor"] as const).map((p) => timelineLine(p, op))).join(""),
  );
  process.stdout.write(
    `\n| N | op | KeyRotation s | floor s | ratio (each rep) | CLI w/o provider CPU ms KR / floor | provider CPU ms | harness CPU ms |\n|---|---|---|---|---|---|---|---|\n` +
      line("up") +
      line("destroy"),
  );
  if (profileRoot !== undefined) {
    for (const program of ["keyRotation", "floor"] as const) {
      for (const op of ["up", "destroy"] as const) {
        const dir = join(profileRoot, `${program}-${op}-1`);
        printProfiles(join(dir, "provider"), `N=${n} ${program} ${op}: dynamic-provider process`, PROVIDER_WATCH);
        printProfiles(dir, `N=${n} ${program} ${op}: harness (program + emulator)`, HARNESS_WATCH);
      }
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const ctx: BenchContext = { binDir: ensurePulumiCli(), elapsed: () => performance.now() - t0 };
  // A throwaway round: the first sandbox pays for cold caches that later ones get for free.
  await measure(ctx, 5, { ...options, reps: 1, profileDir: undefined });
  for (const n of options.ns) await measure(ctx, n, options);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
