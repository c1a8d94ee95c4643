// The npm package tarball, as `npm publish` would upload it: `npm pack` of the repository root.
import { dirname, join } from "node:path";
import { runTool, type Progress } from "./command.js";

interface PackResult {
  filename: string;
  version: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

/**
 * Packs the package into `outDir` and returns the tarball's path. `npm run release` has just built
 * dist/, so the `prepack` build is skipped here (--ignore-scripts): running it would rebuild dist/
 * a second time, under any test suite reading it.
 */
export function packNpmTarball(options: { root: string; outDir: string; version: string; progress: Progress }): string {
  const { root, outDir, version, progress } = options;
  progress("npm pack");
  const started = Date.now();
  const out = runTool("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", outDir], {
    cwd: root,
    // The Node that runs this script (22), first: npm checks `engines` against it.
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
  });
  const packed = (JSON.parse(out) as PackResult[])[0];
  if (packed === undefined) throw new Error(`npm pack printed no package: ${out}`);
  if (packed.version !== version) throw new Error(`npm pack made version ${packed.version}, package.json says ${version}`);
  // A tarball without the build would install an empty package.
  if (!packed.files.some((f) => f.path === "dist/sdk/index.js")) throw new Error("the npm tarball has no dist/: run `npm run build` first");
  progress(`  ${packed.filename}: ${String(packed.entryCount)} files in ${String(Date.now() - started)} ms`);
  return join(outDir, packed.filename);
}
