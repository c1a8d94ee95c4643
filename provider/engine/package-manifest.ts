// The package's identity as package.json declares it: its version, and the addresses that name its
// public home (`publishing`: the repository, where the plugin archives are downloaded from, the Go
// module path). They are declared there once; the schema, the SDKs and the release read them here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const manifestSchema = z.object({
  name: z.string(),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "a semantic version"),
  publishing: z.object({
    /** The source repository's web address. */
    repository: z.url(),
    /** Where the CLI downloads plugin archives from; `${VERSION}` stands for the version. */
    pluginDownloadURL: z.url(),
    /** The Go module path of sdk/go (its go.mod's `module`). */
    goModule: z.string().regex(/^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)+$/, "a Go module path"),
  }),
});

export type PackageManifest = z.infer<typeof manifestSchema>;

/** The Go package of the SDK inside its module: the schema's package name without its hyphen. */
export const GO_PACKAGE_NAME = "huaweicloudkms";

/** The Go import path of the SDK's package (module path + package folder). */
export function goImportPath(manifest: PackageManifest): string {
  return `${manifest.publishing.goModule}/${GO_PACKAGE_NAME}`;
}

/** Reads and checks package.json of the package rooted at `root`. */
export function readPackageManifest(root: string): PackageManifest {
  const file = join(root, "package.json");
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`${file}: ${issues}`);
  }
  return parsed.data;
}
