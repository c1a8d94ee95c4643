// The regions this project knows, which cloud each belongs to, and where that cloud's KMS and IAM
// live. A scan of every project of an account derives each project's KMS endpoint from here and
// reports a region it does not know instead of guessing a host for it. Pure.

/** Where a region's services live: Huawei Cloud (.com), Huawei Cloud Europe (.eu), Open Telekom Cloud. */
export type Cloud = "huaweicloud" | "huaweicloud-eu" | "opentelekomcloud";

/** Regions with KMS, by cloud (Huawei Cloud's and Open Telekom Cloud's region lists, 2026). */
export const KNOWN_REGIONS: Readonly<Record<string, Cloud>> = {
  "af-south-1": "huaweicloud",
  "ap-southeast-1": "huaweicloud",
  "ap-southeast-2": "huaweicloud",
  "ap-southeast-3": "huaweicloud",
  "ap-southeast-4": "huaweicloud",
  "ap-southeast-5": "huaweicloud",
  "cn-east-2": "huaweicloud",
  "cn-east-3": "huaweicloud",
  "cn-east-4": "huaweicloud",
  "cn-north-1": "huaweicloud",
  "cn-north-2": "huaweicloud",
  "cn-north-4": "huaweicloud",
  "cn-north-9": "huaweicloud",
  "cn-south-1": "huaweicloud",
  "cn-south-2": "huaweicloud",
  "cn-southwest-2": "huaweicloud",
  "eu-west-0": "huaweicloud",
  "la-north-2": "huaweicloud",
  "la-south-2": "huaweicloud",
  "me-east-1": "huaweicloud",
  "na-mexico-1": "huaweicloud",
  "ru-moscow-1": "huaweicloud",
  "sa-brazil-1": "huaweicloud",
  "tr-west-1": "huaweicloud",
  "eu-west-101": "huaweicloud-eu",
  "eu-de": "opentelekomcloud",
  "eu-nl": "opentelekomcloud",
};

const KMS_HOST: Readonly<Record<Cloud, (region: string) => string>> = {
  huaweicloud: (region) => `https://kms.${region}.myhuaweicloud.com`,
  "huaweicloud-eu": (region) => `https://kms.${region}.myhuaweicloud.eu`,
  opentelekomcloud: (region) => `https://kms.${region}.otc.t-systems.com`,
};

/** IAM is global per cloud. */
const IAM_ENDPOINT: Readonly<Record<Cloud, string>> = {
  huaweicloud: "https://iam.myhuaweicloud.com",
  "huaweicloud-eu": "https://iam.myhuaweicloud.eu",
  opentelekomcloud: "https://iam.eu-de.otc.t-systems.com",
};

/** The cloud a region belongs to, or undefined for a region this project does not know. */
export function cloudOfRegion(region: string): Cloud | undefined {
  return Object.hasOwn(KNOWN_REGIONS, region) ? KNOWN_REGIONS[region] : undefined;
}

/**
 * The region of an IAM project: a region's main project is named after it (`cn-north-4`), a
 * sub-project `<region>_<name>` (`cn-north-4_payments`).
 */
export function regionOfProject(projectName: string): string {
  const at = projectName.indexOf("_");
  return at === -1 ? projectName : projectName.slice(0, at);
}

/** The KMS endpoint of a known region, or undefined for one this project does not know. */
export function kmsEndpointOfRegion(region: string): string | undefined {
  const cloud = cloudOfRegion(region);
  return cloud === undefined ? undefined : KMS_HOST[cloud](region);
}

/** The IAM endpoint of the cloud a region belongs to (Huawei Cloud's for a region it does not know). */
export function iamEndpointOfRegion(region: string | undefined): string {
  return IAM_ENDPOINT[(region === undefined ? undefined : cloudOfRegion(region)) ?? "huaweicloud"];
}

/** The placeholder an endpoint template names the region with (an emulator serving several regions). */
export const REGION_PLACEHOLDER = "{region}";

/**
 * The KMS endpoint of `region` from a user's endpoint template: `https://kms.{region}.example` or
 * `http://127.0.0.1:4566/{region}`. A template without the placeholder serves every region.
 */
export function endpointFromTemplate(template: string, region: string): string {
  return template.split(REGION_PLACEHOLDER).join(region);
}
