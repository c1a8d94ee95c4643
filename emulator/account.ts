// An account of several projects in several regions, as one seed: what tests and benchmarks of a
// whole-account scan start the emulator with. Ids are derived from the names, so every run (and
// every report of it) shows the same projects and keys.
import { createHash } from "node:crypto";
import type { AdminKeyInput, SeedFile } from "./admin-api.js";
import { DEFAULT_PROJECT_ID } from "./config.js";
import { regionOfProjectName } from "./projects.js";

/** One project of the account: its name (`eu-de`, `eu-de_payments`) and its keys. */
export interface AccountProjectSpec {
  name: string;
  /** Default: derived from the name (the first project gets the default project's id). */
  id?: string;
  /** How many keys the project holds; default 0. */
  keys?: number;
  /** Fields of the project's `index`-th key (0-based); default an enabled AES_256 key, rotation off. */
  key?: (index: number) => AdminKeyInput;
  /** Default true. */
  enabled?: boolean;
}

/** A project of a built account, with the ids of its keys in seed order. */
export interface AccountProject {
  id: string;
  name: string;
  region: string;
  keyIds: string[];
}

/** A 32-hex-digit project id, the shape IAM gives them. */
function projectIdFor(name: string): string {
  return createHash("sha256").update(`project:${name}`).digest("hex").slice(0, 32);
}

/** A key id in KMS's 8-4-4-4-12 shape. */
function keyIdFor(projectName: string, index: number): string {
  const hex = createHash("sha256").update(`key:${projectName}:${index}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The seed of an account holding exactly `projects`. The first project is the emulator's default
 * project (it takes `defaultProjectId` and its name), so IAM lists no project beyond these, and
 * the un-prefixed KMS paths serve the first project's region.
 */
export function accountSeed(
  projects: readonly AccountProjectSpec[],
  defaultProjectId: string = DEFAULT_PROJECT_ID,
): { seed: SeedFile; projects: AccountProject[] } {
  const built: AccountProject[] = [];
  const seed: SeedFile = { projects: [], keys: [] };
  projects.forEach((spec, position) => {
    const id = spec.id ?? (position === 0 ? defaultProjectId : projectIdFor(spec.name));
    const keyIds = Array.from({ length: spec.keys ?? 0 }, (_, i) => keyIdFor(spec.name, i));
    seed.projects?.push({ id, name: spec.name, ...(spec.enabled === undefined ? {} : { enabled: spec.enabled }) });
    keyIds.forEach((keyId, i) => {
      seed.keys.push({ keyId, keyAlias: `${spec.name}-${String(i + 1).padStart(3, "0")}`, ...spec.key?.(i), projectId: id });
    });
    built.push({ id, name: spec.name, region: regionOfProjectName(spec.name), keyIds });
  });
  return { seed, projects: built };
}

/**
 * The endpoints a client of the whole account uses against the emulator at `url`: KMS per region
 * through the `{region}` placeholder (`http://127.0.0.1:4566/{region}`), IAM under `/iam`.
 */
export function accountEndpoints(url: string): { kmsEndpoint: string; iamEndpoint: string } {
  const base = url.replace(/\/+$/, "");
  return { kmsEndpoint: `${base}/{region}`, iamEndpoint: `${base}/iam` };
}
