// The answer of IAM's projects call, parsed defensively as the KMS answers are (kms-schemas.ts):
// flags may come as strings, optional texts as null or "", and fields IAM adds later are ignored.
// Built on first use, like the KMS schemas, so no zod instance lives at module load.
import { z } from "zod";
import { looseFields } from "../kms/kms-schemas.js";

/** One project the credentials may use. */
export interface IamProject {
  id: string;
  /** `<region>` for a region's main project, `<region>_<name>` for a sub-project. */
  name: string;
  enabled: boolean;
  domainId?: string;
  /** True for the account itself, which Keystone may list among the projects; it holds no keys. */
  isDomain: boolean;
  parentId?: string;
  description?: string;
}

function buildSchemas() {
  const { looseBoolean, optionalText } = looseFields();
  const project = z
    .object({
      id: z.string().trim().min(1),
      name: z.string().trim().min(1),
      // A project IAM does not say is disabled is taken as enabled: skipping it would hide its keys.
      enabled: looseBoolean.nullish(),
      domain_id: optionalText,
      is_domain: looseBoolean.nullish(),
      parent_id: optionalText,
      description: optionalText,
    })
    .transform((p) => {
      const out: IamProject = { id: p.id, name: p.name, enabled: p.enabled ?? true, isDomain: p.is_domain ?? false };
      if (p.domain_id !== undefined) out.domainId = p.domain_id;
      if (p.parent_id !== undefined) out.parentId = p.parent_id;
      if (p.description !== undefined) out.description = p.description;
      return out;
    });
  // `projects` is required: an answer without it is not the projects call's, and reading it as
  // "no projects" would end a scan of the whole account with nothing scanned and nothing said.
  const projects = z.object({ projects: z.array(project) }).transform((r) => r.projects);
  return { projects };
}

export type IamSchemas = ReturnType<typeof buildSchemas>;

let cached: IamSchemas | undefined;

/** The IAM answer schemas, built on first use. */
export function iamSchemas(): IamSchemas {
  cached ??= buildSchemas();
  return cached;
}
