// The KMS client a provider process uses, whichever vehicle runs it: settings resolved once on the
// first call (so a resource that needs no call never needs credentials), one shared client, and a
// client per operation where the resource bounds it (customTimeouts) or debug lines name it.
import { resolveClaimKeys, resolveKmsConfig, type KmsClientConfig, type KmsConfigSources } from "../config/kms-config.js";
import { KmsClient, type KmsClientOptions } from "../kms/kms-client.js";
import type { PreviewApi, RotationApi } from "../resources/key-rotation/lifecycle.js";
import type { ClaimApi } from "../resources/key-rotation/claim-lifecycle.js";
import type { ListingApi } from "../functions/list-keys/list-keys.js";

/** What the resources and functions of a provider process ask of KMS. */
export type KmsApi = RotationApi & PreviewApi & ListingApi & ClaimApi;

/** What an engine call asks of the client. */
export interface CallScope {
  /** The resource operation (or a function's invoke), for the deadline's message. */
  operation: "create" | "read" | "update" | "delete" | "invoke";
  /** The resource's bound for this operation (customTimeouts), in milliseconds. */
  timeoutMs?: number;
  /** The resource's URN, when the vehicle knows it: debug lines are shown under it. */
  urn?: string;
}

/** Writes one debug line, under the resource `urn` when known. */
export type DebugLineWriter = (urn: string | undefined, message: string) => void;

export interface KmsSessionOptions {
  /** Where settings come from (read on the first call, again after {@link KmsSession.reset}). */
  sources: () => KmsConfigSources;
  /**
   * Where one line per KMS call goes, or undefined while debug lines are off. Asked once per
   * client: with lines off the client builds none, which a refresh of thousands of keys notices.
   */
  debugLines?: () => DebugLineWriter | undefined;
}

export class KmsSession {
  private config: KmsClientConfig | undefined;
  private claims: boolean | undefined;
  private shared: KmsApi | undefined;
  private replaced: KmsApi | undefined;

  constructor(private readonly options: KmsSessionOptions) {}

  /** Forgets the resolved settings and client (the engine configured the provider again). */
  reset(): void {
    this.config = undefined;
    this.claims = undefined;
    this.shared = undefined;
    this.replaced = undefined;
  }

  /** Replaces every client of this session (tests and benchmarks); undefined restores them. */
  replaceClient(api: KmsApi | undefined): void {
    this.replaced = api;
  }

  /** Resolves the settings now; throws the configuration error `up` would give. */
  settings(): KmsClientConfig {
    this.config ??= resolveKmsConfig(this.options.sources());
    return this.config;
  }

  /** Whether resources claim their keys (the `claimKeys` setting), resolved without needing credentials. */
  claimKeys(): boolean {
    this.claims ??= resolveClaimKeys(this.options.sources());
    return this.claims;
  }

  /** The client for one call of the engine. */
  forCall(scope: CallScope): KmsApi {
    if (this.replaced) return this.replaced;
    const config = this.settings();
    const { timeoutMs, operation } = scope;
    const line = this.options.debugLines?.();
    // The URN only matters to debug lines: while they are off, calls without a deadline of their
    // own share one client rather than building one each (a refresh makes thousands).
    const urn = line === undefined ? undefined : scope.urn;
    if (timeoutMs === undefined && urn === undefined) {
      this.shared ??= new KmsClient(config, this.clientOptions(undefined, line));
      return this.shared;
    }
    const options = this.clientOptions(urn, line);
    if (timeoutMs !== undefined) {
      const limit = `customTimeouts.${operation} of ${describeTimeout(timeoutMs)}`;
      options.deadline = {
        at: Date.now() + timeoutMs,
        description: limit,
        advice: `The resource's ${limit} ran out before KMS finished: raise it, or run the update again (it picks up where KMS is).`,
      };
    }
    return new KmsClient(config, options);
  }

  private clientOptions(urn: string | undefined, line: DebugLineWriter | undefined): KmsClientOptions {
    if (line === undefined) return {};
    return {
      logger: {
        debug: (message) => {
          line(urn, message);
        },
      },
    };
  }
}

/** Human form of a timeout, as a user writes one ("2s", "5m"). */
export function describeTimeout(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
