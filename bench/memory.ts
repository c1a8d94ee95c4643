// Peak RSS (figure 5) and CPU time of the dynamic-provider processes started by this harness,
// plus CPU accounting of a whole run. The engine starts one `node .../@pulumi/pulumi/cmd/
// dynamic-provider` per update (through the shell shim), so it is found by scanning /proc while the
// update runs. VmHWM is the kernel's own high-water mark, so polling loses nothing but the growth
// of the last interval before the process exits; its CPU time is likewise sampled (up to one
// interval short). The CPU of the CLI's whole process tree is exact: it is read from this
// process's reaped-children times, which the kernel adds up as each child is waited for.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface RssPeak {
  /** Highest VmHWM of any matching process, in bytes (0 when none was seen). */
  peakBytes: number;
  /** CPU time (user + system) of the matching processes, in milliseconds, as last sampled. */
  cpuMs: number;
  /** How many distinct matching processes were seen. */
  processes: number;
  /** False where /proc is not readable (not Linux): the peak is then unknown. */
  supported: boolean;
}

/** A /proc file's text, or undefined when the process ended meanwhile (or is not readable). */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // The process ended between listing and reading: not an error.
    return undefined;
  }
}

/**
 * The fields of /proc/<pid>/stat from the third (state) on, so that field k (1-based, as in
 * proc(5)) is at index k - 3. "pid (comm) state ppid ...": comm may contain spaces and
 * parentheses, so the line is cut at the last ")".
 */
function statFields(pid: number | "self"): string[] | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function parentOf(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[4 - 3]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    let value = Number.NaN;
    try {
      value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch {
      // getconf missing: Linux has used 100 on every common architecture for decades.
    }
    ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** utime + stime (fields 14, 15) or cutime + cstime (16, 17), in milliseconds. */
/** CPU milliseconds of a process (`own`) or of the children it reaped, from /proc's stat. */
export function cpuMsOf(pid: number | "self", which: "own" | "children"): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  const [a, b] = which === "own" ? [fields[14 - 3], fields[15 - 3]] : [fields[16 - 3], fields[17 - 3]];
  const ticks = Number(a) + Number(b);
  return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : undefined;
}

/**
 * CPU time of every child process this process has reaped so far (the pulumi CLI, and through
 * it the language host and the dynamic provider, when each parent waited for its children).
 * Undefined where /proc is not readable.
 */
export function reapedChildrenCpuMs(): number | undefined {
  return cpuMsOf("self", "children");
}

/**
 * Whether `pid` descends from this process. Other engineers' test runs on the same machine start
 * their own dynamic providers; only ours count.
 */
function isOurs(pid: number): boolean {
  let current: number | undefined = pid;
  for (let depth = 0; depth < 16 && current !== undefined && current > 1; depth++) {
    if (current === process.pid) return true;
    current = parentOf(current);
  }
  return false;
}

/**
 * `node <path>/@pulumi/pulumi/cmd/dynamic-provider[/index.js] ...`; not the shim's short
 * `node -e "require.resolve('.../dynamic-provider')"` that only looks the script up.
 */
function isDynamicProvider(cmdline: string): boolean {
  const args = cmdline.split("\0");
  return /[/\\]cmd[/\\]dynamic-provider([/\\]index\.js)?$/.test(args[1] ?? "");
}

/** The process's peak RSS (VmHWM) in bytes; undefined when it has ended or /proc is unavailable. */
export function vmHwmBytes(pid: number): number | undefined {
  const status = readText(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/** Polls /proc for our dynamic-provider processes until stopped. */
export class RssSampler {
  private readonly peaks = new Map<number, number>();
  private readonly cpu = new Map<number, number>();
  /** Ancestry already walked, per pid (whether it descends from this process). */
  private readonly ancestry = new Map<number, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private readonly supported: boolean;

  constructor(private readonly intervalMs = 250) {
    this.supported = readText("/proc/self/status") !== undefined;
  }

  start(): void {
    if (!this.supported || this.timer) return;
    this.timer = setInterval(() => {
      this.sample();
    }, this.intervalMs);
    // Never keep the harness alive just for sampling.
    this.timer.unref();
  }

  /** Takes a last sample and stops. */
  stop(): RssPeak {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.supported) this.sample();
    let peakBytes = 0;
    for (const bytes of this.peaks.values()) peakBytes = Math.max(peakBytes, bytes);
    let cpuMs = 0;
    for (const ms of this.cpu.values()) cpuMs += ms;
    return { peakBytes, cpuMs: Math.round(cpuMs), processes: this.peaks.size, supported: this.supported };
  }

  private sample(): void {
    let entries: string[];
    try {
      entries = readdirSync("/proc");
    } catch {
      return;
    }
    for (const name of entries) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      // The command line is read every time: a process caught between fork and exec still shows
      // its parent's, and must not be written off for good.
      const cmdline = readText(`/proc/${pid}/cmdline`);
      if (cmdline === undefined || !isDynamicProvider(cmdline)) continue;
      let ours = this.ancestry.get(pid);
      if (ours === undefined) {
        ours = isOurs(pid);
        this.ancestry.set(pid, ours);
      }
      if (!ours) continue;
      const bytes = vmHwmBytes(pid);
      if (bytes !== undefined) this.peaks.set(pid, Math.max(bytes, this.peaks.get(pid) ?? 0));
      const cpuMs = cpuMsOf(pid, "own");
      if (cpuMs !== undefined) this.cpu.set(pid, Math.max(cpuMs, this.cpu.get(pid) ?? 0));
    }
  }
}

/** Runs `fn` while sampling; returns its result and the peak. */
export async function withRssSampling<T>(fn: () => Promise<T>): Promise<{ result: T; rss: RssPeak }> {
  const sampler = new RssSampler();
  sampler.start();
  try {
    const result = await fn();
    return { result, rss: sampler.stop() };
  } finally {
    sampler.stop();
  }
}
