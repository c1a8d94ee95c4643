// The links of a Markdown file and the anchors its headings make, as GitHub and npm render them,
// so a test can check that every relative link of a set of files lands on a file of the set (and
// on a heading of it, for `#fragment` links). Code (fenced blocks and inline spans) is skipped: a
// `[x](y)` inside it is not a link.

/** One link: its target as written, and the 1-based line it is on. */
export interface MarkdownLink {
  target: string;
  line: number;
}

/** Each line of the Markdown, or `undefined` where it is front matter or inside a fenced code block. */
function proseLines(markdown: string): (string | undefined)[] {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  let frontMatter = lines[0]?.trim() === "---";
  return lines.map((line, i) => {
    if (frontMatter) {
      if (i > 0 && line.trim() === "---") frontMatter = false;
      return undefined;
    }
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return undefined;
    }
    if (marker !== undefined) {
      fence = marker;
      return undefined;
    }
    return line;
  });
}

/** Every inline link and image (`[text](target)`) and reference definition (`[id]: target`). */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((prose, i) => {
    if (prose === undefined) return;
    // Inline code spans (a run of backticks up to the same run) hold no links.
    const line = prose.replace(/(`+)[^`]*?\1/g, "");
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[1] ?? "", line: i + 1 });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(line);
    if (definition !== null) links.push({ target: definition[1] ?? "", line: i + 1 });
  });
  return links;
}

/** Whether a link leaves the set of files: a scheme (`https:`, `mailto:`) or a protocol-relative `//`. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // a link in a heading anchors on its text
    .replace(/<[^>]*>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a file's ATX headings (`## Title`), repeated ones numbered as GitHub does (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    if (line === undefined) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = headingSlug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${String(n)}`);
  }
  return anchors;
}

/**
 * The relative links of the Markdown files among `files` (paths relative to one root, `/`
 * separated) that land on no file of the set, or on no heading of the Markdown file they name, as
 * `file:line: target (why)`. A link to a folder lands if a file lies under it. `read` gives a
 * Markdown file's text.
 */
export function deadLinks(files: readonly string[], read: (file: string) => string): string[] {
  const set = new Set(files);
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let found = anchorsOf.get(file);
    if (found === undefined) {
      found = headingAnchors(read(file));
      anchorsOf.set(file, found);
    }
    return found;
  };
  const dead: string[] = [];
  for (const file of files.filter((f) => f.endsWith(".md"))) {
    for (const { target, line } of markdownLinks(read(file))) {
      if (isExternal(target)) continue;
      const [pathPart = "", fragment] = target.split("#", 2);
      const at = `${file}:${String(line)}: ${target}`;
      const resolved = pathPart === "" ? file : joinRelative(file, decodeURI(pathPart));
      if (resolved === undefined) {
        dead.push(`${at} (outside the set)`);
        continue;
      }
      const isFile = set.has(resolved);
      const isFolder = !isFile && files.some((f) => resolved === "" || f.startsWith(`${resolved}/`));
      if (!isFile && !isFolder) {
        dead.push(`${at} (no such file: ${resolved})`);
        continue;
      }
      if (fragment !== undefined && fragment !== "" && isFile && resolved.endsWith(".md") && !anchors(resolved).has(fragment.toLowerCase())) {
        dead.push(`${at} (no heading #${fragment} in ${resolved})`);
      }
    }
  }
  return dead;
}

/** `target` relative to the folder of `from`, normalized; undefined if it climbs above the root. */
function joinRelative(from: string, target: string): string | undefined {
  const parts = target.startsWith("/") ? [] : from.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}
