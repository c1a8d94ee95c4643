// The commands of `huaweicloud-kms` and their dispatch, apart from main.ts so that main.ts can
// check the Node.js version before this (and undici with it) loads.
import { runDiscover, type DiscoverIo } from "./discover-command.js";

export { redactorFor } from "./discover-command.js";

/** The top-level `--help` text. */
export const USAGE = `Usage: huaweicloud-kms <command> [options]

Commands:
  discover    list every KMS key of the project with its rotation, the stack that manages it
              and a verdict against a rotation policy; write a \`pulumi import --file\` document
              or a rotation policy file of the keys no stack manages yet

Run "huaweicloud-kms <command> --help" for its options.
`;

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function runCommandLine(argv: readonly string[], io: DiscoverIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "discover") return runDiscover(rest, io);
  if (command === "-h" || command === "--help" || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  io.stderr(command === undefined ? USAGE : `error: unknown command ${JSON.stringify(command)}: the command is discover (see huaweicloud-kms --help)\n`);
  return 2;
}
