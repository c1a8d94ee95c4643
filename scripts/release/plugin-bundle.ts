// The plugin provider's entry and everything it loads, as one CommonJS file for Node.js 22 (what a
// single executable application runs: it can load nothing from disk but Node's own modules).
import { dirname, join, relative } from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

/** The built entry of the plugin provider, relative to the package root. */
export const PLUGIN_ENTRY = "dist/provider/adapters/plugin/main.js";

/**
 * Packages that must be one instance: the generated stubs of @pulumi/pulumi load @grpc/grpc-js and
 * google-protobuf themselves, and the plugin's messages and server must be made by those same
 * modules.
 */
const SHARED_WITH_PULUMI = /^(@grpc\/grpc-js|google-protobuf)(\/|$)/;
const ONE_COPY = ["@pulumi/pulumi", "@grpc/grpc-js", "google-protobuf"] as const;

export interface PluginBundle {
  bytes: number;
  /** esbuild's warnings, one line each (e.g. a dynamic require it cannot follow). */
  warnings: string[];
}

/**
 * Resolves @grpc/grpc-js and google-protobuf from @pulumi/pulumi's folder whoever imports them, so
 * the bundle holds the copies the stubs use even where npm nested another version elsewhere.
 */
function resolveFromPulumi(pulumiDir: string): Plugin {
  return {
    name: "resolve-from-pulumi",
    setup(b) {
      b.onResolve({ filter: SHARED_WITH_PULUMI }, async (args) => {
        if (args.pluginData === "from-pulumi") return undefined;
        const result = await b.resolve(args.path, { kind: args.kind, resolveDir: pulumiDir, pluginData: "from-pulumi" });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
      });
    },
  };
}

/** The package folders (…/node_modules/<name>) the bundle took files from, per package name. */
function packageFolders(metafile: Metafile): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match?.[1] || !match[2]) continue;
    const set = folders.get(match[2]) ?? new Set<string>();
    set.add(`${match[1]}${match[2]}`);
    folders.set(match[2], set);
  }
  return folders;
}

/** Bundles `<root>/dist/…/plugin/main.js` into `outFile`; fails unless the gRPC stack is one copy each. */
export async function bundlePlugin(root: string, outFile: string): Promise<PluginBundle> {
  const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
  const result = await build({
    entryPoints: [join(root, PLUGIN_ENTRY)],
    outfile: outFile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: root,
    plugins: [resolveFromPulumi(pulumiDir)],
  });
  const folders = packageFolders(result.metafile);
  for (const name of ONE_COPY) {
    const found = [...(folders.get(name) ?? [])];
    if (found.length !== 1) {
      throw new Error(`the plugin bundle must hold exactly one copy of ${name}, found ${found.length}: ${found.join(", ") || "none"}`);
    }
  }
  const output = Object.entries(result.metafile.outputs).find(([file]) => !file.endsWith(".map"));
  const warnings = result.warnings.map((w) => {
    const at = w.location ? `${relative(root, join(root, w.location.file))}:${w.location.line}: ` : "";
    return `${at}${w.text}`;
  });
  return { bytes: output?.[1].bytes ?? 0, warnings };
}
