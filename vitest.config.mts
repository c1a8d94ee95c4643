import { defineConfig } from "vitest/config";
import { DurationSequencer } from "./test/support/duration-sequencer.js";

export default defineConfig({
  test: {
    include: ["provider/**/*.test.ts", "sdk/**/*.test.ts", "emulator/**/*.test.ts", "test/**/*.test.ts"],
    // Pulumi's closure serializer uses the inspector; separate processes keep it and the
    // Automation API (one inline update per process) out of each other's way.
    pool: "forks",
    // Most time is spent in CLI and provider processes, not in the workers: with two, a tenth of the
    // two cores sat idle through a cold run; three keep them busy.
    maxWorkers: 3,
    // The longest files first (by the last run's durations, else those of a cold run on record):
    // a long file started last would run on alone while the other workers sit idle.
    sequence: { sequencer: DurationSequencer },
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts", "./test/support/durations-reporter.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
