// Test helper: signs a request with the official Huawei Cloud Node SDK signer (a devDependency,
// hence under test/, which is not shipped), so tests can compare this project's signatures with
// the reference implementation.
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";

export interface OfficialSignInput {
  /** Full URL (the official signer takes host and path from it). */
  url: string;
  method: string;
  /** Headers to sign, without `Host` (the official signer adds `host` from the URL) and without `Authorization`. */
  headers: Record<string, string>;
  /** The JSON body as an object: the official signer hashes `JSON.stringify(data)`. */
  data?: unknown;
  queryParams?: Record<string, string>;
  accessKey: string;
  secretKey: string;
}

/** The `Authorization` header the official `AKSKSigner` computes for the request. */
export function officialAuthorization(input: OfficialSignInput): string {
  const credential = new BasicCredentials().withAk(input.accessKey).withSk(input.secretKey);
  const signed = AKSKSigner.sign(
    { endpoint: input.url, method: input.method, headers: { ...input.headers }, data: input.data, queryParams: input.queryParams ?? {} },
    credential,
  ) as Record<string, string | undefined>;
  const authorization = signed.Authorization;
  if (authorization === undefined) throw new Error("the official signer produced no Authorization header");
  return authorization;
}
