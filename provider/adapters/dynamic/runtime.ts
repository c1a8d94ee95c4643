// The dynamic provider's implementation, run inside the engine's dynamic-provider process. Its
// exports are the provider (configure, check, diff, create, read, update, delete): the state
// only names this module (see provider-shell.ts), so none of it and no credential is serialized.
import "../../platform/node-version.js"; // first: fail on too old a Node.js before undici loads
import type * as pulumi from "@pulumi/pulumi";
import { resolveKmsConfig } from "../../config/kms-config.js";
import { KmsClient } from "../../kms/kms-client.js";
import { diffKeyRotation } from "../../resource/key-rotation-diff.js";
import {
  checkKeyRotationInputs,
  keyRotationInputsSchema,
  keyRotationOptionsSchema,
  keyRotationOutputsSchema,
  type KeyRotationInputs,
  type KeyRotationOutputs,
} from "../../resource/key-rotation-inputs.js";
import {
  createKeyRotation,
  deleteKeyRotation,
  isRotationProgressError,
  readKeyRotation,
  updateKeyRotation,
  type RotationApi,
} from "../../resource/key-rotation.js";

type Props = Record<string, unknown>;

/** The engine's marker for a value not known until apply (previews). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";

let stackConfig: ((key: string) => string | undefined) | undefined;
let client: RotationApi | undefined;

/** Keeps the stack config reader; credentials are resolved on the first API call, not before. */
export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = (key) => req.config.get(key);
  client = undefined;
  return Promise.resolve();
}

/** Replaces the KMS client (tests and benchmarks). */
export function setClientForTesting(api: RotationApi | undefined): void {
  client = api;
}

function kms(): RotationApi {
  // The engine shows a provider's stderr in the update's output, so per-call lines are opt-in.
  const debug = process.env.PULUMI_KMS_DEBUG ? (message: string) => process.stderr.write(`${message}\n`) : () => undefined;
  client ??= new KmsClient(resolveKmsConfig({ stackConfig, env: process.env }), { logger: { debug } });
  return client;
}

/**
 * An error the engine shows as one line: the engine prints a provider error's stack, and a stack
 * trace tells a user nothing about a KMS refusal.
 */
function userFacing(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  const err = new Error(message);
  err.stack = message;
  return err;
}

function withProvider(props: Props, from: Props): Props {
  return { ...props, [PROVIDER_KEY]: from[PROVIDER_KEY] };
}

/**
 * Rethrows a failure so that the engine records what KMS holds now: after partial progress the
 * error carries the resource id and its properties (a partial failure), otherwise the message only.
 */
function fail(e: unknown, id: string, inputs: Props): never {
  if (isRotationProgressError(e)) {
    const err = userFacing(e.cause) as Error & { id: string; properties: Props; reasons: string[] };
    err.id = id;
    err.properties = withProvider(e.reached, inputs);
    // The engine reports a partial failure by its reasons alone ("resource init failed" if none).
    err.reasons = [err.message];
    throw err;
  }
  throw userFacing(e);
}

function parseInputs(news: Props): KeyRotationInputs {
  const { keyId, enabled, intervalDays } = checkKeyRotationInputs(news).inputs;
  return keyRotationInputsSchema.parse({ keyId, enabled, intervalDays });
}

function parseOutputs(props: Props): KeyRotationOutputs {
  // State written before a default existed, or by an import, may lack a field: normalize first.
  const normalized = checkKeyRotationInputs(props).inputs;
  return keyRotationOutputsSchema.parse({
    ...props,
    ...normalized,
    numberOfRotations: typeof props.numberOfRotations === "number" ? props.numberOfRotations : 0,
  });
}

export function check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkKeyRotationInputs(news, { isUnknown: (v) => v === UNKNOWN });
  return Promise.resolve({ inputs: withProvider(inputs, news), failures });
}

export function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const d = diffKeyRotation(olds, news);
  return Promise.resolve({ changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false });
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const desired = parseInputs(inputs);
  const options = keyRotationOptionsSchema.parse({ adopt: inputs.adopt });
  try {
    return { id: desired.keyId, outs: await createKeyRotation(kms(), desired, options) };
  } catch (e) {
    return fail(e, desired.keyId, inputs);
  }
}

export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  try {
    const recorded = checkKeyRotationInputs(props).inputs as Partial<KeyRotationInputs>;
    const result = await readKeyRotation(kms(), id, recorded);
    if (!result) return { id: "" };
    return { id, props: result.outputs, inputs: result.inputs };
  } catch (e) {
    throw userFacing(e);
  }
}

export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  try {
    return { outs: await updateKeyRotation(kms(), parseOutputs(olds), parseInputs(news)) };
  } catch (e) {
    return fail(e, id, news);
  }
}

async function remove(_id: string, props: Props): Promise<void> {
  try {
    await deleteKeyRotation(kms(), parseOutputs(props));
  } catch (e) {
    throw userFacing(e);
  }
}

// `delete` is a reserved word: it can only be an export name. The engine calls provider.delete.
export { remove as delete };
