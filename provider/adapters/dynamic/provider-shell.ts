// The object Pulumi serializes into every KeyRotation's state. It must stay tiny and capture
// nothing: each method loads the implementation by package name inside the dynamic-provider
// process, so no credential, module or schema of the program is ever written to the state.
import type * as pulumi from "@pulumi/pulumi";
import type * as Runtime from "./runtime.js";

/** Shared by every KeyRotation so the engine deserializes and configures it once per process. */
export const keyRotationProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  configure: (req) => rt().configure(req),
  check: (olds, news) => rt().check(olds, news),
  diff: (id, olds, news) => rt().diff(id, olds, news),
  create: (inputs) => rt().create(inputs),
  read: (id, props) => rt().read(id, props ?? {}),
  update: (id, olds, news) => rt().update(id, olds, news),
  delete: (id, props) => rt().remove(id, props),
};

function rt(): typeof Runtime {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time by name, never captured
  return require("pulumi-huaweicloud-kms/dynamic-runtime") as typeof Runtime;
}
