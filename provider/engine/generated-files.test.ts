import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATE_COMMAND, generatedFiles } from "./generated-files.js";
import { readPackageManifest } from "./package-manifest.js";

const root = resolve(__dirname, "../..");

describe("files generated from the declarations", () => {
  it.each(generatedFiles(readPackageManifest(root)).map((f) => [f.path, f.content] as const))("%s is current", (path, content) => {
    const committed = readFileSync(join(root, path), "utf8");
    expect(committed, `${path} differs from its declaration: run \`${GENERATE_COMMAND}\` and commit the result`).toBe(content);
  });
});
