// Finding the user's program among real processes: a fake language host (a shell under the name
// `pulumi-language-fake`) started by this test process, which plays the CLI, runs a child program.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listProcesses, parseProcStat, programPids, psProcesses, waitForProgramExit } from "./program-exit.js";

it("reads a /proc stat line whose process name holds spaces and parentheses", () => {
  expect(parseProcStat("4242 (python3 (x) y) S 4200 4242 4242 0 -1 4194560")).toEqual({ pid: 4242, ppid: 4200, name: "python3 (x) y" });
  expect(parseProcStat("")).toBeUndefined();
});

it("finds the programs as children of the CLI's language hosts, and nothing else", () => {
  const processes = [
    { pid: 10, ppid: 1, name: "pulumi" },
    { pid: 11, ppid: 10, name: "pulumi-language" }, // Linux: cut to 15 characters
    { pid: 12, ppid: 11, name: "python3" },
    { pid: 13, ppid: 10, name: "node" }, // a provider plugin
    { pid: 14, ppid: 13, name: "sh" },
    { pid: 20, ppid: 1, name: "/usr/local/bin/pulumi-language-python" }, // another CLI's host (ps: full path)
    { pid: 21, ppid: 20, name: "python3" },
  ];
  expect(programPids(processes, 10)).toEqual([12]);
  expect(programPids(processes, 1)).toEqual([21]);
});

describe.runIf(process.platform === "linux" || process.platform === "darwin")("with real processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-program-exit-"));
  const host = join(dir, "pulumi-language-fake");
  symlinkSync("/bin/sh", host);
  const started: ChildProcess[] = [];
  afterAll(() => {
    // Each fake host leads its own process group: its program goes with it.
    for (const child of started) if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fake language host running `sleep <seconds>` as its program; resolves once the program is listed. */
  async function startProgram(seconds: number): Promise<void> {
    // `; true` keeps the shell from replacing itself with sleep: the host stays, the program is its child.
    started.push(spawn(host, ["-c", `sleep ${seconds}; true`], { stdio: "ignore", detached: true }));
    for (;;) {
      if (programPids((await listProcesses()) ?? [], process.pid).length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("waits until the program has exited", async () => {
    await startProgram(1);
    // ps (macOS) sees the same program as /proc (Linux).
    expect(programPids(await psProcesses(), process.pid)).toEqual(programPids((await listProcesses()) ?? [], process.pid));
    expect(await waitForProgramExit(process.pid, 10_000)).toBe(true);
    expect(programPids((await listProcesses()) ?? [], process.pid)).toEqual([]);
  });

  it("gives up at its bound while the program runs on", async () => {
    await startProgram(30);
    expect(await waitForProgramExit(process.pid, 100)).toBe(false);
  });
});
