// What Pulumi serializes into every KeyRotation's state (`__provider`). It must capture nothing
// of the program: no credential, module or schema, only a way to load the implementation by name
// inside the engine's dynamic-provider process.
/* eslint-disable @typescript-eslint/no-require-imports -- the implementation is loaded by name at run time, never captured */
import type * as pulumi from "@pulumi/pulumi";
import type * as Runtime from "./runtime.js";

type Provider = pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>>;

/** The runtime module's path inside an installed package; the linked-install shell names it. */
const RUNTIME_MODULE = "pulumi-huaweicloud-kms/dist/provider/adapters/dynamic/runtime.js";

/**
 * Installed from a registry, the package lives under node_modules: the provider module
 * (provider-module.ts) is the provider, and Pulumi serializes it as one `require(...)` line (about
 * 300 bytes per state entry). Linked into place (npm link, workspaces), its real path is outside
 * node_modules and Pulumi would serialize the module by value, so a shell of small functions that
 * load the runtime by package name is used instead (about 2 KB).
 */
export function keyRotationProvider(): Provider {
  const modulePath = require.resolve("./provider-module.js");
  return /[\\/]node_modules[\\/]/.test(modulePath) ? (require(modulePath) as Provider) : shell;
}

const shell: Provider = {
  configure: (req) => rt().configure(req),
  check: (olds, news) => rt().check(olds, news),
  diff: (id, olds, news) => rt().diff(id, olds, news),
  create: (inputs) => rt().create(inputs),
  read: (id, props) => rt().read(id, props ?? {}),
  update: (id, olds, news) => rt().update(id, olds, news),
  delete: (id, props) => rt().delete(id, props),
};

function rt(): typeof Runtime {
  return require(RUNTIME_MODULE) as typeof Runtime;
}
