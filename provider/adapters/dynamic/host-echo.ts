// The dynamic-provider host prints every error that check, read and delete return on stderr, as
// "<error>: <stack>", before handing it to the engine, which shows it again: the user would read
// each failure twice. Those exact lines are dropped; everything else on stderr passes.
const echoes = new Set<string>();
let installed = false;

/** Returns `e` (as an Error) after arranging that the host's stderr echo of it is dropped. */
export function suppressHostEcho(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  echoes.add(`${err.toString()}: ${err.stack ?? ""}`);
  if (!installed) {
    installed = true;
    const print = console.error.bind(console);
    console.error = (...args: unknown[]) => {
      if (args.length === 1 && typeof args[0] === "string" && echoes.delete(args[0])) return;
      print(...args);
    };
  }
  return err;
}
