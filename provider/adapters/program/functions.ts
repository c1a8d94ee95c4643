// The provider's functions run in the program's own process: the dynamic vehicle's SDK
// (`pulumi-huaweicloud-kms`) calls these. A dynamic provider cannot serve functions: the engine
// sends an invoke to the provider plugin of the token's package, and the dynamic-provider host
// answers every Invoke with "unknown function" (pulumi/pulumi#406). So the program asks KMS itself,
// with the settings the dynamic KeyRotation resolves: stack config `huaweicloud-kms:*`, then
// `huaweicloud:*`, then the `HW_*` environment (of this process: for an Automation API inline
// program, the host process's environment, not the workspace's envVars).
//
// Loaded by the SDK on first use only, so programs that call no function never load the client.
import * as pulumi from "@pulumi/pulumi";
import { FunctionHandler } from "../../engine/function-handler.js";
import { KmsSession } from "../../engine/kms-session.js";
import type { GetKeyRotationResult } from "../../functions/get-key-rotation/get-key-rotation.js";
import { getKeyRotationSpec } from "../../functions/get-key-rotation/spec.js";
import type { ListKeysResult } from "../../functions/list-keys/list-keys.js";
import { listKeysSpec } from "../../functions/list-keys/spec.js";
import { DEBUG_ENV } from "../dynamic/forwarded-options.js";
import { inOneLine } from "./program-error.js";

type Args = Readonly<Record<string, unknown>>;

function newHandler(): FunctionHandler {
  const session = new KmsSession({
    sources: () => ({ stackConfig: (key) => pulumi.runtime.getConfig(key), env: process.env }),
    debugLines: () =>
      process.env[DEBUG_ENV]
        ? (_urn, message) => {
            void pulumi.log.info(message);
          }
        : undefined,
  });
  return new FunctionHandler(session);
}

// One handler (settings resolved once, one client) per program run. Keyed by the run's resource
// monitor: Automation API inline programs of different stacks run one after another in one
// process, each with its own monitor and its own stack config.
const handlers = new WeakMap<object, FunctionHandler>();
let withoutEngine: FunctionHandler | undefined;

function handler(): FunctionHandler {
  const monitor = pulumi.runtime.getMonitor() as object | undefined;
  if (monitor === undefined) return (withoutEngine ??= newHandler());
  let h = handlers.get(monitor);
  if (h === undefined) {
    h = newHandler();
    handlers.set(monitor, h);
  }
  return h;
}

export function listKeys(args: Args): Promise<ListKeysResult> {
  return inOneLine(Promise.resolve().then(() => handler().call(listKeysSpec, args)));
}

export function getKeyRotation(args: Args): Promise<GetKeyRotationResult> {
  return inOneLine(Promise.resolve().then(() => handler().call(getKeyRotationSpec, args)));
}
