import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Seconds each test file took in a cold run (test/support/file-durations.json; see docs/testing.md). */
const DURATIONS_FILE = resolve(__dirname, "file-durations.json");
const root = resolve(__dirname, "../..");

function coldDurations(): Map<string, number> {
  try {
    const parsed = JSON.parse(readFileSync(DURATIONS_FILE, "utf8")) as { files?: Record<string, number> };
    return new Map(Object.entries(parsed.files ?? {}));
  } catch {
    return new Map();
  }
}

function size(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Starts the longest test files first, so that no long file starts last and runs on alone while
 * the other workers sit idle. Vitest orders by the durations of the previous run on this machine;
 * a fresh clone (CI) has none and Vitest would order by file size, which says little here: the
 * longest files are short ones that drive the CLI. There the durations recorded in a cold run
 * (file-durations.json) take their place. Files with neither (new ones) go first, largest first:
 * one of them may be long, and a short one costs nothing at the start.
 */
export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cold = coldDurations();
    const known = new Map<TestSpecification, { failed: boolean; seconds: number }>();
    for (const spec of files) {
      const cached = this.ctx.cache.getTestSpecificationResult(spec);
      const recorded = cold.get(relative(root, spec.moduleId));
      if (cached !== undefined) known.set(spec, { failed: cached.failed, seconds: cached.duration / 1000 });
      else if (recorded !== undefined) known.set(spec, { failed: false, seconds: recorded });
    }
    const sizes = new Map(files.map((spec) => [spec, known.has(spec) ? 0 : size(spec.moduleId)]));
    // Projects and their group order are Vitest's business: sort within what it would keep together.
    const grouped = await super.sort(files);
    const group = (spec: TestSpecification): string => `${String(spec.project.config.sequence.groupOrder)}\0${spec.project.name}`;
    const rank = new Map(grouped.map((spec, i) => [spec, i]));
    return [...grouped].sort((a, b) => {
      if (group(a) !== group(b)) return (rank.get(a) ?? 0) - (rank.get(b) ?? 0);
      const ka = known.get(a);
      const kb = known.get(b);
      if (ka === undefined || kb === undefined) {
        if (ka === undefined && kb === undefined) return (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0);
        return ka === undefined ? -1 : 1;
      }
      if (ka.failed !== kb.failed) return ka.failed ? -1 : 1;
      return kb.seconds - ka.seconds;
    });
  }
}
