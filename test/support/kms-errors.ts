import { KmsApiError } from "../../provider/kms/kms-api-error.js";

/** The KmsApiError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function kmsError(promise: Promise<unknown>): Promise<KmsApiError> {
  try {
    await promise;
  } catch (e) {
    if (KmsApiError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a KmsApiError");
}
