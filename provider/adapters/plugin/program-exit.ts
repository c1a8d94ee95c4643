// Whether the user's program is still running beside this provider. When a run fails, the engine
// does not wait for the program to end: it closes the provider plugins, then interrupts each
// language host's process group (SIGINT). A Python program still on its way out (it has just been
// told that the engine is shutting down) dies of that signal with a KeyboardInterrupt traceback
// through gRPC and asyncio, printed under the stack, around the one line that said what was wrong.
// The engine closes the language hosts only once every provider has answered Cancel and exited, so
// a provider that has failed a call holds its Cancel answer until the program has exited.
//
// The program is a child of a language host (`pulumi-language-<runtime>`), which is, like this
// provider, a child of the CLI. YAML programs run inside their host: no child, nothing to wait for.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { promisify } from "node:util";

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** The executable's name (Linux cuts it to 15 characters). */
  name: string;
}

/** How every language host's executable name starts; 15 characters, so Linux keeps it whole. */
const LANGUAGE_HOST = "pulumi-language";
const POLL_MS = 50;
/** Where processes cannot be listed (Windows): a wait that covers the 0.2-0.4 s a Python program takes here. */
const BLIND_WAIT_MS = 1000;

/** The processes that run programs for the CLI `cliPid`: children of its language hosts. Pure. */
export function programPids(processes: readonly ProcessEntry[], cliPid: number): number[] {
  const hosts = new Set(processes.filter((p) => p.ppid === cliPid && basename(p.name).startsWith(LANGUAGE_HOST)).map((p) => p.pid));
  return processes.filter((p) => hosts.has(p.ppid)).map((p) => p.pid);
}

/** One line of /proc/<pid>/stat as a process: "pid (name) state ppid ..."; the name may hold spaces and parentheses. */
export function parseProcStat(stat: string): ProcessEntry | undefined {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(stat.slice(0, open).trim());
  const ppid = Number(stat.slice(close + 1).trim().split(" ")[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid, name: stat.slice(open + 1, close) };
}

async function procProcesses(): Promise<ProcessEntry[]> {
  const out: ProcessEntry[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may end between the listing and the read.
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const parsed = parseProcStat(stat);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** Other Unixes (macOS): ps, which every one of them has. */
export async function psProcesses(): Promise<ProcessEntry[]> {
  const { stdout } = await promisify(execFile)("ps", ["-A", "-o", "pid=,ppid=,comm="]);
  const out: ProcessEntry[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) out.push({ pid: Number(m[1]), ppid: Number(m[2]), name: m[3].trim() });
  }
  return out;
}

/** The machine's processes, or undefined where they cannot be listed (Windows). */
export async function listProcesses(): Promise<ProcessEntry[] | undefined> {
  if (process.platform === "win32") return undefined;
  try {
    return process.platform === "linux" ? await procProcesses() : await psProcesses();
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no program of the CLI `cliPid` runs, at most `timeoutMs`; where processes cannot be
 * listed, a fixed second. Returns whether the program was seen to end (or none ran).
 */
export async function waitForProgramExit(cliPid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const processes = await listProcesses();
    if (processes === undefined) {
      await sleep(Math.min(BLIND_WAIT_MS, Math.max(0, deadline - Date.now())));
      return false;
    }
    if (programPids(processes, cliPid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}
