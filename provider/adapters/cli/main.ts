#!/usr/bin/env node
// `huaweicloud-kms <command>`: the package's command line (bin `huaweicloud-kms`). Results go to
// stdout, progress and errors to stderr, each error as one `error: ...` line; the exit code says
// how it went (see discover-command.ts). The Node.js version is checked first, as by the other
// entry points, but loaded here with import() so that a too old Node.js is one `error:` line and
// exit code 2 (a static import would die with a stack and code 1, which means "policy broken").

/** Exits once stdout and stderr are flushed: the client's keep-alive pool would hold the process open. */
function exit(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<number> {
  try {
    await import("../../platform/node-version.js");
  } catch (err) {
    process.stderr.write(`error: ${message(err)}\n`);
    return 2;
  }
  const { redactorFor, runCommandLine } = await import("./commands.js");
  try {
    return await runCommandLine(process.argv.slice(2), {
      env: process.env,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
  } catch (err) {
    // Not one of the failures the command words itself: still one line, never a stack of frames.
    process.stderr.write(`error: ${redactorFor(process.env)(message(err))}\n`);
    return 3;
  }
}

main().then(exit, (err: unknown) => {
  process.stderr.write(`error: ${message(err)}\n`);
  exit(3);
});
