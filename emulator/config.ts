// Defaults and option types shared by the server, the CLI and the public entry point.

/** Demo access key accepted when no credentials are configured. */
export const DEFAULT_ACCESS_KEY = "KMSEMULATORACCESSKEY";
/** Demo secret key paired with {@link DEFAULT_ACCESS_KEY}. */
export const DEFAULT_SECRET_KEY = "kms-emulator-secret-key";
/** Demo `X-Auth-Token` accepted when no tokens are configured. */
export const DEFAULT_TOKEN = "kms-emulator-token";
/** Project that admin-created and seeded keys belong to unless they name one. */
export const DEFAULT_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/**
 * Name of the default project, and so its region: the region of the un-prefixed KMS paths. A
 * region's main project is named after the region, as on Huawei Cloud.
 */
export const DEFAULT_REGION = "cn-north-4";
/** The account (IAM domain) every emulated project belongs to. */
export const DEFAULT_DOMAIN_ID = "d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f";
/** Allowed distance between `X-Sdk-Date` and the emulator clock, as on the API gateway. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 15 * 60;

/** An AK/SK pair the emulator accepts. */
export interface AkSkCredential {
  accessKey: string;
  secretKey: string;
  /** When set, requests signed with this AK must carry this `X-Security-Token` (temporary credentials). */
  securityToken?: string;
  /** When set, the AK may only call this project; other projects get 403 KMS.0321. */
  projectId?: string;
}

/** An `X-Auth-Token` the emulator accepts, optionally bound to a project and expiring. */
export interface TokenCredential {
  token: string;
  projectId?: string;
  /** Epoch milliseconds after which the token answers 403 KMS.0303. */
  expiresAt?: number;
}

/** How the emulator authenticates, with defaults filled in. */
export interface AuthConfig {
  credentials: readonly AkSkCredential[];
  tokens: readonly TokenCredential[];
  clockSkewSeconds: number;
}
