// The npm package as npm packs it: every relative link of every Markdown file in it lands on a
// file (and heading) inside the tarball, so the README and docs read on npm or in node_modules
// lead nowhere dead; the examples ship without what a run leaves in them; and the Markdown names
// the package's public addresses only as package.json declares them (they live there alone).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLinks, markdownLinks } from "../../harness/markdown-links.js";
import { goImportPath, readPackageManifest } from "../../provider/engine/package-manifest.js";

const root = resolve(__dirname, "../..");
const run = promisify(execFile);

/** Every file under `dir`, relative and `/`-separated, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

describe("the npm tarball's Markdown", () => {
  let scratch: string;
  let packageDir: string;
  let files: string[];
  const read = (file: string): string => readFileSync(join(packageDir, file), "utf8");

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "kms-tarball-links-"));
    // Packing reads the working tree as it is (no prepack build: the Markdown and package.json's
    // "files" decide what is checked here, and dist/ may be rebuilt by other suites meanwhile).
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch, "--silent"], {
      cwd: root,
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` },
    });
    const tarball = join(scratch, stdout.trim().split("\n").pop() ?? "");
    const unpacked = join(scratch, "unpacked");
    mkdirSync(unpacked);
    await run("tar", ["-xzf", tarball, "-C", unpacked]);
    packageDir = join(unpacked, "package");
    files = filesUnder(packageDir);
  }, 120_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("holds the README, the docs it links to and the examples", () => {
    const readmeTargets = markdownLinks(read("README.md")).map((l) => l.target);
    // The landing page leads into docs/: if these went missing, the check below would pass on less.
    expect(readmeTargets).toEqual(expect.arrayContaining(["docs/_index.md", "docs/installation-configuration.md", "examples/basic"]));
    expect(files).toEqual(expect.arrayContaining(["README.md", "docs/_index.md", "docs/installation-configuration.md", "emulator/README.md"]));
    expect(files.filter((f) => f.endsWith(".md")).length).toBeGreaterThan(15);
  });

  it("every relative link of every Markdown file lands on a file of the tarball, and an anchor on a heading of it", () => {
    expect(deadLinks(files, read)).toEqual([]);
  });

  it("ships the examples without dependencies, virtualenvs, stack files or bytecode", () => {
    expect(files.filter((f) => f.startsWith("examples/"))).not.toEqual([]);
    expect(files.filter((f) => /(^|\/)(node_modules|venv|__pycache__)\/|(^|\/)Pulumi\.[^/]+\.yaml$/.test(f))).toEqual([]);
  });

  it("names the Go module and the repository only as package.json's `publishing` declares them", () => {
    const manifest = readPackageManifest(root);
    const markdown = files.filter((f) => f.endsWith(".md")).map((f) => ({ file: f, text: read(f) }));
    // A Go import path of this SDK, as written anywhere: it must be the declared module's.
    const goPaths = markdown.flatMap(({ file, text }) =>
      [...text.matchAll(/github\.com\/[\w.-]+\/[\w.-]+\/sdk\/go[\w./-]*/g)].map((m) => ({ file, path: m[0] })),
    );
    expect(goPaths.map((g) => g.path)).toContain(goImportPath(manifest));
    expect(goPaths.filter((g) => !g.path.startsWith(manifest.publishing.goModule))).toEqual([]);
    // The web addresses are read from package.json by the code that needs them, never copied into prose.
    const downloadBase = manifest.publishing.pluginDownloadURL.split("${VERSION}")[0] ?? "";
    const copies = markdown.filter(({ text }) => text.includes(manifest.publishing.repository) || text.includes(downloadBase)).map((m) => m.file);
    expect(copies).toEqual([]);
  });
});
