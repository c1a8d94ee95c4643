// Writes the files derived from the resource declarations: schema.json (the Pulumi package
// schema) and the TypeScript SDK's argument/output interfaces. `npm run generate`; a test fails
// when a committed copy differs from what this produces.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generatedFiles } from "../provider/engine/generated-files.js";

const root = resolve(__dirname, "..");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
for (const file of generatedFiles(version)) {
  writeFileSync(join(root, file.path), file.content);
  process.stderr.write(`[generate] wrote ${file.path}\n`);
}
