// The Pulumi package schema (schema.json), derived from the resources' declarations and the
// provider's settings: what the plugin provider serves from GetSchema and SDK generators read.
// Pure; scripts/generate.ts writes it, and a test fails when the committed copy differs.
import { SETTING_SOURCES } from "../config/kms-config.js";
import { SETTING_DESCRIPTIONS, settingType, type SettingName } from "../config/setting-descriptions.js";
import { functionSchema, functionTypes, type FunctionSpec } from "./function-spec.js";
import { resourceSchema, type ResourceSpec } from "./resource-spec.js";

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
  /** The source repository's web address. */
  repository: string;
  /** Where the CLI downloads the plugin's archives (`${VERSION}` stands for the version). */
  pluginDownloadURL: string;
  /** The Go SDK's import path. */
  goImportPath: string;
  resources: readonly ResourceSpec[];
  functions: readonly FunctionSpec[];
}

function settings(): Record<string, { type: string; description: string; secret?: boolean }> {
  const out: Record<string, { type: string; description: string; secret?: boolean }> = {};
  for (const name of Object.keys(SETTING_SOURCES) as SettingName[]) {
    const src = SETTING_SOURCES[name];
    const env = src.env.join(", ");
    const entry: { type: string; description: string; secret?: boolean } = {
      type: settingType(name),
      description: `${SETTING_DESCRIPTIONS[name]} Environment: ${env}.`,
    };
    if (src.secret) entry.secret = true;
    out[name] = entry;
  }
  return out;
}

/** The package schema as JSON-ready data. */
export function packageSchema(info: PackageInfo): Record<string, unknown> {
  const variables = settings();
  return {
    name: info.name,
    displayName: "Huawei Cloud KMS key rotation",
    version: info.version,
    description: info.description,
    license: "Apache-2.0",
    repository: info.repository,
    // SDKs record it, so the engine can download the plugin a program needs by itself.
    pluginDownloadURL: info.pluginDownloadURL,
    keywords: ["pulumi", "huaweicloud", "opentelekomcloud", "kms", "key rotation"],
    config: { variables },
    provider: {
      description: "The provider: where KMS is and which credentials to use. Every setting may also come from stack config or the environment.",
      inputProperties: variables,
    },
    resources: Object.fromEntries(info.resources.map((r) => [r.token, resourceSchema(r)])),
    functions: Object.fromEntries(info.functions.map((f) => [f.token, functionSchema(f)])),
    types: Object.assign({}, ...info.functions.map(functionTypes)) as Record<string, unknown>,
    language: {
      nodejs: { packageName: "pulumi-huaweicloud-kms" },
      // Each SDK carries the package's version (otherwise 0.0.0), so the engine asks for this plugin version.
      python: { packageName: "pulumi_huaweicloud_kms", respectSchemaVersion: true, pyproject: { enabled: true } },
      go: { importBasePath: info.goImportPath, respectSchemaVersion: true },
    },
  };
}
