// The account's projects: what IAM lists, and which region each project's KMS answers in. A
// Huawei Cloud project belongs to one region, named in its own name: a region's main project is
// called after the region (`eu-de`), a sub-project `<region>_<name>` (`eu-de_payments`).
// Pure data and rules; the admin API and the server wire them up.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import { DEFAULT_REGION } from "./config.js";
import { apiError, type Outcome } from "./kms-wire.js";

/** A project id as the admin API and the key fields accept it. */
export const PROJECT_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
/**
 * A project name: a region name (letters, digits, dots, dashes), then optionally `_` and the
 * sub-project's own name. The region part is also the KMS path prefix, so it must fit a path segment.
 */
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}(?:_[A-Za-z0-9_.-]{1,63})?$/;

/** One project as the emulator stores it and the admin API shows it. */
export interface EmulatedProject {
  id: string;
  name: string;
  /** Derived from the name: everything before the first `_`. */
  region: string;
  enabled: boolean;
  description: string;
}

/** What an admin may set on a project; the region follows the name. */
export interface ProjectPatch {
  name?: string | undefined;
  enabled?: boolean | undefined;
  description?: string | undefined;
}

/** The region a project name places its project in. */
export function regionOfProjectName(name: string): string {
  const cut = name.indexOf("_");
  return cut === -1 ? name : name.slice(0, cut);
}

/**
 * The projects of the emulated account, in definition order. The default project always exists
 * (keys created without a project land there); it starts named after {@link DEFAULT_REGION}.
 */
export class ProjectRegistry {
  private readonly projects = new Map<string, EmulatedProject>();

  constructor(readonly defaultProjectId: string) {
    this.clear();
  }

  /** Back to the default project alone, under its default name. */
  clear(): void {
    this.projects.clear();
    this.projects.set(this.defaultProjectId, {
      id: this.defaultProjectId,
      name: DEFAULT_REGION,
      region: DEFAULT_REGION,
      enabled: true,
      description: "",
    });
  }

  /** The region of the default project: where requests without a region prefix go. */
  get defaultRegion(): string {
    return this.get(this.defaultProjectId)?.region ?? DEFAULT_REGION;
  }

  get(id: string): EmulatedProject | undefined {
    const project = this.projects.get(id);
    return project ? { ...project } : undefined;
  }

  list(): EmulatedProject[] {
    return [...this.projects.values()].map((p) => ({ ...p }));
  }

  /**
   * Creates the project (a name is then required) or changes it; fields left out keep their
   * values. Names are unique in an account, as in IAM: a name another project holds is refused.
   */
  put(id: string, patch: ProjectPatch): { ok: true; project: EmulatedProject; created: boolean } | { ok: false; message: string } {
    const existing = this.projects.get(id);
    const name = patch.name ?? existing?.name;
    if (name === undefined) return { ok: false, message: `project ${id} does not exist yet: a name is required` };
    const holder = [...this.projects.values()].find((p) => p.name === name && p.id !== id);
    if (holder) {
      const which = holder.id === this.defaultProjectId ? " (the default project; give it another name first)" : "";
      return { ok: false, message: `the name ${name} belongs to project ${holder.id}${which}` };
    }
    const project: EmulatedProject = {
      id,
      name,
      region: regionOfProjectName(name),
      enabled: patch.enabled ?? existing?.enabled ?? true,
      description: patch.description ?? existing?.description ?? "",
    };
    this.projects.set(id, project);
    return { ok: true, project: { ...project }, created: existing === undefined };
  }

  /** Removes a project (its keys stay, unreachable through any region); the default project stays. */
  delete(id: string): "deleted" | "missing" | "default" {
    if (id === this.defaultProjectId) return "default";
    return this.projects.delete(id) ? "deleted" : "missing";
  }

  /**
   * The id of a project's parent as IAM answers it: a main project's parent is the account, a
   * sub-project's the main project of its region (the account when that is not defined).
   */
  parentOf(project: EmulatedProject, domainId: string): string {
    if (project.name === project.region) return domainId;
    return [...this.projects.values()].find((p) => p.name === project.region)?.id ?? domainId;
  }

  /**
   * Why KMS refuses a call to `projectId` at the endpoint of `region`, or undefined when it serves it.
   * With a region prefix the project must be defined and belong to that region. Without one (the
   * default region) an undefined project is served as it always was, and only a project defined in
   * another region is refused.
   */
  kmsRefusal(projectId: string, region: string | undefined): Outcome | undefined {
    const project = this.projects.get(projectId);
    const endpointRegion = region ?? this.defaultRegion;
    if (project === undefined) {
      if (region === undefined) return undefined;
      return mismatch(`project ${projectId} does not exist in region ${endpointRegion}`);
    }
    if (project.region !== endpointRegion) {
      return mismatch(`project ${projectId} (${project.name}) is in region ${project.region}, not ${endpointRegion}`);
    }
    return undefined;
  }
}

// The code is the one KMS gives for "the project in the URI does not match the credentials"; what
// KMS answers for a project of another region is not documented (emulator/README.md, assumed).
function mismatch(detail: string): Outcome {
  return apiError(403, KmsErrorCode.ProjectMismatch, `The project in the URI does not match the endpoint: ${detail}`);
}
