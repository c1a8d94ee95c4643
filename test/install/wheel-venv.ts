// A virtualenv as a Python user makes one for the release: `python -m venv`, then `pip install` of
// the wheel and PyPI's `pulumi`. Nothing of the repository goes in. Kept in the cache's
// install-venv/<hash> (about 30 s to make, mostly PyPI's grpcio), keyed by the wheel's bytes,
// the `pulumi` version and the Python, so a new wheel gets a new virtualenv.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { kmsCacheDir } from "../../harness/cache-dir.js";
import { PULUMI_PYPI_VERSION } from "../../harness/python-venv.js";

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${String(r.status ?? r.signal)}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The bin folder of a virtualenv holding the wheel and pulumi==PULUMI_PYPI_VERSION. */
export function wheelVenv(wheel: string): string {
  const python = process.env.PYTHON ?? "python3";
  const pythonVersion = run(python, ["-c", "import sys; print(sys.version)"]).trim();
  const hash = createHash("sha256").update(`${pythonVersion}\npulumi==${PULUMI_PYPI_VERSION}\n`).update(readFileSync(wheel)).digest("hex").slice(0, 16);
  const base = kmsCacheDir("install-venv");
  const venv = join(base, hash);
  if (existsSync(join(venv, ".complete"))) {
    const now = new Date();
    utimesSync(join(venv, ".complete"), now, now);
    console.log(`[wheel-venv] using the cached virtualenv ${venv}`);
    return join(venv, "bin");
  }
  // Made in place (a virtualenv's scripts name its folder); only the stamp makes it count, and
  // one test file uses it, so no two processes make the same one.
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const started = Date.now();
  console.log(`[wheel-venv] python -m venv, pip install ${wheel} pulumi==${PULUMI_PYPI_VERSION} (PyPI; about 30 s)`);
  run(python, ["-m", "venv", venv]);
  run(join(venv, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, `pulumi==${PULUMI_PYPI_VERSION}`]);
  writeFileSync(join(venv, ".complete"), `${wheel}\n`);
  console.log(`[wheel-venv]   made in ${String(Date.now() - started)} ms`);
  // Each is about 100 MB: the newest two stay (this one and the last one used).
  const stamped = readdirSync(base)
    .map((name) => join(base, name, ".complete"))
    .filter((stamp) => existsSync(stamp))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const stamp of stamped.slice(2)) rmSync(dirname(stamp), { recursive: true, force: true });
  return join(venv, "bin");
}
