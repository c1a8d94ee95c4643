// How the engine should treat a change of inputs. Pure and network-free.
import type { KeyRotationInputs } from "./key-rotation-inputs.js";

export interface KeyRotationDiff {
  changes: boolean;
  /** Properties whose change needs a new resource: a rotation belongs to one key. */
  replaces: "keyId"[];
  /** Properties changed in place. */
  updates: ("enabled" | "intervalDays")[];
}

/**
 * `keyId` → replace; `enabled` / `intervalDays` → update in place; nothing else matters (outputs
 * such as `numberOfRotations` move on their own and never cause a change).
 */
export function diffKeyRotation(
  olds: Readonly<Partial<Record<keyof KeyRotationInputs, unknown>>>,
  news: Readonly<Partial<Record<keyof KeyRotationInputs, unknown>>>,
): KeyRotationDiff {
  const replaces: "keyId"[] = olds.keyId !== news.keyId ? ["keyId"] : [];
  const updates = (["enabled", "intervalDays"] as const).filter((p) => olds[p] !== news[p]);
  return { changes: replaces.length > 0 || updates.length > 0, replaces, updates };
}
