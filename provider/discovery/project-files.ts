// Where a scan of the whole account writes a project's import or policy file. A stack manages one
// project's keys through one provider (one region, one project id), so each project gets its own
// file, named after it next to the path given: `--import-file keys.json` writes
// `keys.cn-north-4.json`, `keys.cn-north-4_payments.json`, `keys.eu-de.json`. Pure.
import { basename, dirname, extname, join } from "node:path";

/** A project name as a file name part: characters outside letters, digits, `.`, `_` and `-` become `-`. */
export function fileNamePart(projectName: string): string {
  const safe = projectName.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "-");
  return safe === "" ? "-" : safe;
}

/** The file of one project: the given path's stem, `.` and the project's name, then its extension. */
export function projectFilePath(path: string, projectName: string): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  const dir = dirname(path);
  const name = `${stem}.${fileNamePart(projectName)}${ext}`;
  // Keep a path given without a directory free of a "./" the user did not write.
  return dir === "." && !path.startsWith("./") ? name : join(dir, name);
}

/**
 * The file of each project, by project id. Two names that become the same file name (they differ
 * only in characters a file name cannot hold) keep them apart with the project id.
 */
export function projectFilePaths(path: string, projects: readonly { projectId: string; name: string }[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const p of projects) seen.set(projectFilePath(path, p.name), (seen.get(projectFilePath(path, p.name)) ?? 0) + 1);
  return new Map(
    projects.map((p) => {
      const plain = projectFilePath(path, p.name);
      return [p.projectId, (seen.get(plain) ?? 0) > 1 ? projectFilePath(path, `${p.name}.${p.projectId}`) : plain];
    }),
  );
}
