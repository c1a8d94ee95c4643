// A virtualenv with PyPI's `pulumi` and the local sdk/python, for Python programs run by the real
// CLI. Kept outside the repository in ~/.cache/pulumi-huaweicloud-kms/python-venv/<hash>
// (PULUMI_KMS_CACHE moves it) and rebuilt when sdk/python, the `pulumi` version or the Python
// changes (about a minute; the first run downloads from PyPI). The language host built here
// ignores the `virtualenv` option, so callers put the venv's bin first on the CLI's PATH.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { kmsCacheDir } from "./cache-dir.js";
import { tryLock } from "./file-lock.js";

export const PULUMI_PYPI_VERSION = "3.272.0"; // the SDK asks for pulumi>=3.269.0,<4.0.0
const root = resolve(__dirname, "..");
const sdkDir = join(root, "sdk/python");
// Files pip leaves in a source folder (and the generated .gitignore lists): not part of the SDK.
const BUILD_LEFTOVERS = /(^|\/)(__pycache__|build|dist|\.mypy_cache|[^/]*\.egg-info)(\/|$)|\.pyc$/;

function progress(message: string): void {
  console.log(`[python-venv] ${message}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const output = `${r.stdout}${r.stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (${String(r.status ?? r.signal ?? r.error)}):\n${output}`);
  }
  return r.stdout;
}

/** The files of a Python SDK folder, relative and sorted, without what pip and Python leave behind. */
export function sdkFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const rel = relative(dir, path);
      if (BUILD_LEFTOVERS.test(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** A virtualenv with PyPI's pulumi and the local sdk/python; returns its bin folder. */
export function pythonVenv(): string {
  const python = process.env.PYTHON ?? "python3";
  const pythonVersion = run(python, ["-c", "import sys; print(sys.version)"]).trim();
  const hash = createHash("sha256").update(`${pythonVersion}\npulumi==${PULUMI_PYPI_VERSION}\n`);
  for (const file of sdkFiles(sdkDir)) hash.update(`${file}\n`).update(readFileSync(join(sdkDir, file)));
  const cache = kmsCacheDir();
  const venv = join(cache, "python-venv", hash.digest("hex").slice(0, 16));
  const bin = join(venv, "bin");
  const stamp = join(venv, ".complete");
  if (existsSync(stamp)) {
    progress(`using the cached virtualenv ${venv}`);
    return bin;
  }
  // Test files run in parallel: one makes the virtualenv, the others wait for it.
  mkdirSync(join(cache, "python-venv"), { recursive: true });
  const release = holdLock(`${venv}.lock`);
  try {
    if (existsSync(stamp)) {
      progress(`using the virtualenv another test file made: ${venv}`);
      return bin;
    }
    makeVenv(python, pythonVersion, venv);
  } finally {
    release();
  }
  return bin;
}

/** Waits (synchronously: callers are synchronous) for the lock file. */
function holdLock(lock: string): () => void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const started = Date.now();
  while (!tryLock(lock)) {
    if (Date.now() - started > 10 * 60_000) throw new Error(`waited 10 minutes for ${lock}; remove it if no virtualenv is being made`);
    Atomics.wait(pause, 0, 0, 500);
  }
  return () => {
    rmSync(lock, { force: true });
  };
}

function makeVenv(python: string, pythonVersion: string, venv: string): void {
  const bin = join(venv, "bin");
  const stamp = join(venv, ".complete");
  rmSync(venv, { recursive: true, force: true });
  let t = Date.now();
  progress(`creating a virtualenv (${pythonVersion.split(" ")[0] ?? python}) in ${venv}`);
  run(python, ["-m", "venv", venv]);
  progress(`  created in ${String(Date.now() - t)} ms`);
  // pip builds in the source folder (build/, *.egg-info): it gets a copy of sdk/python.
  const copy = mkdtempSync(join(tmpdir(), "kms-python-sdk-"));
  try {
    cpSync(sdkDir, copy, { recursive: true, filter: (src) => !BUILD_LEFTOVERS.test(relative(sdkDir, src)) });
    t = Date.now();
    progress(`pip install pulumi==${PULUMI_PYPI_VERSION} and sdk/python (from PyPI the first time; about a minute)`);
    run(join(bin, "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${PULUMI_PYPI_VERSION}`, copy]);
    progress(`  installed in ${String(Date.now() - t)} ms`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  const check = run(join(bin, "python"), ["-c", "import pulumi, pulumi_huaweicloud_kms; print(pulumi.__file__)"]).trim();
  if (!check.startsWith(venv)) throw new Error(`the virtualenv's python imports pulumi from ${check}, not from ${venv}`);
  writeFileSync(stamp, `pulumi==${PULUMI_PYPI_VERSION}\n${pythonVersion}\n`);
}

/**
 * Puts the venv first on the CLI's PATH in `envVars` (the object a workspace is given). Python's
 * gRPC reads only the lower-case http_proxy/no_proxy (not HTTP_PROXY/NO_PROXY): with an
 * http_proxy inherited from the environment and no no_proxy, the program's connection to the
 * engine on 127.0.0.1 goes to the proxy and fails (UNAVAILABLE), so loopback is exempted here.
 */
export function usePythonVenv(envVars: Record<string, string>, venvBin: string): void {
  envVars.PATH = `${venvBin}:${envVars.PATH ?? ""}`;
  envVars.no_proxy = envVars.NO_PROXY ?? "127.0.0.1,localhost,::1";
  envVars.PYTHONDONTWRITEBYTECODE = "1";
}
