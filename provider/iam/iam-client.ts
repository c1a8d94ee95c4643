// The provider's only way to talk to IAM: the projects the credentials may use, which a scan of a
// whole account starts from. It runs through the same call machinery as the KMS client (retries,
// deadlines, the per-origin concurrency budget, redaction of every service text), so an IAM call
// fails, retries and logs exactly as a KMS call does; only the advice speaks of IAM.
import type { Dispatcher } from "undici";
import { createRedactor, secretsOf, type KmsClientConfig, type Redactor } from "../config/kms-config.js";
import { runnerForEndpoint, type CallRunner } from "../kms/call-runner.js";
import { KmsApiError } from "../kms/kms-api-error.js";
import type { KmsClientOptions } from "../kms/kms-client.js";
import { LocalErrorCode } from "../kms/kms-error-codes.js";
import { interpretResponse } from "../kms/kms-response.js";
import { sendHttpRequest } from "../transport/http-request.js";
import { buildListProjectsRequest } from "./iam-request.js";
import { iamSchemas, type IamProject } from "./iam-schemas.js";

export type { IamProject } from "./iam-schemas.js";

/** Where IAM is, the credentials, and the same call limits as the KMS client's. */
export interface IamClientConfig extends Pick<KmsClientConfig, "credentials" | "maxRetries" | "requestTimeoutMs" | "deadlineMs" | "maxConcurrency"> {
  /** `https://iam.myhuaweicloud.com`, normalized (no trailing slash). */
  iamEndpoint: string;
}

/** The same hooks as the KMS client's (a MockAgent, a fake clock, a logger). */
export type IamClientOptions = Pick<KmsClientOptions, "dispatcher" | "logger" | "random" | "sleep" | "now" | "backoff" | "deadline">;

/** What the user should do about a failed projects call, in IAM's terms rather than KMS's. */
export function iamAdvice(code: string, status: number, iamEndpoint: string): string {
  if (code === LocalErrorCode.NetworkError) return `Could not reach IAM at ${iamEndpoint}: check network access, proxy and firewall, and the IAM endpoint (--iam-endpoint or HW_IAM_ENDPOINT).`;
  if (code === LocalErrorCode.Timeout) return "IAM did not answer in time: check network access to the IAM endpoint, or raise --request-timeout-ms / --deadline-ms.";
  if (code === LocalErrorCode.InvalidResponse) return "IAM answered with a body that is not a list of projects: check that the IAM endpoint (--iam-endpoint or HW_IAM_ENDPOINT) points at IAM.";
  if (status === 401 || /^APIG\.03\d\d$/.test(code)) {
    return "Check your credentials: the access key/secret key (plus the security token for temporary credentials) or the auth token may be missing, wrong or expired; with AK/SK also check that this machine's clock is correct.";
  }
  if (status === 403) return "The credentials may not list the account's projects in IAM: grant the user or agency permission to list its projects, or discover one project at a time with --project-id.";
  if (status === 404) return `IAM's projects API was not found at ${iamEndpoint}: check the IAM endpoint (--iam-endpoint or HW_IAM_ENDPOINT).`;
  if (status === 429 || status >= 500) return "IAM had a temporary failure or kept throttling: run discover again later.";
  return "IAM refused the projects call: check the credentials and the IAM endpoint against the message above.";
}

/** The same error with advice about IAM. */
function withIamAdvice(error: KmsApiError, iamEndpoint: string): KmsApiError {
  return new KmsApiError({
    status: error.status,
    code: error.code,
    ...(error.kmsMessage === undefined ? {} : { kmsMessage: error.kmsMessage }),
    operation: error.operation,
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    retryable: error.retryable,
    mayHaveLanded: error.mayHaveLanded,
    attempts: error.attempts,
    advice: iamAdvice(error.code, error.status, iamEndpoint),
    cause: error.cause,
  });
}

/** Typed IAM calls for one IAM endpoint and one set of credentials. */
export class IamClient {
  private readonly config: IamClientConfig;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly redactor: Redactor;
  private readonly runner: CallRunner;

  constructor(config: IamClientConfig, options: IamClientOptions = {}) {
    this.config = config;
    this.dispatcher = options.dispatcher;
    this.redactor = createRedactor(secretsOf(config));
    this.runner = runnerForEndpoint(config.iamEndpoint, config, this.redactor, options);
  }

  /** Every project the credentials may use (IAM `GET /v3/auth/projects`), in IAM's order. */
  async listProjects(): Promise<IamProject[]> {
    const operation = "list-auth-projects";
    const ctx = { operation, endpoint: this.config.iamEndpoint, redact: this.redactor } as const;
    const schema = iamSchemas().projects;
    try {
      return await this.runner.run({
        operation,
        send: (date, timeoutMs) => {
          const wire = buildListProjectsRequest(this.config, date);
          return sendHttpRequest({
            url: wire.url,
            method: wire.method,
            headers: wire.headers,
            timeoutMs,
            ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
          });
        },
        interpret: (response, tally) => interpretResponse(ctx, schema, response, tally),
      });
    } catch (e) {
      throw KmsApiError.isInstance(e) ? withIamAdvice(e, this.config.iamEndpoint) : e;
    }
  }
}
