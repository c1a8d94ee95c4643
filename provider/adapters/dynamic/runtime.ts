// The dynamic provider's implementation, run inside the engine's dynamic-provider process. Its
// exports are the provider (configure, check, diff, create, read, update, delete): the state
// only names this module (see provider-shell.ts), so none of it and no credential is serialized.
// The work is the engine layer's (engine/key-rotation-handler.ts); this adapter adds what only
// the dynamic provider needs: options the SDK forwards as hidden inputs, `__provider`, and the
// shapes the dynamic-provider host reads.
import "../../platform/node-version.js"; // first: fail on too old a Node.js before undici loads
import type * as pulumi from "@pulumi/pulumi";
import { PartialFailure } from "../../engine/engine-errors.js";
import { KeyRotationHandler, type CallContext } from "../../engine/key-rotation-handler.js";
import { KmsSession, type KmsApi } from "../../engine/kms-session.js";
import {
  DEBUG_ENV,
  FORWARDED,
  isPreview,
  readReplaceOnChanges,
  readStack,
  readTimeouts,
  readUrn,
  type TimedOperation,
} from "./forwarded-options.js";
import { debugLine, debugLinesSent } from "../engine-log.js";
import { suppressHostEcho } from "./host-echo.js";

type Props = Record<string, unknown>;

const PROVIDER_KEY = "__provider";

/** Options the SDK forwards that the engine must record with the resource (see forwarded-options.ts). */
const RECORDED_OPTIONS = [FORWARDED.timeouts, FORWARDED.replaceOnChanges, FORWARDED.urn, FORWARDED.stack] as const;

let stackConfig: ((key: string) => string | undefined) | undefined;

const session = new KmsSession({
  sources: () => ({ stackConfig, env: process.env }),
  // Per-call lines are opt-in: the engine shows them in the update's output.
  debugLines: () => (process.env[DEBUG_ENV] ? debugLine : undefined),
});
const rotations = new KeyRotationHandler(session);

/** Keeps the stack config reader; credentials are resolved on the first API call, not before. */
export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = (key) => req.config.get(key);
  session.reset();
  return Promise.resolve();
}

/** Replaces the KMS client (tests and benchmarks). */
export function setClientForTesting(api: KmsApi | undefined): void {
  session.replaceClient(api);
}

/** What the forwarded options tell about this call. */
function context(props: Props, operation?: TimedOperation): CallContext {
  const ctx: CallContext = { preview: isPreview(props) };
  const timeoutMs = operation === undefined ? undefined : readTimeouts(props)[operation];
  if (timeoutMs !== undefined) ctx.timeoutMs = timeoutMs;
  const urn = process.env[DEBUG_ENV] ? readUrn(props) : undefined;
  if (urn !== undefined) ctx.urn = urn;
  const stack = readStack(props);
  if (stack !== undefined) ctx.stack = stack;
  return ctx;
}

/** The forwarded options the resource records, so that update and delete see them later. */
function recordedOptions(from: Props): Props {
  const out: Props = {};
  for (const key of RECORDED_OPTIONS) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

function withProvider(props: Props, from: Props): Props {
  return { ...props, [PROVIDER_KEY]: from[PROVIDER_KEY] };
}

/** A failed change as the host reads it: a partial failure carries the id, what exists, and its reason. */
function dynamicFailure(e: unknown, inputs: Props): Error {
  if (!PartialFailure.isInstance(e)) return e instanceof Error ? e : new Error(String(e));
  const err = new Error(e.message) as Error & { id: string; properties: Props; reasons: string[] };
  err.stack = e.message;
  err.id = e.id;
  err.properties = withProvider({ ...e.properties, ...recordedOptions(inputs) }, inputs);
  // The engine reports a partial failure by its reasons alone ("resource init failed" if none).
  err.reasons = [e.message];
  return err;
}

export async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  try {
    const { inputs, failures } = await rotations.check(olds, news, context(news));
    return { inputs: withProvider({ ...inputs, ...recordedOptions(news) }, news), failures };
  } catch (e) {
    throw suppressHostEcho(e);
  } finally {
    await debugLinesSent();
  }
}

export function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  // The engine applies `replaceOnChanges` only to providers that name changed properties, which
  // the dynamic-provider host never does: the SDK forwards the option and it is applied here.
  const d = rotations.diff(olds, news, readReplaceOnChanges(news), context(news));
  return Promise.resolve({ changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false });
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  try {
    const { id, outputs } = await rotations.create(inputs, context(inputs, "create"));
    return { id, outs: { ...outputs, ...recordedOptions(inputs) } };
  } catch (e) {
    throw dynamicFailure(e, inputs);
  } finally {
    await debugLinesSent();
  }
}

export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  try {
    const result = await rotations.read(id, props, context(props));
    if (!result) return { id: "" };
    const options = recordedOptions(props);
    return { id, props: { ...result.outputs, ...options }, inputs: { ...result.inputs, ...options } };
  } catch (e) {
    throw suppressHostEcho(e);
  } finally {
    await debugLinesSent();
  }
}

export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  try {
    return { outs: { ...(await rotations.update(id, olds, news, context(news, "update"))), ...recordedOptions(news) } };
  } catch (e) {
    throw dynamicFailure(e, news);
  } finally {
    await debugLinesSent();
  }
}

async function remove(_id: string, props: Props): Promise<void> {
  try {
    await rotations.delete(props, context(props, "delete"));
  } catch (e) {
    throw suppressHostEcho(e);
  } finally {
    await debugLinesSent();
  }
}

// `delete` is a reserved word: it can only be an export name. The engine calls provider.delete.
export { remove as delete };
