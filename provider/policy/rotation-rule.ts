// The one rule the policy pack enforces, whatever resource declares the rotation: rotation on, and
// an interval of at most the configured maximum. Pure: the resource kinds (key-rotation-rules.ts,
// huaweicloud-key-rules.ts, opentelekomcloud-key-rules.ts) say which properties hold the setting
// and what the provider assumes when a property is left out.
import { show } from "../resources/key-rotation/spec.js";

/** A value the engine cannot know during a preview (e.g. a key id from a key created in the same run). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/** A property as the rule reads it: its name, the declared value (or absent), and the provider's default. */
export interface DeclaredSetting<T> {
  property: string;
  value: T | undefined | Unknown;
  /** What the provider assumes when the program leaves the property out. */
  defaultValue: T;
}

/** The rotation a resource declares. */
export interface DeclaredRotation {
  /** How the message names the resource, e.g. `KeyRotation "orders-key"`. */
  resource: string;
  enabled: DeclaredSetting<boolean>;
  intervalDays: DeclaredSetting<number>;
}

/** The name of the setting, as messages and the pack's configuration spell it. */
export const MAX_INTERVAL_SETTING = "maxIntervalDays";

/**
 * The violations of `rotation` against a maximum interval of `maxIntervalDays`, one message each,
 * naming the resource, the property, the value and the rule. A setting unknown during a preview is
 * not judged (the update, where it is known, judges it).
 */
export function rotationViolations(rotation: DeclaredRotation, maxIntervalDays: number): string[] {
  const { resource, enabled, intervalDays } = rotation;
  if (enabled.value === UNKNOWN) return [];
  const on = enabled.value ?? enabled.defaultValue;
  if (!on) {
    return [
      `${resource}: ${settingText(enabled)} turns rotation off; the key must rotate at least every ${maxIntervalDays} days (${MAX_INTERVAL_SETTING})`,
    ];
  }
  if (intervalDays.value === UNKNOWN) return [];
  const days = intervalDays.value ?? intervalDays.defaultValue;
  if (days > maxIntervalDays) {
    return [`${resource}: ${settingText(intervalDays)} exceeds the maximum of ${maxIntervalDays} days (${MAX_INTERVAL_SETTING})`];
  }
  return [];
}

/** `intervalDays 400`, or for a property left out `intervalDays 365 (not set: the default)`. */
function settingText<T>(setting: DeclaredSetting<T>): string {
  return setting.value === undefined
    ? `${setting.property} ${show(setting.defaultValue)} (not set: the default)`
    : `${setting.property} ${show(setting.value)}`;
}
