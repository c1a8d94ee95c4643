// schema.json beside the other artifacts: what `pulumi package` tools and registries read. It is
// generated (npm run generate); the release only checks that it describes this release.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Progress } from "./command.js";

interface SchemaHead {
  name?: string;
  version?: string;
  pluginDownloadURL?: string;
}

/** Copies schema.json into `outDir` after checking its name, version and download URL. */
export function copySchema(options: { root: string; outDir: string; version: string; pluginDownloadURL: string; progress: Progress }): string {
  const { root, outDir, version, pluginDownloadURL, progress } = options;
  const source = join(root, "schema.json");
  const schema = JSON.parse(readFileSync(source, "utf8")) as SchemaHead;
  const want: Required<SchemaHead> = { name: "huaweicloud-kms", version, pluginDownloadURL };
  for (const key of ["name", "version", "pluginDownloadURL"] as const) {
    if (schema[key] !== want[key]) {
      throw new Error(`schema.json has ${key} ${JSON.stringify(schema[key])}, not ${JSON.stringify(want[key])} (npm run generate)`);
    }
  }
  const target = join(outDir, "schema.json");
  cpSync(source, target);
  progress(`schema.json: huaweicloud-kms ${version}, pluginDownloadURL ${pluginDownloadURL}`);
  return target;
}
