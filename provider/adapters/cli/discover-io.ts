// What both forms of `huaweicloud-kms discover` share at their edge (one project, or every project
// of the account): the exit codes, what the command touches outside itself, whole-file writes,
// the redactor of the credentials, and the words for where settings came from and what the
// files leave out.
import { renameSync, writeFileSync } from "node:fs";
import { createRedactor, SETTING_SOURCES, type KmsClientConfig } from "../../config/kms-config.js";
import { count, managedElsewhere, type DiscoveryReport } from "../../discovery/discovery-report.js";
import type { KmsClientOptions } from "../../kms/kms-client.js";

/** Exit codes of the command. */
export const ExitCode = {
  /** Every rotatable key follows the policy. */
  Compliant: 0,
  /** A rotatable key does not (not rotating, interval too long, status unknown). */
  PolicyBroken: 1,
  /** A bad command line or setting, or credentials KMS refuses. */
  Usage: 2,
  /** KMS or the network failed (after retries), or a file could not be written: nothing concluded. */
  Failed: 3,
} as const;

/** What the command touches outside itself; tests pass their own. */
export interface DiscoverIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => Date;
  /** Writes a whole file; default: a temporary file renamed over the target. */
  writeFile?: (path: string, text: string) => void;
  clientOptions?: KmsClientOptions;
}

/** Writes `text` to a temporary file next to `path`, then renames it: a reader never sees half a file. */
export function writeWhole(path: string, text: string): void {
  const temp = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, path);
}

/** A redactor of every secret value in the environment, whichever variable holds it. */
export function redactorFor(env: Record<string, string | undefined>): (text: string) => string {
  const secrets = Object.values(SETTING_SOURCES)
    .filter((s) => s.secret)
    .flatMap((s) => s.env.flatMap((name) => [env[name], env[name]?.trim()]));
  return createRedactor(secrets);
}

/** Where the settings came from, without a value: e.g. "access key from env HW_ACCESS_KEY". */
export function credentialSource(config: KmsClientConfig): string {
  const sources = config.sources ?? {};
  return config.credentials.kind === "token" ? `token from ${sources.authToken ?? "?"}` : `access key from ${sources.accessKey ?? "?"}`;
}

/** Why rotatable keys were left out of the files: "2 that other stacks manage (1 claimed, 1 in team.json)". */
export function leftOutText(report: DiscoveryReport): string {
  const managed = report.keys.filter((k) => k.rotatable && managedElsewhere(k) !== undefined);
  if (managed.length === 0) return "";
  const claimed = managed.filter((k) => k.owner !== null).length;
  const perFile = new Map<string, number>();
  for (const k of managed) if (k.owner === null && k.inState !== null) perFile.set(k.inState.file, (perFile.get(k.inState.file) ?? 0) + 1);
  const parts = [...(claimed > 0 ? [`${count(claimed)} claimed`] : []), ...[...perFile].map(([file, n]) => `${count(n)} in ${file}`)];
  return `; left out ${count(managed.length)} that other stacks manage (${parts.join(", ")})`;
}

