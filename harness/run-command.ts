// A command run in a child process without blocking this one: tests, benchmarks and the demo run
// the KMS emulator in their own event loop, so a synchronous spawn would leave the command waiting
// on an emulator that cannot answer.
import { spawn, type ChildProcess } from "node:child_process";

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Added to this process's environment (or to `baseEnv`). */
  env?: Record<string, string>;
  /** The environment `env` is added to; default this process's. */
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called once the child is started, e.g. to sample it while it runs. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `file args`, resolving with its exit code and output once it exits. */
export function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, {
      env: { ...(options.baseEnv ?? process.env), ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    options.onSpawn?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => {
      out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      err.push(b);
    });
    child.once("error", fail);
    child.once("exit", (code) => {
      done({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}
