// npm run release: every artifact of a release, at package.json's version, in release/.
//
//   npm run release                      # build, then this: progress on stderr, the files on stdout
//   tsx scripts/release.ts --out <dir>   # after a build, into another folder (the tests do this)
//
// release/ then holds:
//   pulumi-huaweicloud-kms-<v>.tgz                          the npm package (npm pack)
//   pulumi_huaweicloud_kms-<v>-py3-none-any.whl, -<v>.tar.gz the Python SDK (PyPA build)
//   pulumi-resource-huaweicloud-kms-v<v>-linux-amd64.tar.gz  the plugin, one standalone executable
//   schema.json                                              the package schema
// The Python SDK and the plugin name the download URL of package.json's `publishing`, where the
// CLI fetches the plugin archive from.
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readPackageManifest } from "../provider/engine/package-manifest.js";
import type { Progress } from "./release/command.js";
import { packNpmTarball } from "./release/npm-tarball.js";
import { buildPluginArchive } from "./release/plugin-archive.js";
import { buildPythonDist } from "./release/python-dist.js";
import { copySchema } from "./release/schema-file.js";
import { humanSize, summaryLines } from "./release/summary.js";

const root = resolve(__dirname, "..");
// What earlier releases (of any version) left in the folder: replaced, nothing else touched.
const ARTIFACT = /^(pulumi-huaweicloud-kms-.*\.tgz|pulumi_huaweicloud_kms-.*\.(whl|tar\.gz)|pulumi-resource-huaweicloud-kms-v.*\.tar\.gz|schema\.json)$/;

const progress: Progress = (message) => {
  process.stderr.write(`[release] ${message}\n`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(root, "release"));
  const manifest = readPackageManifest(root);
  const { version } = manifest;
  const { pluginDownloadURL } = manifest.publishing;
  const started = Date.now();
  progress(`${manifest.name} ${version} into ${outDir}`);
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) if (ARTIFACT.test(name)) rmSync(join(outDir, name), { force: true });

  const npmTarball = packNpmTarball({ root, outDir, version, progress });
  const { wheel, sdist } = buildPythonDist({ root, outDir, version, pluginDownloadURL, progress });
  progress("the plugin: one standalone executable, archived");
  const plugin = await buildPluginArchive({ root, outDir, version, progress });
  progress(`  the executable is ${humanSize(plugin.executableBytes)}, ${humanSize(plugin.bytes)} archived`);
  // The archive holds the executable: the work folder it was built in (with the blob) is not an artifact.
  const work = join(outDir, ".plugin-build");
  if (plugin.executable.startsWith(`${work}/`)) rmSync(work, { recursive: true, force: true });
  const schema = copySchema({ root, outDir, version, pluginDownloadURL, progress });

  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const line of summaryLines([npmTarball, wheel, sdist, plugin.archive, schema], process.cwd())) process.stdout.write(`${line}\n`);
}

main().catch((err: unknown) => {
  progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
