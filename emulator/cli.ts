#!/usr/bin/env node
// `huaweicloud-kms-emulator` / `npm run emulator -- --port <n> [--seed <file.json>]`.
// The first stdout line is the listening URL so scripts can wait for it; everything else goes to stderr.
import { optionsFromArgs, SeedFileError, USAGE, UsageError } from "./cli-options.js";
import { startEmulator } from "./server.js";

async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof SeedFileError) {
      // The flags were right: the usage would only bury the problems.
      process.stderr.write(err.problems.map((p) => `huaweicloud-kms-emulator: ${p}\n`).join(""));
      process.exit(2);
    }
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`huaweicloud-kms-emulator: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`listening on ${emulator.url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`huaweicloud-kms-emulator: ${signal}, stopping\n`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`huaweicloud-kms-emulator: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => {
    stop("SIGINT");
  });
  process.on("SIGTERM", () => {
    stop("SIGTERM");
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`huaweicloud-kms-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
