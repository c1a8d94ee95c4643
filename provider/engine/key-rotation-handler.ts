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
  RotationProgressError,
  previewCreateKeyRotation,
  importKeyRotation,
  readKeyRotation,
  updateKeyRotation,
} from "../resources/key-rotation/lifecycle.js";
import { duplicateKeyMessage, nameOfUrn } from "../resources/key-rotation/one-owner.js";
import { claimTagValue, stackIdentityOfUrn } from "../resources/key-rotation/claim.js";
import {
  createClaimedRotation,
  deleteClaimedRotation,
  importClaimedRotation,
  previewClaim,
  readClaimedRotation,
  updateClaimedRotation,
  withClaim,
} from "../resources/key-rotation/claim-lifecycle.js";
import { KmsConfigError } from "../config/kms-config.js";
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
  /** The resource's URN, for debug lines (and, where no `stack` is given, the stack's identity). */
  urn?: string;
  /** The stack's identity, `<project>/<stack>`, where the vehicle learns it other than from a URN. */
  stack?: string;
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
    ...(typeof props.claimedBy === "string" ? { claimedBy: props.claimedBy } : {}),
  });
}

/** The claim recorded in `props`, if any. */
function recordedClaim(props: Props): string | undefined {
  return typeof props.claimedBy === "string" ? props.claimedBy : undefined;
}

/**
 * Rethrows a failure of a change: a partial failure after progress, a one-line error otherwise.
 * `claim` is the claim the resource still holds when the failure's record has none.
 */
function failure(e: unknown, id: string, claim?: string): Error {
  if (RotationProgressError.isInstance(e)) {
    const reached = e.reached.claimedBy === undefined ? withClaim(e.reached, claim) : e.reached;
    return new PartialFailure(oneLineError(e.cause).message, id, { ...reached });
  }
  return oneLineError(e);
}

/** The stack's identity a call carries: given by the vehicle, or read from the URN. */
function identityOf(ctx: CallContext): string | undefined {
  return ctx.stack ?? (ctx.urn === undefined ? undefined : stackIdentityOfUrn(ctx.urn));
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
    try {
      const claimant = this.claimant(ctx);
      // A resource about to take its key's claim (a create, or one that does not hold it) reads it once.
      const claiming = claimant !== undefined && (creating || recordedClaim(olds) !== claimTagValue(claimant));
      if (!creating && !claiming && !diffKeyRotation(olds, inputs).changes) return;
      const api = this.session.forCall({ operation: "read", ...(ctx.urn === undefined ? {} : { urn: ctx.urn }) });
      const desired = parseInputs(inputs);
      if (creating) await previewCreateKeyRotation(api, desired);
      if (claiming) await previewClaim(api, desired.keyId, claimant);
    } catch (e) {
      throw oneLineError(e);
    }
  }

  /**
   * The identity this resource claims its key for, when claims are on; undefined when they are off.
   * Claims need the stack's identity: a vehicle that cannot tell it fails here, before any call.
   */
  private claimant(ctx: CallContext): string | undefined {
    if (!this.session.claimKeys()) return undefined;
    const identity = identityOf(ctx);
    if (identity === undefined) {
      throw new KmsConfigError(
        "claimKeys",
        "claimKeys is on, but the stack this resource belongs to is unknown here: set huaweicloud-kms:claimKeys in the stack config (or HW_KMS_CLAIM_KEYS in the environment of the pulumi command), where the program sees it too.",
      );
    }
    return identity;
  }

  /**
   * Which inputs changed; `replaceOnChanges` turns in-place changes of the properties it names into
   * replacements. With claims on, a resource that does not hold its key's claim (claims just turned
   * on, an import, a claim a refresh found taken) is an update of `claimedBy`: the update takes the
   * claim, or refuses a key another stack holds.
   */
  diff(olds: Props, news: Props, replaceOnChanges: readonly string[] = [], ctx: CallContext = {}): DiffResult {
    const d = diffKeyRotation(olds, news);
    const replaces = [...d.replaces, ...d.updates.filter((p) => replaceOnChanges.includes(p))];
    const updates = d.updates.filter((p) => !replaces.includes(p));
    // The engine's own diffs (a refresh's) may come without a URN; they never take a claim.
    const claimant = replaces.length === 0 && this.session.claimKeys() ? identityOf(ctx) : undefined;
    if (claimant !== undefined && recordedClaim(olds) !== claimTagValue(claimant)) {
      return { changes: true, replaces, updates: [...updates, "claimedBy"] };
    }
    return { changes: d.changes, replaces, updates };
  }

  async create(inputs: Props, ctx: CallContext = {}): Promise<{ id: string; outputs: KeyRotationOutputs }> {
    const desired = parseInputs(inputs);
    const options = keyRotationOptionsSchema.parse({ adopt: inputs.adopt });
    try {
      const claimant = this.claimant(ctx);
      const api = this.client("create", ctx);
      const outputs =
        claimant === undefined ? await createKeyRotation(api, desired, options) : await createClaimedRotation(api, desired, options, claimant);
      return { id: desired.keyId, outputs };
    } catch (e) {
      throw failure(e, desired.keyId);
    }
  }

  /** The live rotation, or undefined when the key is gone (the engine drops the resource). */
  async read(id: string, props: Props, ctx: CallContext = {}): Promise<ReadResult | undefined> {
    try {
      const recorded = checkKeyRotationInputs(props).inputs as Partial<KeyRotationInputs>;
      const api = this.client("read", ctx);
      const claims = this.session.claimKeys();
      let result;
      if (recorded.keyId === undefined) {
        // An import is a read with nothing recorded: it also checks that the key can be managed,
        // and with claims on, records who claims it.
        result = claims ? await importClaimedRotation(api, id) : await importKeyRotation(api, id);
      } else if (claims) {
        // A refresh with claims on also records who claims the key now.
        result = await readClaimedRotation(api, id, recorded);
      } else {
        result = await readKeyRotation(api, id, recorded);
        if (result) result = { ...result, outputs: withClaim(result.outputs, recordedClaim(props)) };
      }
      return result && { id, outputs: result.outputs, inputs: result.inputs };
    } catch (e) {
      throw oneLineError(e);
    }
  }

  async update(id: string, olds: Props, news: Props, ctx: CallContext = {}): Promise<KeyRotationOutputs> {
    let held = recordedClaim(olds);
    try {
      const claimant = this.claimant(ctx);
      const recorded = parseOutputs(olds);
      const api = this.client("update", ctx);
      if (claimant === undefined) return withClaim(await updateKeyRotation(api, recorded, parseInputs(news)), held);
      // A claim recorded for another identity is not this resource's to keep on a failure.
      if (held !== claimTagValue(claimant)) held = undefined;
      return await updateClaimedRotation(api, recorded, parseInputs(news), claimant);
    } catch (e) {
      throw failure(e, id, held);
    }
  }

  async delete(props: Props, ctx: CallContext = {}): Promise<void> {
    const recorded = parseOutputs(props);
    if (this.declaredKeys.has(recorded.keyId)) return;
    try {
      await deleteClaimedRotation(this.client("delete", ctx), recorded, identityOf(ctx));
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
