import { describe, expect, it } from "vitest";
import { progressLines } from "./discover-progress.js";

describe("progressLines", () => {
  it("writes one line per page, with the total when KMS gives it", () => {
    const lines: string[] = [];
    const on = progressLines((l) => lines.push(l));
    on({ phase: "list", pages: 1, keys: 1000, total: 10_000 });
    on({ phase: "list", pages: 2, keys: 2000, total: 10_000 });
    on({ phase: "list", pages: 1, keys: 12 });
    expect(lines).toEqual(["listed 1,000 of 10,000 keys (1 page)", "listed 2,000 of 10,000 keys (2 pages)", "listed 12 keys (1 page)"]);
  });

  it("writes one line per owners' listing", () => {
    const lines: string[] = [];
    const on = progressLines((l) => lines.push(l));
    on({ phase: "owners", calls: 1, keys: 1000, total: 1500 });
    on({ phase: "owners", calls: 2, keys: 1500, total: 1500 });
    expect(lines).toEqual(["listed the owners of 1,000 of 1,500 claimed keys (1 call)", "listed the owners of 1,500 of 1,500 claimed keys (2 calls)"]);
  });

  it("writes at most ten lines for the status reads, the last when all are done", () => {
    const lines: string[] = [];
    const on = progressLines((l) => lines.push(l));
    for (let done = 1; done <= 5432; done++) on({ phase: "status", done, of: 5432 });
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("read the rotation of 544 of 5,432 rotating keys");
    expect(lines.at(-1)).toBe("read the rotation of 5,432 of 5,432 rotating keys");
  });

  it("with fewer than ten reads, writes a line per read", () => {
    const lines: string[] = [];
    const on = progressLines((l) => lines.push(l));
    for (let done = 1; done <= 3; done++) on({ phase: "status", done, of: 3 });
    expect(lines).toEqual([
      "read the rotation of 1 of 3 rotating keys",
      "read the rotation of 2 of 3 rotating keys",
      "read the rotation of 3 of 3 rotating keys",
    ]);
    const one: string[] = [];
    progressLines((l) => one.push(l))({ phase: "status", done: 1, of: 1 });
    expect(one).toEqual(["read the rotation of 1 of 1 rotating key"]);
  });
});
