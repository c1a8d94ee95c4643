// The Node.js version check, loaded first by the SDK (sdk/index.ts) and by the provider runtime
// (runtime.ts). On an older Node, undici (a dependency) dies while loading with "Cannot read
// properties of undefined (reading 'bind')", which says nothing about Node; this module fails
// before anything loads undici, in one line that says what to do. It must only use what old Node
// versions have: node:fs and node:path, no dependencies.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "pulumi-huaweicloud-kms";

/**
 * The `engines.node` range of this package's package.json (the one place the minimum is set).
 * Searched upwards because this file runs from provider/platform (tests) and from
 * dist/provider/platform (the package); undefined if no such package.json is found.
 */
function enginesNode(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; engines?: { node?: unknown } };
      if (pkg.name === PACKAGE_NAME) return typeof pkg.engines?.node === "string" ? pkg.engines.node : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `engines.node` range this package declares, e.g. ">=22.19.0" (undici, a dependency, needs 22.19). */
export const REQUIRED_NODE: string | undefined = enginesNode();

function parts(version: string): number[] | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!match) return undefined;
  return [match[1], match[2], match[3]].map((p) => (p === undefined ? 0 : Number(p)));
}

/**
 * Why this package cannot run on Node `version` (e.g. "20.19.5" or "v20.19.5"), or undefined if
 * it can. `required` is a ">=X[.Y[.Z]]" range, by default package.json's `engines.node`; a range
 * of another form, or an unreadable version, is not checked (better to try than to refuse on a
 * guess). `where` (the node binary) is named in the message when given.
 */
export function nodeVersionProblem(version: string, required: string | undefined = REQUIRED_NODE, where?: string): string | undefined {
  const minimum = required === undefined ? undefined : /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(required)?.[1];
  const found = parts(version);
  const needed = minimum === undefined ? undefined : parts(minimum);
  if (found === undefined || needed === undefined || minimum === undefined) return undefined;
  for (let i = 0; i < 3; i++) {
    const f = found[i] ?? 0;
    const n = needed[i] ?? 0;
    if (f > n) return undefined;
    if (f < n) {
      const shown = version.trim().startsWith("v") ? version.trim() : `v${version.trim()}`;
      const at = where === undefined ? "" : ` (${where})`;
      // Pulumi starts the program and the provider with the first `node` on PATH, so that is
      // what the user has to change, whatever node they think they use.
      return (
        `${PACKAGE_NAME} needs Node.js ${minimum} or later, but this is Node.js ${shown}${at}: ` +
        `install Node.js ${minimum} or later (https://nodejs.org/en/download, or "nvm install ${String(needed[0])}", the newest ${String(needed[0])}.x) ` +
        `and put it first on PATH, since Pulumi runs the first "node" on PATH.`
      );
    }
  }
  return undefined;
}

/** Throws the one-line problem, with no stack frames, if this Node.js is too old. */
export function requireSupportedNode(): void {
  const problem = nodeVersionProblem(process.versions.node, REQUIRED_NODE, process.execPath);
  if (problem === undefined) return;
  const error = new Error(problem) as Error & { __pulumiRunError?: boolean };
  // Hosts print `stack`, and frames of this check would only bury the line.
  error.stack = problem;
  // Pulumi's language host prints an error carrying its RunError marker as the bare message,
  // instead of "failed with an unhandled exception" and a bracketed dump. The marker is how
  // Pulumi itself recognizes a RunError across SDK copies; importing @pulumi/pulumi here would
  // load dependencies before the check.
  error.__pulumiRunError = true;
  throw error;
}

requireSupportedNode();
