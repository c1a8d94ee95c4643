// Interrupted runs: an `up` of 100 keys is stopped half-way, once by killing the CLI outright (CI
// runner cancelled, machine lost: SIGKILL to the CLI and the provider it started) and once by
// Ctrl-C (SIGINT through the Automation API's `signal`). Whatever the interruption left behind,
// the user's next steps converge every key to the program with no mutation applied twice, and
// `destroy` leaves no rotation enabled.
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminKey, RequestLogEntry } from "../../emulator/index.js";
import { loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { minimumMutations } from "./fault-matrix.js";
import {
  isMutating,
  keyIdFor,
  outcomeOf,
  pendingOperations,
  pulumiCli,
  recordedRotations,
  settledRequests,
  stackWithEnv,
  type RunOutcome,
} from "./fault-support.js";

const KEYS = 100;
const PROGRAM = { enabled: true, intervalDays: 90 } as const;
/** Per-request delay, so that 100 keys (300 calls) take seconds and the interruption lands mid-way. */
const LATENCY_MS = 100;
/** Interrupt once this many mutating calls reached KMS (of 200: one enable and one interval per key). */
const INTERRUPT_AFTER_MUTATIONS = 60;

/** Parent pid and state ("Z" = zombie) of a process, from /proc. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), state: state ?? "?" };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** `pid` and all its descendants. */
function processTree(pid: number): number[] {
  const kids = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => procStat(p)?.ppid === pid);
  return [pid, ...kids.flatMap(processTree)];
}

const isAlive = (pid: number): boolean => {
  const s = procStat(pid);
  return s !== undefined && s.state !== "Z";
};

describe("interrupted up of 100 keys", () => {
  let bed: KmsTestbed;
  const { KeyRotation } = loadSdk();

  beforeAll(async () => {
    bed = await startKmsTestbed();
  });
  afterAll(async () => {
    await bed.dispose();
  });

  async function hundredKeys(name: string, prefix: string): Promise<{ stack: Stack; keys: string[] }> {
    const keys = Array.from({ length: KEYS }, (_, i) => keyIdFor(prefix, i));
    for (const keyId of keys) await bed.admin.putKey(keyId);
    const stack = await stackWithEnv(bed, name, () => {
      keys.forEach((keyId, i) => new KeyRotation(`key-${String(i).padStart(3, "0")}`, { keyId, ...PROGRAM }));
      return Promise.resolve({});
    });
    return { stack, keys };
  }

  /** Starts `up` with every KMS call slowed down, and calls `interrupt` once enough has happened. */
  async function interruptedUp(stack: Stack, interrupt: () => void, signal?: AbortSignal): Promise<RunOutcome> {
    await bed.admin.clearRequests();
    await bed.admin.addFault({ kind: "latency", ms: LATENCY_MS });
    const run = outcomeOf(stack.up(signal ? { signal } : {}));
    for (;;) {
      const mutations = (await bed.admin.requests()).filter((r) => isMutating(r.operation)).length;
      if (mutations >= INTERRUPT_AFTER_MUTATIONS) break;
      await sleep(25);
    }
    interrupt();
    const outcome = await run;
    await bed.admin.clearFaults();
    return outcome;
  }

  /** KMS once every request sent before the interruption has been answered. */
  async function kmsAfterInterruption(keys: string[]): Promise<Map<string, AdminKey>> {
    await settledRequests(bed.admin, 0);
    const out = new Map<string, AdminKey>();
    for (const keyId of keys) {
      const key = await bed.admin.getKey(keyId);
      if (key) out.set(keyId, key);
    }
    return out;
  }

  /** Per key, the mutating calls the recovery made; each must be the fewest from where KMS stood. */
  function expectMinimalRecovery(keys: string[], before: Map<string, AdminKey>, log: RequestLogEntry[]): void {
    const extra: string[] = [];
    for (const keyId of keys) {
      const from = before.get(keyId);
      if (!from) throw new Error(`no key ${keyId}`);
      const calls = log.filter((r) => r.keyId === keyId && isMutating(r.operation));
      if (calls.length !== minimumMutations(from, PROGRAM) || calls.some((c) => c.status !== 200)) {
        extra.push(`${keyId}: ${calls.map((c) => `${c.operation} ${String(c.status)}`).join(", ")} from ${JSON.stringify(from)}`);
      }
    }
    expect(extra).toEqual([]);
  }

  async function expectConverged(stack: Stack, keys: string[]): Promise<void> {
    const recorded = await recordedRotations(stack);
    expect(recorded.size).toBe(KEYS);
    for (const keyId of keys) {
      expect(await bed.admin.getKey(keyId), keyId).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
      expect(recorded.get(keyId)?.outputs, keyId).toMatchObject(PROGRAM);
    }
    expect(await pendingOperations(stack)).toEqual([]);
  }

  async function expectDestroyLeavesNothing(stack: Stack, keys: string[]): Promise<void> {
    await bed.admin.clearRequests();
    const result = await stack.destroy();
    expect(result.summary.resourceChanges?.delete).toBe(KEYS + 1);
    const enabled = (await bed.admin.listKeys()).filter((k) => keys.includes(k.keyId) && k.rotationEnabled);
    expect(enabled).toEqual([]);
    const disables = (await bed.admin.requests()).filter((r) => r.operation === "disable-key-rotation");
    expect(disables).toHaveLength(KEYS);
    expect((await recordedRotations(stack)).size).toBe(0);
  }

  it("killed (SIGKILL to the CLI and its provider): `pulumi cancel`, `refresh --clear-pending-creates`, then up converges; destroy disables all", async () => {
    const { stack, keys } = await hundredKeys("killed", "c1a5e000");
    let killed: number[] = [];
    const outcome = await interruptedUp(stack, () => {
      const cli = readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .map(Number)
        .filter((p) => procStat(p)?.ppid === process.pid && commandLine(p).includes(" up ") && commandLine(p).includes("--stack killed"));
      expect(cli).toHaveLength(1);
      // The whole tree at once, as a cancelled CI job or a lost machine would: the CLI, the
      // dynamic-provider shim and its node process (all started by this test's `up`).
      killed = cli.flatMap(processTree);
      for (const pid of killed) process.kill(pid, "SIGKILL");
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain("SIGKILL");
    expect(killed.length).toBeGreaterThanOrEqual(2);
    for (const pid of killed) expect(isAlive(pid), `process ${String(pid)} (${commandLine(pid)}) still running`).toBe(false);

    const atKill = await kmsAfterInterruption(keys);
    const done = [...atKill.values()].filter((k) => k.rotationEnabled && k.rotationInterval === 90).length;
    const halfway = [...atKill.values()].filter((k) => k.rotationEnabled && k.rotationInterval !== 90).length;
    console.log(`killed after ${String(INTERRUPT_AFTER_MUTATIONS)}+ mutations: ${String(done)} keys done, ${String(halfway)} enabled at 365 only, ${String(KEYS - done - halfway)} untouched`);
    expect(done).toBeLessThan(KEYS);
    const pending = await pendingOperations(stack);
    expect(pending.length, "creates the CLI started and never saw finish").toBeGreaterThan(0);

    // What the CLI tells the user, step by step.
    await bed.admin.clearRequests();
    const locked = await outcomeOf(stack.up());
    expect(locked.ok).toBe(false);
    expect(locked.error).toContain("the stack is currently locked by 1 lock(s)");
    expect(locked.error).toContain("pulumi cancel");
    expect(await bed.admin.requests(), "a locked stack sends nothing").toEqual([]);

    const cancel = await pulumiCli(bed, stack, ["cancel", "--yes"]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain("has been canceled");

    // The engine's advice for pending creates: refresh, which must clear them non-interactively.
    const refresh = await stack.refresh({ clearPendingCreates: true });
    expect(refresh.summary.result).toBe("succeeded");
    expect(await pendingOperations(stack)).toEqual([]);

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expectMinimalRecovery(keys, atKill, await bed.admin.requests());
    await expectConverged(stack, keys);
    await expectDestroyLeavesNothing(stack, keys);
  });

  it("Ctrl-C (SIGINT via the Automation API's signal): the CLI finishes what is in flight, and the next up alone converges", async () => {
    const { stack, keys } = await hundredKeys("ctrl-c", "c7a1c000");
    const controller = new AbortController();
    const outcome = await interruptedUp(stack, () => {
      controller.abort();
    }, controller.signal);
    expect(outcome.ok).toBe(false);
    const atStop = await kmsAfterInterruption(keys);
    const done = [...atStop.values()].filter((k) => k.rotationEnabled && k.rotationInterval === 90).length;
    console.log(`interrupted after ${String(INTERRUPT_AFTER_MUTATIONS)}+ mutations: ${String(done)} keys done`);
    expect(done).toBeLessThan(KEYS);
    // A graceful stop records what finished: no pending operations, no lock.
    expect(await pendingOperations(stack)).toEqual([]);
    const recorded = await recordedRotations(stack);
    for (const [keyId, r] of recorded) {
      expect(atStop.get(keyId), `${keyId} recorded as done`).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
      expect(r.outputs).toMatchObject(PROGRAM);
    }

    await bed.admin.clearRequests();
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expectMinimalRecovery(keys, atStop, await bed.admin.requests());
    await expectConverged(stack, keys);
    await expectDestroyLeavesNothing(stack, keys);
  });
});
