// The dynamic provider's implementation, run inside the engine's dynamic-provider process. Its
// exports are the provider (configure, check, diff, create, read, update, delete): the state
// only names this module (see provider-shell.ts), so none of it and no credential is serialized.
import "../../platform/node-version.js"; // first: fail on too old a Node.js before undici loads
import type * as pulumi from "@pulumi/pulumi";
import { resolveKmsConfig, type KmsClientConfig } from "../../config/kms-config.js";
import { KmsClient, type KmsClientOptions } from "../../kms/kms-client.js";
import { diffKeyRotation } from "../../resource/key-rotation-diff.js";
import {
  DEBUG_ENV,
  describeTimeout,
  FORWARDED,
  isPreview,
  readReplaceOnChanges,
  readTimeouts,
  readUrn,
  type TimedOperation,
} from "../../resource/forwarded-options.js";
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
  previewCreateKeyRotation,
  readKeyRotation,
  updateKeyRotation,
  type PreviewApi,
  type RotationApi,
} from "../../resource/key-rotation.js";
import { debugLine } from "./engine-log.js";

type Props = Record<string, unknown>;
type KmsApi = RotationApi & PreviewApi;

/** The engine's marker for a value not known until apply (previews). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";
const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** Options the SDK forwards that the engine must record with the resource (see forwarded-options.ts). */
const RECORDED_OPTIONS = [FORWARDED.timeouts, FORWARDED.replaceOnChanges, FORWARDED.urn] as const;

let stackConfig: ((key: string) => string | undefined) | undefined;
let clientConfig: KmsClientConfig | undefined;
let client: KmsApi | undefined;
let testClient = false;

/**
 * Keys declared by the resources of this run. The engine checks every resource of the program
 * before it deletes anything, and one process serves the whole run, so a delete whose key is in
 * here belongs to a resource that was renamed, replaced or handed its key to another resource:
 * the key's rotation is now the surviving resource's, and the delete must not turn it off.
 */
const declaredKeys = new Set<string>();

/** Keeps the stack config reader; credentials are resolved on the first API call, not before. */
export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = (key) => req.config.get(key);
  clientConfig = undefined;
  client = undefined;
  testClient = false;
  return Promise.resolve();
}

/** Replaces the KMS client (tests and benchmarks). */
export function setClientForTesting(api: KmsApi | undefined): void {
  client = api;
  testClient = api !== undefined;
}

/** Per-call lines are opt-in: the engine shows them in the update's output. */
function clientOptions(urn?: string): KmsClientOptions {
  const debug = process.env[DEBUG_ENV]
    ? (message: string) => {
        debugLine(urn, message);
      }
    : () => undefined;
  return { logger: { debug } };
}

function kms(): KmsApi {
  clientConfig ??= resolveKmsConfig({ stackConfig, env: process.env });
  client ??= new KmsClient(clientConfig, clientOptions());
  return client;
}

/**
 * The client for one resource's operation: bounded by its `customTimeouts` when it sets one, and
 * logging under its URN when debug lines are on and the SDK forwarded it.
 */
function kmsFor(operation: TimedOperation | "read", props: Props): KmsApi {
  const ms = operation === "read" ? undefined : readTimeouts(props)[operation];
  const urn = process.env[DEBUG_ENV] ? readUrn(props) : undefined;
  const shared = kms();
  if ((ms === undefined && urn === undefined) || testClient || clientConfig === undefined) return shared;
  if (ms === undefined) return new KmsClient(clientConfig, clientOptions(urn));
  const limit = `customTimeouts.${operation} of ${describeTimeout(ms)}`;
  return new KmsClient(clientConfig, {
    ...clientOptions(urn),
    deadline: {
      at: Date.now() + ms,
      description: limit,
      advice: `The resource's ${limit} ran out before KMS finished: raise it, or run the update again (it picks up where KMS is).`,
    },
  });
}

// The dynamic-provider host prints every error that check, read and delete return on stderr, as
// "<error>: <stack>", before handing it to the engine, which shows it again: the user would read
// each failure twice. Those exact lines are dropped; everything else on stderr passes.
const hostEchoes = new Set<string>();
let echoFilterInstalled = false;

function suppressHostEcho(err: Error): void {
  hostEchoes.add(`${err.toString()}: ${err.stack ?? ""}`);
  if (echoFilterInstalled) return;
  echoFilterInstalled = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && hostEchoes.delete(args[0])) return;
    print(...args);
  };
}

/**
 * An error the engine shows as one line: the engine prints a provider error's stack, and a stack
 * trace tells a user nothing about a KMS refusal.
 */
function userFacing(e: unknown, suffix = ""): Error {
  const message = (e instanceof Error ? e.message : String(e)) + suffix;
  const err = new Error(message);
  err.stack = message;
  return err;
}

/** A user-facing error from a method whose failures the host also prints (check, read, delete). */
function echoedOnce(e: unknown, suffix = ""): Error {
  const err = userFacing(e, suffix);
  suppressHostEcho(err);
  return err;
}

function withProvider(props: Props, from: Props): Props {
  return { ...props, [PROVIDER_KEY]: from[PROVIDER_KEY] };
}

/** The forwarded options the resource records, so that update and delete see them later. */
function recordedOptions(from: Props): Props {
  const out: Props = {};
  for (const key of RECORDED_OPTIONS) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/**
 * Rethrows a failure so that the engine records what KMS holds now: after partial progress the
 * error carries the resource id and its properties (a partial failure), otherwise the message only.
 */
function fail(e: unknown, id: string, inputs: Props): never {
  if (isRotationProgressError(e)) {
    const err = userFacing(e.cause) as Error & { id: string; properties: Props; reasons: string[] };
    err.id = id;
    err.properties = withProvider({ ...e.reached, ...recordedOptions(inputs) }, inputs);
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
    lastRotationTime: props.lastRotationTime,
    ...normalized,
    numberOfRotations: typeof props.numberOfRotations === "number" ? props.numberOfRotations : 0,
  });
}

/**
 * What a preview checks so that it fails where `up` would: settings for any resource that will
 * call KMS, and for a create, the key itself (see previewCreateKeyRotation). Unchanged resources
 * cost nothing.
 */
async function previewCheck(olds: Props, inputs: Props): Promise<void> {
  if (Object.values(inputs).some(isUnknown)) return;
  const creating = olds.keyId === undefined || olds.keyId !== inputs.keyId;
  if (!creating && !diffKeyRotation(olds, inputs).changes) return;
  const api = kmsFor("read", inputs);
  if (creating) await previewCreateKeyRotation(api, parseInputs(inputs));
}

export async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkKeyRotationInputs(news, { isUnknown });
  Object.assign(inputs, recordedOptions(news));
  if (typeof inputs.keyId === "string" && !isUnknown(inputs.keyId)) declaredKeys.add(inputs.keyId);
  if (failures.length === 0 && isPreview(news)) {
    try {
      await previewCheck(olds, inputs);
    } catch (e) {
      throw echoedOnce(e);
    }
  }
  return { inputs: withProvider(inputs, news), failures };
}

export function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const d = diffKeyRotation(olds, news);
  // The engine applies `replaceOnChanges` only to providers that name changed properties, which
  // the dynamic-provider host never does: the SDK forwards the option and it is applied here.
  const replaceOnChanges = readReplaceOnChanges(news).filter((p) => d.updates.includes(p));
  return Promise.resolve({ changes: d.changes, replaces: [...d.replaces, ...replaceOnChanges], deleteBeforeReplace: false });
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const desired = parseInputs(inputs);
  const options = keyRotationOptionsSchema.parse({ adopt: inputs.adopt });
  try {
    const outs = await createKeyRotation(kmsFor("create", inputs), desired, options);
    return { id: desired.keyId, outs: { ...outs, ...recordedOptions(inputs) } };
  } catch (e) {
    return fail(e, desired.keyId, inputs);
  }
}

export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  try {
    const recorded = checkKeyRotationInputs(props).inputs as Partial<KeyRotationInputs>;
    const result = await readKeyRotation(kmsFor("read", props), id, recorded);
    if (!result) return { id: "" };
    const options = recordedOptions(props);
    return { id, props: { ...result.outputs, ...options }, inputs: { ...result.inputs, ...options } };
  } catch (e) {
    throw echoedOnce(e);
  }
}

export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  try {
    const outs = await updateKeyRotation(kmsFor("update", news), parseOutputs(olds), parseInputs(news));
    return { outs: { ...outs, ...recordedOptions(news) } };
  } catch (e) {
    return fail(e, id, news);
  }
}

/** What a user can do when a delete keeps failing and the key should be let go as it is. */
const WAYS_OUT =
  " To remove the resource from the stack without changing KMS, run `pulumi state delete <urn>`, or set the resource option retainOnDelete: true, run `pulumi up`, then remove it.";

async function remove(_id: string, props: Props): Promise<void> {
  const recorded = parseOutputs(props);
  if (declaredKeys.has(recorded.keyId)) return;
  try {
    await deleteKeyRotation(kmsFor("delete", props), recorded);
  } catch (e) {
    throw echoedOnce(e, WAYS_OUT);
  }
}

// `delete` is a reserved word: it can only be an export name. The engine calls provider.delete.
export { remove as delete };
