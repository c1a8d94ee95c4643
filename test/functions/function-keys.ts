// The keys the function suites list and read: one of each kind a project holds, and (for paging)
// plain fillers. Seeded into the emulator at start.
import type { SeedFile } from "../../emulator/index.js";

export const ORDERS = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
export const PAYMENTS = "1e1577c1-f838-4e0d-b46e-095cc585b480";
export const DEFAULT_KEY = "2f2688d2-0949-4f1e-857f-1a6dd696c591";
export const SIGNING = "3a3799e3-1a5a-402f-a680-2b7ee7a7d6a2";
export const LEGACY = "4b48aaf4-2b6b-4130-b791-3c8ff8b8e7b3";
export const PAUSED = "5c59bbf5-3c7c-4241-8802-4d9009c9f8c4";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
export const LAST_ROTATION = Date.UTC(2025, 5, 1);

type SeedKey = SeedFile["keys"][number];

/** One key of each kind: rotating, not rotating, Default Master Key, asymmetric, imported, disabled. */
export const MIXED_KEYS: SeedKey[] = [
  { keyId: ORDERS, keyAlias: "orders", creationDate: T0, rotationEnabled: true, rotationInterval: 90, numberOfRotations: 2, lastRotationTime: LAST_ROTATION },
  { keyId: PAYMENTS, keyAlias: "payments", keySpec: "SM4", creationDate: T0 + DAY },
  { keyId: DEFAULT_KEY, keyAlias: "obs/default", defaultKeyFlag: "1", creationDate: T0 + 2 * DAY },
  { keyId: SIGNING, keyAlias: "signing", keySpec: "RSA_2048", creationDate: T0 + 3 * DAY },
  { keyId: LEGACY, keyAlias: "legacy", origin: "external", creationDate: T0 + 4 * DAY },
  { keyId: PAUSED, keyAlias: "paused", keyState: "3", creationDate: T0 + 5 * DAY },
];

/** A deterministic key id per index, for fillers. */
export function fillerId(i: number): string {
  return `f111${i.toString(16).padStart(4, "0")}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

/** `count` plain AES keys, created after the mixed ones. */
export function fillers(count: number): SeedKey[] {
  return Array.from({ length: count }, (_, i) => ({ keyId: fillerId(i), keyAlias: `filler-${i}`, creationDate: T0 + (10 + i) * DAY }));
}

/** listKeys' view of MIXED_KEYS, one "<resourceName> <rotatable or why not>" per key, in listing order. */
export const EXPECTED_LISTING = [
  "orders rotatable",
  "payments rotatable",
  "obs-default default key",
  "signing asymmetric",
  "legacy imported material",
  "paused disabled",
];
