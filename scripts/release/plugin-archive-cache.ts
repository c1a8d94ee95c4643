// The standalone plugin archive for tests, built once per content in
// ~/.cache/pulumi-huaweicloud-kms/plugin-archive/<hash>/ (PULUMI_KMS_CACHE moves it): a build
// takes about 15 s on 2 cores and writes 160 MB. The hash covers what goes into the executable
// (the bundle esbuild makes from dist/, package.json, schema.json, the Node.js binary) and the
// recipe (scripts/release/plugin-*.ts), so a change to any of them builds a new one.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { readPackageManifest } from "../../provider/engine/package-manifest.js";
import { buildPluginArchive, pluginArchiveName, pluginExecutableName, pluginName, pulumiPlatform, type PluginArchive } from "./plugin-archive.js";
import { bundlePlugin } from "./plugin-bundle.js";
import { seaNodeBinary } from "./plugin-node-binary.js";

/** Entries unused for this long are removed when a new one is built (each is about 160 MB). */
const STALE_MS = 60 * 60 * 1000;
const COMPLETE = ".complete";

function cacheRoot(): string {
  const cache = process.env.PULUMI_KMS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-huaweicloud-kms");
  return join(cache, "plugin-archive");
}

async function contentHash(root: string, scratch: string): Promise<string> {
  const hash = createHash("sha256");
  const bundle = join(scratch, "plugin.js");
  await bundlePlugin(root, bundle);
  hash.update("bundle\n").update(readFileSync(bundle));
  for (const file of ["package.json", "schema.json"]) hash.update(`${file}\n`).update(readFileSync(join(root, file)));
  const recipe = join(root, "scripts", "release");
  for (const file of readdirSync(recipe).filter((f) => f.startsWith("plugin-")).sort()) {
    hash.update(`${file}\n`).update(readFileSync(join(recipe, file)));
  }
  const node = seaNodeBinary(root);
  hash.update(`node ${node.version}\n`).update(readFileSync(node.path));
  return hash.digest("hex").slice(0, 16);
}

function entryResult(dir: string, root: string, version: string): PluginArchive {
  const { os, arch } = pulumiPlatform();
  const name = pluginName(root);
  const archive = join(dir, pluginArchiveName(version, os, arch, name));
  const executable = join(dir, ".plugin-build", "stage", pluginExecutableName(name));
  return { archive, executable, bytes: statSync(archive).size, executableBytes: statSync(executable).size };
}

function removeStale(base: string, keep: string): void {
  for (const name of readdirSync(base)) {
    const dir = join(base, name);
    if (dir === keep) continue;
    const stamp = join(dir, COMPLETE);
    // A half-built entry of another process has no stamp yet: its age is its folder's.
    const used = existsSync(stamp) ? statSync(stamp).mtimeMs : statSync(dir).mtimeMs;
    if (Date.now() - used > STALE_MS) rmSync(dir, { recursive: true, force: true });
  }
}

/** The archive of the package at `root` (built: dist/), from the cache or built into it. */
export async function cachedPluginArchive(root: string, progress: (line: string) => void): Promise<PluginArchive> {
  const version = readPackageManifest(root).version;
  const base = cacheRoot();
  mkdirSync(base, { recursive: true });
  const scratch = mkdtempSync(join(base, "tmp-"));
  try {
    const dir = join(base, await contentHash(root, scratch));
    const stamp = join(dir, COMPLETE);
    if (existsSync(stamp)) {
      const now = new Date();
      utimesSync(stamp, now, now);
      progress(`plugin archive: cached in ${dir}`);
      return entryResult(dir, root, version);
    }
    const built = join(scratch, "entry");
    await buildPluginArchive({ root, outDir: built, version, progress });
    writeFileSync(join(built, COMPLETE), `${version}\n`);
    try {
      // Atomic: a test running beside this one sees the whole entry or none.
      renameSync(built, dir);
    } catch (e) {
      // Another process finished the same entry first: theirs is as good.
      if (!existsSync(stamp)) throw e;
    }
    removeStale(base, dir);
    return entryResult(dir, root, version);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
