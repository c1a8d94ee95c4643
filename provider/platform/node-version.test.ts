import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem, REQUIRED_NODE } from "./node-version.js";

describe("nodeVersionProblem", () => {
  it("takes the minimum from package.json engines", () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")) as { engines: { node: string } };
    expect(REQUIRED_NODE).toBe(pkg.engines.node);
  });

  it("names the version found, the version needed and how to get it, in one line", () => {
    const problem = nodeVersionProblem("20.19.5", ">=22", "/usr/bin/node");
    expect(problem).toBe(
      'pulumi-huaweicloud-kms needs Node.js 22 or later, but this is Node.js v20.19.5 (/usr/bin/node): install Node.js 22 or later (https://nodejs.org/en/download, or "nvm install 22", the newest 22.x) and put it first on PATH, since Pulumi runs the first "node" on PATH.',
    );
    expect(nodeVersionProblem("v18.0.0", ">=22")).toContain("this is Node.js v18.0.0: install Node.js 22 or later");
    expect(nodeVersionProblem("22.18.0", ">=22.19.0")).toContain('needs Node.js 22.19.0 or later, but this is Node.js v22.18.0: install Node.js 22.19.0 or later (https://nodejs.org/en/download, or "nvm install 22", the newest 22.x)');
  });

  it.each([
    ["21.99.99", ">=22", true],
    ["22.0.0", ">=22", false],
    ["v24.1.0", ">=22", false],
    ["22.4.9", ">=22.5", true],
    ["22.5.0", ">=22.5", false],
    ["22.5.0", ">= 22.5.1", true],
    ["23.0.0", ">=22.5.1", false],
  ])("Node %s against %s: refused %s", (version, required, refused) => {
    expect(nodeVersionProblem(version, required) !== undefined).toBe(refused);
  });

  it("does not refuse on what it cannot read: a range of another form or an odd version string", () => {
    expect(nodeVersionProblem("20.0.0", "^22 || ^24")).toBeUndefined();
    expect(nodeVersionProblem("nightly", ">=22")).toBeUndefined();
  });

  it("accepts the Node.js running the tests (package.json asks for it too)", () => {
    expect(nodeVersionProblem(process.versions.node)).toBeUndefined();
  });
});
