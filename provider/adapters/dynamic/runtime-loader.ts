// Loads the dynamic provider's runtime once per dynamic-provider process, through Node's compile
// cache. The engine starts that process afresh for every `up`, `preview`, `refresh` and `destroy`,
// and its first call waits while the runtime and its dependencies (undici and zod: about 240
// files) are compiled; with the cache, the compiled code is kept on disk from one run to the next.
// The cache is Node's own (`NODE_COMPILE_CACHE` chooses its directory, `NODE_DISABLE_COMPILE_CACHE=1`
// turns it off) and never fails the load: Node carries on uncached when it cannot use it.
/* eslint-disable @typescript-eslint/no-require-imports -- the runtime is loaded on first call, not at import */
import * as nodeModule from "node:module";
import type * as Runtime from "./runtime.js";

// Missing on a Node.js too old for this package: the runtime's first import then says so in one line.
const compileCache: Partial<Pick<typeof nodeModule, "enableCompileCache" | "flushCompileCache">> = nodeModule;

let runtime: typeof Runtime | undefined;

export function loadRuntime(): typeof Runtime {
  if (runtime === undefined) {
    compileCache.enableCompileCache?.();
    runtime = require("./runtime.js") as typeof Runtime;
    // The engine ends this process with a signal, so Node would never write the cache at exit.
    compileCache.flushCompileCache?.();
  }
  return runtime;
}
