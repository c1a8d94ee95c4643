import { describe, expect, it } from "vitest";
import { scanProjects } from "./account-scan.js";

describe("scanProjects", () => {
  it("runs at most the bound at once, keeps every outcome in plan order, and lets a failure end only its own project", async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const scan = async (name: string): Promise<string> => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      if (name === "eu-de_team") throw new Error("HTTP 403 KMS.0321");
      return `${name} scanned`;
    };
    const names = ["ap-southeast-1", "cn-north-4", "eu-de", "eu-de_team", "eu-nl"];
    const done = scanProjects(names, 2, scan);
    // Let the scans finish one by one, whichever started.
    while (release.length > 0 || running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      release.shift()?.();
    }
    const outcomes = await done;
    expect(most).toBe(2);
    expect(outcomes.map((o) => ("value" in o ? o.value : `${o.target} failed: ${(o.error as Error).message}`))).toEqual([
      "ap-southeast-1 scanned",
      "cn-north-4 scanned",
      "eu-de scanned",
      "eu-de_team failed: HTTP 403 KMS.0321",
      "eu-nl scanned",
    ]);
  });

  it("runs nothing for no projects", async () => {
    expect(await scanProjects([], 4, () => Promise.reject(new Error("never")))).toEqual([]);
  });
});
