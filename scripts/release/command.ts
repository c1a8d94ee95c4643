// How the release runs its tools (npm, python, pip): one at a time, output captured, and on
// failure an error that names the command and shows the end of what it printed.
import { spawnSync } from "node:child_process";

/** Progress lines go here (the release prints them on stderr). */
export type Progress = (message: string) => void;

export interface ToolOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

/** Runs `file args` and returns its stdout; throws with the last lines of its output if it fails. */
export function runTool(file: string, args: readonly string[], options: ToolOptions = {}): string {
  const r = spawnSync(file, args, {
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const output = `${r.stdout}${r.stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${file} ${args.join(" ")} failed (${String(r.status ?? r.signal ?? r.error)}):\n${output}`);
  }
  return r.stdout;
}
