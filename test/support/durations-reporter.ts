import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/** Set to 1 on a cold run (empty caches, see docs/testing.md) to record each file's duration. */
export const RECORD_DURATIONS_ENV = "PULUMI_KMS_RECORD_DURATIONS";
const DURATIONS_FILE = resolve(__dirname, "file-durations.json");
const root = resolve(__dirname, "../..");

/**
 * Writes test/support/file-durations.json, which the duration sequencer starts the longest files
 * first with on machines that have no durations of their own (CI's fresh clone). Files that ran
 * get their new figure; files that did not keep theirs; files that are gone are dropped.
 */
export default class DurationsReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    if (process.env[RECORD_DURATIONS_ENV] !== "1") return;
    let files: Record<string, number> = {};
    try {
      files = (JSON.parse(readFileSync(DURATIONS_FILE, "utf8")) as { files?: Record<string, number> }).files ?? {};
    } catch {
      // No file yet: every figure comes from this run.
    }
    for (const mod of testModules) {
      const d = mod.diagnostic();
      const ms = d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
      files[relative(root, mod.moduleId)] = Math.round(ms / 100) / 10;
    }
    const kept = Object.entries(files)
      .filter(([file]) => existsSync(resolve(root, file)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const note = "Seconds each test file took in a cold run (empty caches, 2 cores): the longest start first. Rewritten by PULUMI_KMS_RECORD_DURATIONS=1 npm test.";
    writeFileSync(DURATIONS_FILE, `${JSON.stringify({ note, files: Object.fromEntries(kept) }, null, 2)}\n`);
    process.stdout.write(`[durations] ${String(testModules.length)} files recorded in ${relative(root, DURATIONS_FILE)}\n`);
  }
}
