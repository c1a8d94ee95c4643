// The engine's calls on a KeyRotation (check, diff, create, read, update, delete, with untyped
// properties) turned into the resource logic and back, the same for every vehicle: normalized
// inputs, preview unknowns, one-line errors and partial failures. A vehicle adds only what is
// its own (how it learns of a preview, timeouts and URNs; the shapes it answers in).
import { diffKeyRotation } from "../resources/key-rotation/diff.js";
import {
  checkKeyRotationInputs,
  keyRotationInputsSchema,
  keyRotationOptionsSchema,
  keyRotationOutputsSchema,
  type KeyRotationInputs,
  type KeyRotationOutputs,
} from "../resources/key-rotation/schemas.js";
import {
  createKeyRotation,
  deleteKeyRotation,
  RotationProgressError,
  previewCreateKeyRotation,
  importKeyRotation,
  readKeyRotation,
  updateKeyRotation,
} from "../resources/key-rotation/lifecycle.js";
import { duplicateKeyMessage, nameOfUrn } from "../resources/key-rotation/one-owner.js";
import { oneLineError, PartialFailure } from "./engine-errors.js";
import type { CheckFailure } from "./resource-spec.js";
import type { KmsSession } from "./kms-session.js";

type Props = Readonly<Record<string, unknown>>;

/** The engine's marker for a value not known until apply (previews), in any vehicle's properties. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** What a vehicle knows about the call beyond its properties. */
export interface CallContext {
  /** The engine is previewing (no write may happen). */
  preview?: boolean;
  /** The resource's bound for this operation (customTimeouts), in milliseconds. */
  timeoutMs?: number;
  /** The resource's URN, for debug lines. */
  urn?: string;
}

/** What a delete can do about a key it cannot change, when it should be let go as it is. */
const WAYS_OUT =
  " To remove the resource from the stack without changing KMS, run `pulumi state delete <urn>`, or set the resource option retainOnDelete: true, run `pulumi up`, then remove it.";

export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  /** Properties changed in place. */
  updates: string[];
}

export interface ReadResult {
  id: string;
  outputs: KeyRotationOutputs;
  inputs: KeyRotationInputs;
}

function parseInputs(news: Props): KeyRotationInputs {
  // The schema keeps the declared inputs and drops management options such as `adopt`.
  return keyRotationInputsSchema.parse(checkKeyRotationInputs(news).inputs);
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

/** Rethrows a failure of a change: a partial failure after progress, a one-line error otherwise. */
function failure(e: unknown, id: string): Error {
  if (RotationProgressError.isInstance(e)) return new PartialFailure(oneLineError(e.cause).message, id, { ...e.reached });
  return oneLineError(e);
}

/**
 * The KeyRotation calls of one provider process. It remembers the keys that the resources of
 * this run declare: the engine checks every resource of the program before it deletes anything,
 * and one process serves the whole run, so a delete whose key is declared belongs to a resource
 * that was renamed, replaced or handed its key to another resource. The key's rotation is now the
 * surviving resource's, and the delete must not turn it off.
 */
export class KeyRotationHandler {
  private readonly declaredKeys = new Set<string>();
  /** Key → URN of the resource that declared it first in this run (when the vehicle knows URNs). */
  private readonly owners = new Map<string, string>();

  constructor(private readonly session: KmsSession) {}

  /**
   * Normalizes inputs (one failure per bad property). In a preview, a resource that will call KMS
   * resolves the settings, and a create reads its key once, so the preview fails where `up` would.
   */
  async check(olds: Props, news: Props, ctx: CallContext = {}): Promise<CheckResult> {
    const { inputs, failures } = checkKeyRotationInputs(news, { isUnknown });
    if (typeof inputs.keyId === "string" && !isUnknown(inputs.keyId)) {
      this.declaredKeys.add(inputs.keyId);
      const duplicate = this.claim(inputs.keyId, ctx.urn);
      if (duplicate !== undefined) failures.push({ property: "keyId", reason: duplicate });
    }
    if (failures.length === 0 && ctx.preview === true) await this.preview(olds, inputs, ctx);
    return { inputs, failures };
  }

  /**
   * One key, one resource: a second resource of this run declaring a key fails its check, naming
   * both. Vehicles that know URNs get this here; the dynamic provider's SDK refuses it earlier.
   */
  private claim(keyId: string, urn: string | undefined): string | undefined {
    if (urn === undefined) return undefined;
    const owner = this.owners.get(keyId);
    if (owner === undefined || owner === urn) {
      this.owners.set(keyId, urn);
      return undefined;
    }
    return duplicateKeyMessage(keyId, [nameOfUrn(owner), nameOfUrn(urn)]);
  }

  /**
   * What a preview checks so that it fails where `up` would: the settings for any resource that
   * will call KMS, and for a create, the key itself (one describe-key). Unchanged resources cost
   * nothing. Vehicles that learn of a preview only in check run it there; others in a preview create/update.
   */
  async preview(olds: Props, inputs: Props, ctx: CallContext = {}): Promise<void> {
    if (Object.values(inputs).some(isUnknown)) return;
    const creating = olds.keyId === undefined || olds.keyId !== inputs.keyId;
    if (!creating && !diffKeyRotation(olds, inputs).changes) return;
    try {
      const api = this.session.forCall({ operation: "read", ...(ctx.urn === undefined ? {} : { urn: ctx.urn }) });
      if (creating) await previewCreateKeyRotation(api, parseInputs(inputs));
    } catch (e) {
      throw oneLineError(e);
    }
  }

  /** Which inputs changed; `replaceOnChanges` turns in-place changes of the properties it names into replacements. */
  diff(olds: Props, news: Props, replaceOnChanges: readonly string[] = []): DiffResult {
    const d = diffKeyRotation(olds, news);
    const replaces = [...d.replaces, ...d.updates.filter((p) => replaceOnChanges.includes(p))];
    return { changes: d.changes, replaces, updates: d.updates.filter((p) => !replaces.includes(p)) };
  }

  async create(inputs: Props, ctx: CallContext = {}): Promise<{ id: string; outputs: KeyRotationOutputs }> {
    const desired = parseInputs(inputs);
    const options = keyRotationOptionsSchema.parse({ adopt: inputs.adopt });
    try {
      return { id: desired.keyId, outputs: await createKeyRotation(this.client("create", ctx), desired, options) };
    } catch (e) {
      throw failure(e, desired.keyId);
    }
  }

  /** The live rotation, or undefined when the key is gone (the engine drops the resource). */
  async read(id: string, props: Props, ctx: CallContext = {}): Promise<ReadResult | undefined> {
    try {
      const recorded = checkKeyRotationInputs(props).inputs as Partial<KeyRotationInputs>;
      // An import is a read with nothing recorded: it also checks that the key can be managed.
      const result =
        recorded.keyId === undefined
          ? await importKeyRotation(this.client("read", ctx), id)
          : await readKeyRotation(this.client("read", ctx), id, recorded);
      return result && { id, outputs: result.outputs, inputs: result.inputs };
    } catch (e) {
      throw oneLineError(e);
    }
  }

  async update(id: string, olds: Props, news: Props, ctx: CallContext = {}): Promise<KeyRotationOutputs> {
    try {
      return await updateKeyRotation(this.client("update", ctx), parseOutputs(olds), parseInputs(news));
    } catch (e) {
      throw failure(e, id);
    }
  }

  async delete(props: Props, ctx: CallContext = {}): Promise<void> {
    const recorded = parseOutputs(props);
    if (this.declaredKeys.has(recorded.keyId)) return;
    try {
      await deleteKeyRotation(this.client("delete", ctx), recorded);
    } catch (e) {
      throw oneLineError(e, WAYS_OUT);
    }
  }

  private client(operation: "create" | "read" | "update" | "delete", ctx: CallContext) {
    return this.session.forCall({
      operation,
      ...(ctx.timeoutMs === undefined ? {} : { timeoutMs: ctx.timeoutMs }),
      ...(ctx.urn === undefined ? {} : { urn: ctx.urn }),
    });
  }
}
