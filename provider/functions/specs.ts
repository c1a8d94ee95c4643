// Every function the provider offers, by declaration: the package schema, the generated SDK types
// and the engine's function handler all take this one list.
import { getKeyRotationSpec } from "./get-key-rotation/spec.js";
import { listKeysSpec } from "./list-keys/spec.js";

export const FUNCTION_SPECS = [listKeysSpec, getKeyRotationSpec] as const;
