// getKeyRotation: one key's live rotation, one get-key-rotation-status request.
import type { FunctionArgs, FunctionResult } from "../../engine/function-spec.js";
import type { RotationStatus } from "../../kms/kms-schemas.js";
import type { getKeyRotationSpec } from "./spec.js";

export type GetKeyRotationArgs = FunctionArgs<typeof getKeyRotationSpec>;
export type GetKeyRotationResult = FunctionResult<typeof getKeyRotationSpec>;

/** The slice of the KMS client getKeyRotation needs. */
export interface StatusApi {
  getKeyRotationStatus(keyId: string): Promise<RotationStatus>;
}

export async function getKeyRotation(api: StatusApi, args: GetKeyRotationArgs): Promise<GetKeyRotationResult> {
  const status = await api.getKeyRotationStatus(args.keyId);
  const result: GetKeyRotationResult = {
    keyId: args.keyId,
    enabled: status.enabled,
    intervalDays: status.intervalDays,
    numberOfRotations: status.numberOfRotations,
  };
  if (status.lastRotationTime !== undefined) result.lastRotationTime = status.lastRotationTime;
  return result;
}
