// The release's last words: each file it wrote, with its size.
import { statSync } from "node:fs";
import { basename, relative } from "node:path";

/** "12.3 MB"-style size (powers of 1000, as npm and the GitHub release page print them). */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? String(value) : value.toFixed(1)} ${units[unit] ?? "B"}`;
}

/** One line per file: its path (relative to `cwd`), size and exact byte count. */
export function summaryLines(files: readonly string[], cwd: string): string[] {
  const rows = files.map((file) => {
    const bytes = statSync(file).size;
    const shown = relative(cwd, file).startsWith("..") ? file : relative(cwd, file);
    return { shown: shown === "" ? basename(file) : shown, size: humanSize(bytes), bytes: bytes.toLocaleString("en-US") };
  });
  const width = Math.max(...rows.map((r) => r.shown.length));
  const sizeWidth = Math.max(...rows.map((r) => r.size.length));
  return rows.map((r) => `${r.shown.padEnd(width)}  ${r.size.padStart(sizeWidth)}  (${r.bytes} bytes)`);
}
