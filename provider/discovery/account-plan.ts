// Which projects of an account a scan covers, and where each one's KMS is. IAM lists the projects
// the credentials may use; each project belongs to one region, named in its own name (sub-projects
// `<region>_<name>`), and its keys live in that region's KMS. The endpoint comes from the region
// (regions.ts), or from the user's endpoint template with `{region}` (an emulator, a proxy). A
// region this project does not know is not guessed at: the project is planned with that problem,
// and the scan reports it as a failure of that project. Pure.
import { endpointFromTemplate, kmsEndpointOfRegion, regionOfProject, REGION_PLACEHOLDER } from "../config/regions.js";
import type { IamProject } from "../iam/iam-schemas.js";

/** A project to scan: where its KMS is, or why it cannot be scanned. */
export interface ProjectTarget {
  projectId: string;
  name: string;
  region: string;
  /** The project's KMS endpoint; absent when `problem` says why there is none. */
  endpoint?: string;
  /** Why the project cannot be scanned (a region this project does not know). */
  problem?: string;
}

/** A project IAM lists that the scan leaves out, and why; reported, never hidden. */
export interface SkippedProject {
  projectId: string;
  name: string;
  reason: "disabled" | "not a region's project";
}

export interface AccountPlan {
  /** Projects to scan, by name. */
  targets: ProjectTarget[];
  /** Listed projects left out (disabled in IAM, or not named after a region), by name. */
  skipped: SkippedProject[];
  /** `--project` values that name no listed project. */
  unmatched: string[];
  /** Projects IAM listed (the account itself, which Keystone may list, not counted). */
  listed: number;
}

/** What a region name looks like (`cn-north-4`, `eu-de`): anything else names no region at all. */
const REGION_SHAPE = /^[a-z]{2,}(-[a-z0-9]+){1,4}$/;

/** Whether an endpoint setting is a template naming the region. */
export function isEndpointTemplate(endpoint: string): boolean {
  return endpoint.includes(REGION_PLACEHOLDER);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The plan of a scan over `projects`. `selectors` (names or ids, `--project`) pick some; none
 * picks every one. `endpointTemplate` (with `{region}`) replaces the regions' own endpoints.
 */
export function planAccountScan(projects: readonly IamProject[], options: { selectors?: readonly string[]; endpointTemplate?: string } = {}): AccountPlan {
  // The account itself holds no keys: a KMS call in its name would only be refused.
  const real = projects.filter((p) => !p.isDomain);
  const selectors = options.selectors ?? [];
  const picked = selectors.length === 0 ? real : real.filter((p) => selectors.includes(p.name) || selectors.includes(p.id));
  const unmatched = selectors.filter((s) => !real.some((p) => p.name === s || p.id === s));
  const targets: ProjectTarget[] = [];
  const skipped: SkippedProject[] = [];
  for (const p of [...picked].sort(byName)) {
    if (!p.enabled) {
      skipped.push({ projectId: p.id, name: p.name, reason: "disabled" });
      continue;
    }
    const region = regionOfProject(p.name);
    // IAM also lists projects that belong to no region (Huawei Cloud's "MOS", for one): they hold
    // no KMS keys, and are reported as not scanned rather than failed.
    if (!REGION_SHAPE.test(region)) {
      skipped.push({ projectId: p.id, name: p.name, reason: "not a region's project" });
      continue;
    }
    const known = kmsEndpointOfRegion(region);
    if (known === undefined) {
      targets.push({
        projectId: p.id,
        name: p.name,
        region,
        problem: `region ${JSON.stringify(region)} of project ${p.name} is not a region this command knows, so it has no KMS endpoint to scan (name the projects to scan with --project)`,
      });
      continue;
    }
    targets.push({ projectId: p.id, name: p.name, region, endpoint: options.endpointTemplate === undefined ? known : endpointFromTemplate(options.endpointTemplate, region) });
  }
  return { targets, skipped, unmatched, listed: real.length };
}
