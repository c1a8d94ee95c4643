// The plugin provider's settings: what the engine hands CheckConfig and Configure (the provider
// resource's arguments, or for the default provider this stack's `huaweicloud-kms:*` config, keys
// without the namespace) turned into the resolver's explicit settings. Pure.
import { KmsConfigError, resolveKmsConfig, SETTING_SOURCES, type KmsSettings } from "../../config/kms-config.js";
import { plainProperties } from "./property-values.js";

type SettingName = keyof typeof SETTING_SOURCES;

function isSetting(key: string): key is SettingName {
  return Object.hasOwn(SETTING_SOURCES, key);
}

/** The settings among the provider's properties (secrets unwrapped); other keys (e.g. `version`) are left out. */
export function explicitSettings(props: Record<string, unknown>): Partial<KmsSettings> {
  const out: Partial<Record<SettingName, string | number | boolean>> = {};
  for (const [key, value] of Object.entries(plainProperties(props))) {
    if (!isSetting(key)) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = value;
    else if (value !== undefined && value !== null) out[key] = JSON.stringify(value);
  }
  return out as Partial<KmsSettings>;
}

export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * The failures CheckConfig reports: none when the settings resolve (from these properties or the
 * environment), else the resolver's error naming the setting and every way to set it.
 */
export function checkConfig(props: Record<string, unknown>, env: Record<string, string | undefined>): ConfigFailure[] {
  try {
    resolveKmsConfig({ explicit: explicitSettings(props), env });
    return [];
  } catch (e) {
    if (!KmsConfigError.isInstance(e)) throw e;
    return [{ property: e.setting, reason: e.message }];
  }
}

/** The settings whose change DiffConfig reports (none of them replaces anything). */
export function changedSettings(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const a = explicitSettings(olds) as Record<string, unknown>;
  const b = explicitSettings(news) as Record<string, unknown>;
  return Object.keys(SETTING_SOURCES).filter((k) => a[k] !== b[k]);
}
