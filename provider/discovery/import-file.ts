// The `pulumi import --file` document for the keys discover found: one KeyRotation of the plugin
// provider per key whose rotation KMS lets change and that no stack manages yet (a claimed key, or
// one an `--exclude-state` file shows managed, imported again would be two resources on one key).
// Pure. The format is the CLI's own (pulumi
// import's `importFile`: `resources` of `{type, name, id, version, pluginDownloadUrl}`; `name`
// doubles as the logical name), and the names are the report's, so they match a policy file
// written by the same run. The plugin's version and download address are those the SDKs send, so
// the imported resources get the default provider a program's resources then ask for: without
// them, the first `up` moves every resource to another provider (and rewrites the state per resource).
import { keyRotationSpec } from "../resources/key-rotation/spec.js";
import { coveredKeys, type KeyReport } from "./discovery-report.js";

/** One resource to import: the type token, the resource's name, its id (the key id), and the plugin's. */
export interface ImportResource {
  type: string;
  name: string;
  id: string;
  version: string;
  pluginDownloadUrl: string;
}

/** The plugin the imported resources belong to. */
export interface ImportPlugin {
  version: string;
  pluginDownloadUrl: string;
}

/** What `pulumi import --file` reads. */
export interface ImportFile {
  resources: ImportResource[];
}

/** The import document covering every rotatable key no stack manages, in listing order. */
export function buildImportFile(keys: readonly Pick<KeyReport, "keyId" | "name" | "rotatable" | "owner" | "inState">[], plugin: ImportPlugin): ImportFile {
  return {
    resources: coveredKeys(keys).map((k) => ({ type: keyRotationSpec.token, name: k.name, id: k.keyId, version: plugin.version, pluginDownloadUrl: plugin.pluginDownloadUrl })),
  };
}

/** The document as written to the file. */
export function renderImportFile(file: ImportFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
