// Writes the files derived from the resource declarations: schema.json (the Pulumi package
// schema) and the TypeScript SDK's argument/output interfaces. `npm run generate`; a test fails
// when a committed copy differs from what this produces.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generatedFiles } from "../provider/engine/generated-files.js";
import { readPackageManifest } from "../provider/engine/package-manifest.js";

const root = resolve(__dirname, "..");
for (const file of generatedFiles(readPackageManifest(root))) {
  writeFileSync(join(root, file.path), file.content);
  process.stderr.write(`[generate] wrote ${file.path}\n`);
}
