// The refusals a scan of a whole account must report rather than skip, as fault rules: a project
// whose calls the gateway or KMS refuses, and a region that cannot be reached. Plain rules of
// faults.ts, so they combine with `times` and `probability` and are listed and cleared like any.
import { KmsErrorCode } from "../provider/kms/kms-error-codes.js";
import type { FaultRule } from "./faults.js";

/** How a project's KMS calls are refused. */
export const PROJECT_REFUSALS = {
  /** 401 APIG.0301: the gateway rejects the credentials. */
  unauthorized: { status: 401, errorCode: KmsErrorCode.Unauthorized, errorMsg: "Incorrect IAM authentication information: the credentials are not valid for this project" },
  /** 403 KMS.0306: the credentials may not use KMS in this project. */
  forbidden: { status: 403, errorCode: KmsErrorCode.NoPermission, errorMsg: "No permission to perform this operation in this project" },
  /** 403 KMS.0321: the project in the URI does not match the credentials. */
  "project-mismatch": { status: 403, errorCode: KmsErrorCode.ProjectMismatch, errorMsg: "The project in the URI does not match the credentials" },
} as const;
export type ProjectRefusal = keyof typeof PROJECT_REFUSALS;

/** The rule that refuses every KMS call for `projectId` (IAM still lists the project). */
export function projectRefusalRule(projectId: string, refusal: ProjectRefusal): FaultRule {
  return { kind: "status", projectId, retryAfter: null, ...PROJECT_REFUSALS[refusal] };
}

/** The rule that drops every KMS connection to `region`'s endpoint without an answer. */
export function regionOutageRule(region: string): FaultRule {
  return { kind: "reset-before", region };
}
