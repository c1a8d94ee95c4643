// Which KMS calls take a key's rotation from one setting to another. Pure, so the minimum-calls
// promise can be tested (and property-tested) without a network.
import { DEFAULT_ROTATION_INTERVAL_DAYS } from "../../kms/kms-rules.js";

/** A rotation setting: whether rotation is on, and its interval in days. */
export interface RotationSetting {
  enabled: boolean;
  /** Meaningful only while enabled: KMS applies no interval to a disabled rotation. */
  intervalDays: number;
}

export type RotationCall =
  | { operation: "enable-key-rotation" }
  | { operation: "disable-key-rotation" }
  | { operation: "update-key-rotation-interval"; intervalDays: number };

/**
 * The shortest list of calls from `current` to `desired`. Enabling always leaves the interval at
 * 365 days (the service resets it), so an enable is followed by an interval update only when the
 * desired interval differs from that. A desired interval on a disabled rotation costs nothing now:
 * it is recorded and applied when rotation is enabled.
 */
export function planRotationCalls(current: RotationSetting, desired: RotationSetting): RotationCall[] {
  if (!desired.enabled) return current.enabled ? [{ operation: "disable-key-rotation" }] : [];
  const calls: RotationCall[] = [];
  let interval = current.intervalDays;
  if (!current.enabled) {
    calls.push({ operation: "enable-key-rotation" });
    interval = DEFAULT_ROTATION_INTERVAL_DAYS;
  }
  if (interval !== desired.intervalDays) {
    calls.push({ operation: "update-key-rotation-interval", intervalDays: desired.intervalDays });
  }
  return calls;
}

/** The setting KMS holds after `calls` succeeded from `start`; used to record partial progress. */
export function settingAfter(start: RotationSetting, calls: readonly RotationCall[]): RotationSetting {
  return calls.reduce<RotationSetting>((s, call) => {
    switch (call.operation) {
      case "enable-key-rotation":
        return { enabled: true, intervalDays: DEFAULT_ROTATION_INTERVAL_DAYS };
      case "disable-key-rotation":
        return { ...s, enabled: false };
      case "update-key-rotation-interval":
        return { ...s, intervalDays: call.intervalDays };
    }
  }, start);
}
