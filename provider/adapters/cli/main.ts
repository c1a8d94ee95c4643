#!/usr/bin/env node
// `huaweicloud-kms <command>`: the package's command line (bin `huaweicloud-kms`). Results go to
// stdout, progress and errors to stderr, each error as one `error: ...` line; the exit code says
// how it went (see discover-command.ts).
import "../../platform/node-version.js"; // first: fail on too old a Node.js before anything loads
import { redactorFor, runDiscover } from "./discover-command.js";

/** The top-level `--help` text. */
const USAGE = `Usage: huaweicloud-kms <command> [options]

Commands:
  discover    list every KMS key of the project with its rotation and a verdict against a
              rotation policy; write a \`pulumi import --file\` document or a rotation policy file

Run "huaweicloud-kms <command> --help" for its options.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = {
    env: process.env,
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
  };
  if (command === "discover") return runDiscover(rest, io);
  if (command === "-h" || command === "--help" || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  io.stderr(command === undefined ? USAGE : `error: unknown command ${JSON.stringify(command)}: the command is discover (see huaweicloud-kms --help)\n`);
  return 2;
}

/** Exits once stdout and stderr are flushed: the client's keep-alive pool would hold the process open. */
function exit(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  // Not one of the failures the command words itself: still one line, never a stack of frames.
  process.stderr.write(`error: ${redactorFor(process.env)(err instanceof Error ? err.message : String(err))}\n`);
  exit(3);
});
