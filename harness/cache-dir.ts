// The folder this project caches machine-wide work in (the Pulumi CLI, virtualenvs, release
// builds): ~/.cache/pulumi-huaweicloud-kms, or $XDG_CACHE_HOME/pulumi-huaweicloud-kms, or
// wherever PULUMI_KMS_CACHE says (CI points it at its cache). Never inside the repository.
import { homedir } from "node:os";
import { join } from "node:path";

/** The cache root; `parts` name a folder inside it. */
export function kmsCacheDir(...parts: string[]): string {
  const root = process.env.PULUMI_KMS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-huaweicloud-kms");
  return join(root, ...parts);
}
