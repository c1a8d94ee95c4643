// Public entry point of the KMS emulator: start it in-process and drive it through the admin API.
import type { AdminKeyInput, ProjectInput } from "./admin-api.js";
import type { ActiveFault, FaultRule } from "./faults.js";
import type { AdminKey } from "./kms-state.js";
import type { EmulatedProject } from "./projects.js";
import { projectRefusalRule, regionOutageRule, type ProjectRefusal } from "./refusals.js";
import type { RequestLogEntry } from "./request-log.js";

export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./server.js";
export {
  DEFAULT_ACCESS_KEY,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_DOMAIN_ID,
  DEFAULT_PROJECT_ID,
  DEFAULT_REGION,
  DEFAULT_SECRET_KEY,
  DEFAULT_TOKEN,
  type AkSkCredential,
  type TokenCredential,
} from "./config.js";
export { seedFileSchema, type AdminKeyInput, type ProjectInput, type SeedFile } from "./admin-api.js";
export { regionOfProjectName, type EmulatedProject } from "./projects.js";
export { IAM_OPERATIONS, type IamOperation } from "./iam-handlers.js";
export { accountEndpoints, accountSeed, type AccountProject, type AccountProjectSpec } from "./account.js";
export { PROJECT_REFUSALS, projectRefusalRule, regionOutageRule, type ProjectRefusal } from "./refusals.js";
export type { AdminKey, AdminKeyPatch, DefaultKeyFlag, KeyOrigin, KeyTag } from "./kms-state.js";
export type { RequestLogEntry } from "./request-log.js";
export type { ActiveFault, FaultRule } from "./faults.js";

/** Typed client of the `/__admin` API of an emulator at `url`. */
export interface EmulatorAdmin {
  /** Empties keys, request log and faults; drops every project but the default one. */
  reset(): Promise<void>;
  /** Creates the key or changes it out of band (drift); `tags` replaces the whole tag list. */
  putKey(keyId: string, patch?: AdminKeyInput): Promise<AdminKey>;
  /** Changes an existing key (rejects when there is none); `tags` replaces the whole tag list. */
  patchKey(keyId: string, patch: AdminKeyInput): Promise<AdminKey>;
  /** The key, or undefined when it does not exist. */
  getKey(keyId: string): Promise<AdminKey | undefined>;
  listKeys(): Promise<AdminKey[]>;
  /** Makes the key vanish; false when there was none. */
  deleteKey(keyId: string): Promise<boolean>;
  /** Rotates the key material now. */
  rotate(keyId: string): Promise<AdminKey>;
  requests(): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  addFault(rule: FaultRule): Promise<ActiveFault>;
  faults(): Promise<ActiveFault[]>;
  clearFaults(): Promise<void>;
  /** Creates the project (a name is required then) or changes it; its region follows its name. */
  putProject(projectId: string, project: ProjectInput): Promise<EmulatedProject>;
  /** The project, or undefined when it does not exist. */
  getProject(projectId: string): Promise<EmulatedProject | undefined>;
  listProjects(): Promise<EmulatedProject[]>;
  /** Removes a project (not the default one); false when there was none. */
  deleteProject(projectId: string): Promise<boolean>;
  /** Every KMS call for the project is refused this way from now on (a fault rule: clearFaults ends it). */
  refuseProject(projectId: string, refusal: ProjectRefusal): Promise<ActiveFault>;
  /** Every KMS connection to the region's endpoint is dropped without an answer (a fault rule). */
  cutRegion(region: string): Promise<ActiveFault>;
}

/** Builds an admin client for the emulator whose base URL is `url`. */
export function emulatorAdmin(url: string): EmulatorAdmin {
  const base = `${url.replace(/\/+$/, "")}/__admin`;

  async function call(method: string, path: string, body?: unknown, allow404 = false): Promise<unknown> {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    const text = await res.text();
    if (res.status === 404 && allow404) return undefined;
    if (!res.ok) throw new Error(`emulator admin ${method} ${path} answered ${res.status}: ${text}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }
  const keyPath = (keyId: string): string => `/keys/${encodeURIComponent(keyId)}`;
  const projectPath = (projectId: string): string => `/projects/${encodeURIComponent(projectId)}`;
  async function remove(path: string): Promise<boolean> {
    const res = await fetch(`${base}${path}`, { method: "DELETE" });
    const text = await res.text();
    if (res.status !== 204 && res.status !== 404) throw new Error(`emulator admin DELETE ${path} answered ${res.status}: ${text}`);
    return res.status === 204;
  }

  return {
    async reset() {
      await call("POST", "/reset");
    },
    async putKey(keyId, patch = {}) {
      return (await call("PUT", keyPath(keyId), patch)) as AdminKey;
    },
    async patchKey(keyId, patch) {
      return (await call("PATCH", keyPath(keyId), patch)) as AdminKey;
    },
    async getKey(keyId) {
      return (await call("GET", keyPath(keyId), undefined, true)) as AdminKey | undefined;
    },
    async listKeys() {
      return (await call("GET", "/keys")) as AdminKey[];
    },
    async deleteKey(keyId) {
      const res = await fetch(`${base}${keyPath(keyId)}`, { method: "DELETE" });
      await res.text();
      if (res.status !== 204 && res.status !== 404) throw new Error(`emulator admin DELETE answered ${res.status}`);
      return res.status === 204;
    },
    async rotate(keyId) {
      return (await call("POST", `${keyPath(keyId)}/rotate`)) as AdminKey;
    },
    async requests() {
      return (await call("GET", "/requests")) as RequestLogEntry[];
    },
    async clearRequests() {
      await call("DELETE", "/requests");
    },
    async addFault(rule) {
      return (await call("POST", "/faults", rule)) as ActiveFault;
    },
    async faults() {
      return (await call("GET", "/faults")) as ActiveFault[];
    },
    async clearFaults() {
      await call("DELETE", "/faults");
    },
    async putProject(projectId, project) {
      return (await call("PUT", projectPath(projectId), project)) as EmulatedProject;
    },
    async getProject(projectId) {
      return (await call("GET", projectPath(projectId), undefined, true)) as EmulatedProject | undefined;
    },
    async listProjects() {
      return (await call("GET", "/projects")) as EmulatedProject[];
    },
    deleteProject: (projectId) => remove(projectPath(projectId)),
    async refuseProject(projectId, refusal) {
      return (await call("POST", "/faults", projectRefusalRule(projectId, refusal))) as ActiveFault;
    },
    async cutRegion(region) {
      return (await call("POST", "/faults", regionOutageRule(region))) as ActiveFault;
    },
  };
}
