// An example program as a user who has only the release has it: copied into a folder outside the
// repository, its Pulumi.yaml without the `packages:` entry that points the example at this
// repository (the user's plugin comes from the archive, installed or downloaded).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "../..");

/** Pulumi.yaml text without its top-level `packages:` block and the comment lines just above it. */
export function withoutPackages(yaml: string): string {
  const lines = yaml.split("\n");
  const at = lines.findIndex((l) => /^packages:/.test(l));
  if (at < 0) return yaml;
  let end = at + 1;
  while (end < lines.length && /^(\s|$)/.test(lines[end] ?? "")) end++;
  let start = at;
  while (start > 0 && (lines[start - 1] ?? "").startsWith("#")) start--;
  return [...lines.slice(0, start), ...lines.slice(end)].join("\n");
}

/** Copies `files` of examples/<example> and its Pulumi.yaml (without `packages:`) into `dest`; returns `dest`. */
export function userProject(example: string, dest: string, files: readonly string[]): string {
  const from = join(root, "examples", example);
  mkdirSync(dest, { recursive: true });
  for (const file of files) cpSync(join(from, file), join(dest, file));
  const yaml = withoutPackages(readFileSync(join(from, "Pulumi.yaml"), "utf8"));
  if (yaml.split("\n").some((l) => !l.trimStart().startsWith("#") && l.includes("../"))) throw new Error(`examples/${example}/Pulumi.yaml still points into the repository:\n${yaml}`);
  writeFileSync(join(dest, "Pulumi.yaml"), yaml);
  return dest;
}
