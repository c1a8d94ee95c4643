// The Python SDK (sdk/python, generated from schema.json) as a wheel and an sdist, built with
// PyPA `build`, each checked to carry pulumi-plugin.json naming this plugin, its version and its
// download URL: what lets the CLI find or download the plugin for a Python program.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kmsCacheDir } from "../../harness/cache-dir.js";
import { sdkFiles } from "../../harness/python-venv.js";
import { runTool, type Progress } from "./command.js";

/** The import package inside sdk/python (schema.json: language.python.packageName). */
export const PYTHON_PACKAGE = "pulumi_huaweicloud_kms";
// Pinned, so a release builds the same way next year; --no-isolation uses exactly these.
const BUILD_TOOLS = ["build==1.6.1", "setuptools==84.2.1"];

/** What pulumi-plugin.json says; the CLI reads it from the installed package. */
interface PulumiPluginJson {
  resource?: boolean;
  name?: string;
  version?: string;
  server?: string;
}

/**
 * A virtualenv holding PyPA `build` and setuptools, kept in the cache (python-build/<hash>) and
 * made again when the Python or the pins change. Returns its `python`.
 */
function buildVenv(progress: Progress): string {
  const python = process.env.PYTHON ?? "python3";
  const pythonVersion = runTool(python, ["-c", "import sys; print(sys.version)"]).trim();
  const hash = createHash("sha256").update(`${pythonVersion}\n${BUILD_TOOLS.join("\n")}\n`).digest("hex").slice(0, 16);
  const venv = kmsCacheDir("python-build", hash);
  const venvPython = join(venv, "bin", "python");
  const stamp = join(venv, ".complete");
  if (existsSync(stamp)) return venvPython;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(kmsCacheDir("python-build"), { recursive: true });
  const started = Date.now();
  progress(`  creating the build virtualenv ${venv} (${BUILD_TOOLS.join(", ")}; once per machine)`);
  runTool(python, ["-m", "venv", venv]);
  runTool(venvPython, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...BUILD_TOOLS]);
  writeFileSync(stamp, `${BUILD_TOOLS.join("\n")}\n${pythonVersion}\n`);
  progress(`  build virtualenv ready in ${String(Date.now() - started)} ms`);
  return venvPython;
}

// Reads pulumi-plugin.json and the version out of the built files, as pip would see them.
const INSPECT = `
import json, sys, tarfile, zipfile
wheel, sdist, package = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    plugin = json.loads(z.read(package + "/pulumi-plugin.json"))
    metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    version = next(l.split(":", 1)[1].strip() for l in z.read(metadata).decode().splitlines() if l.startswith("Version:"))
with tarfile.open(sdist) as t:
    member = next(m for m in t.getmembers() if m.name.endswith("/" + package + "/pulumi-plugin.json"))
    sdist_plugin = json.loads(t.extractfile(member).read())
print(json.dumps({"wheel": plugin, "wheelVersion": version, "sdist": sdist_plugin}))
`;

function checkPluginJson(where: string, found: PulumiPluginJson, want: Required<PulumiPluginJson>): void {
  for (const key of ["resource", "name", "version", "server"] as const) {
    if (found[key] !== want[key]) {
      throw new Error(
        `${where}: ${PYTHON_PACKAGE}/pulumi-plugin.json has ${key} ${JSON.stringify(found[key])}, not ${JSON.stringify(want[key])}` +
          " (regenerate sdk/python from schema.json: npm run gen:sdk)",
      );
    }
  }
}

/** Builds the sdist, then the wheel from it, into `outDir`; returns both paths. */
export function buildPythonDist(options: {
  root: string;
  outDir: string;
  version: string;
  pluginDownloadURL: string;
  progress: Progress;
}): { wheel: string; sdist: string } {
  const { root, outDir, version, pluginDownloadURL, progress } = options;
  const sdkDir = join(root, "sdk/python");
  progress("Python SDK: wheel and sdist (PyPA build)");
  const python = buildVenv(progress);
  // `build` writes build/ and *.egg-info into the folder it builds: it gets a copy, and
  // sdk/python stays as generated.
  const work = mkdtempSync(join(tmpdir(), "kms-release-python-"));
  try {
    const source = join(work, "src");
    const dist = join(work, "dist");
    for (const file of sdkFiles(sdkDir)) cpSync(join(sdkDir, file), join(source, file));
    const started = Date.now();
    // Without isolation `build` uses the pinned tools of the build virtualenv instead of
    // downloading setuptools again for every build. The wheel's file times are the SDK's last
    // commit's, so the same SDK makes the same wheel, byte for byte (test virtualenvs are keyed by it).
    const epoch = runTool("git", ["log", "-1", "--format=%ct", "--", "sdk/python"], { cwd: root }).trim();
    const env: Record<string, string> = { PYTHONDONTWRITEBYTECODE: "1", ...(epoch === "" ? {} : { SOURCE_DATE_EPOCH: epoch }) };
    runTool(python, ["-m", "build", "--no-isolation", "--outdir", dist, source], { env });
    const built = readdirSync(dist);
    const wheelName = built.find((f) => f.endsWith(".whl"));
    const sdistName = built.find((f) => f.endsWith(".tar.gz"));
    if (wheelName === undefined || sdistName === undefined) throw new Error(`python -m build made ${built.join(", ")}: no wheel or no sdist`);
    progress(`  ${sdistName} and ${wheelName} in ${String(Date.now() - started)} ms`);

    const inspected = JSON.parse(runTool(python, ["-c", INSPECT, join(dist, wheelName), join(dist, sdistName), PYTHON_PACKAGE])) as {
      wheel: PulumiPluginJson;
      wheelVersion: string;
      sdist: PulumiPluginJson;
    };
    const want = { resource: true, name: "huaweicloud-kms", version, server: pluginDownloadURL };
    checkPluginJson(wheelName, inspected.wheel, want);
    checkPluginJson(sdistName, inspected.sdist, want);
    // Python spells pre-releases its own way (0.2.0-alpha.1 is 0.2.0a1); a plain version is the same.
    if (/^\d+\.\d+\.\d+$/.test(version) && inspected.wheelVersion !== version) {
      throw new Error(`${wheelName} has version ${inspected.wheelVersion}, package.json says ${version} (npm run gen:sdk)`);
    }
    progress(`  both carry ${PYTHON_PACKAGE}/pulumi-plugin.json: huaweicloud-kms ${version}, server ${pluginDownloadURL}`);

    const wheel = join(outDir, wheelName);
    const sdist = join(outDir, sdistName);
    // Copied, not renamed: the temp folder may be on another file system.
    cpSync(join(dist, wheelName), wheel);
    cpSync(join(dist, sdistName), sdist);
    return { wheel, sdist };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
