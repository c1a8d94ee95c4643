// The KeyRotation lifecycle: create, read, update and delete on top of the KMS client.
// Free of Pulumi: the dynamic provider and the plugin provider both adapt these functions.
import { errorMarker, KmsProviderError } from "../../errors/kms-provider-error.js";
import { KmsApiError } from "../../kms/kms-api-error.js";
import { KmsErrorCode } from "../../kms/kms-error-codes.js";
import type { KeyInfo, RotationStatus } from "../../kms/kms-schemas.js";
import type { KeyRotationInputs, KeyRotationOptions, KeyRotationOutputs } from "./schemas.js";
import { planRotationCalls, settingAfter, type RotationCall, type RotationSetting } from "./plan.js";
import { firstWrite, importRefusal, importRefusalMessage, refusalMessage, rotationRefusal } from "./preflight.js";

/** The slice of the KMS client a rotation needs. */
export interface RotationApi {
  getKeyRotationStatus(keyId: string): Promise<RotationStatus>;
  enableKeyRotation(keyId: string): Promise<void>;
  disableKeyRotation(keyId: string): Promise<void>;
  updateKeyRotationInterval(keyId: string, intervalDays: number): Promise<void>;
}

/** The slice of the KMS client a preview needs. */
export interface PreviewApi {
  describeKey(keyId: string): Promise<KeyInfo>;
  getKeyRotationStatus(keyId: string): Promise<RotationStatus>;
}

/** KMS answers meaning "the rotation is not in the state you think": re-read and re-plan. */
const STATE_MISMATCH_CODES: ReadonlySet<string> = new Set([KmsErrorCode.RotationAlreadyEnabled, KmsErrorCode.RotationNotEnabled]);

/** Answers that mean nothing is left to undo when a rotation is deleted. */
const GONE_ON_DELETE_CODES: ReadonlySet<string> = new Set([
  KmsErrorCode.KeyNotFound,
  KmsErrorCode.PendingDeletion,
  KmsErrorCode.RotationNotEnabled, // on a disable: rotation is already off
]);

const progressMarkerName = errorMarker("RotationProgressError");
const progressMarker = Symbol.for(progressMarkerName);
const refusalMarkerName = errorMarker("RotationRefusalError");
const refusalMarker = Symbol.for(refusalMarkerName);
const adoptMarkerName = errorMarker("AdoptMismatchError");
const adoptMarker = Symbol.for(adoptMarkerName);

/**
 * Thrown when some calls of a change succeeded and a later one failed: `reached` is what KMS holds
 * now, so the engine can record it and state and cloud stay in agreement.
 */
export class RotationProgressError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [progressMarker] = true;
  override readonly name = "RotationProgressError";
  constructor(
    readonly reached: KeyRotationOutputs,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }

  /** Whether `error` is a RotationProgressError, from any copy of this package. */
  static override isInstance(error: unknown): error is RotationProgressError {
    return KmsProviderError.hasMarker(error, progressMarkerName);
  }
}

/**
 * Thrown before any write when KMS would refuse what the resource needs: the change a preview's
 * create is about to make, or an import of a key that can never be managed.
 */
export class RotationRefusalError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [refusalMarker] = true;
  override readonly name = "RotationRefusalError";

  /** Whether `error` is a RotationRefusalError, from any copy of this package. */
  static override isInstance(error: unknown): error is RotationRefusalError {
    return KmsProviderError.hasMarker(error, refusalMarkerName);
  }
}

/** Thrown when adopting a key whose live rotation differs from what the program declares. */
export class AdoptMismatchError extends KmsProviderError {
  // Read by isInstance through the global symbol registry.
  private readonly [adoptMarker] = true;
  override readonly name = "AdoptMismatchError";

  /** Whether `error` is an AdoptMismatchError, from any copy of this package. */
  static override isInstance(error: unknown): error is AdoptMismatchError {
    return KmsProviderError.hasMarker(error, adoptMarkerName);
  }
}

function describeSetting(s: RotationSetting): string {
  return s.enabled ? `on, every ${s.intervalDays} days` : "off";
}

function codeOf(e: unknown): string | undefined {
  return KmsApiError.isInstance(e) ? e.code : undefined;
}

function liveSetting(status: RotationStatus): RotationSetting {
  return { enabled: status.enabled, intervalDays: status.intervalDays };
}

/** Sends one planned call. */
export async function sendRotationCall(api: RotationApi, keyId: string, call: RotationCall): Promise<void> {
  switch (call.operation) {
    case "enable-key-rotation":
      return api.enableKeyRotation(keyId);
    case "disable-key-rotation":
      return api.disableKeyRotation(keyId);
    case "update-key-rotation-interval":
      return api.updateKeyRotationInterval(keyId, call.intervalDays);
  }
}

/** Whether a failed call may still have changed KMS, as the client decided it (retry-policy.ts). */
function mayHaveLanded(e: unknown): boolean {
  return KmsApiError.isInstance(e) && e.mayHaveLanded;
}

/**
 * Sends the calls in order. On a failure after progress it reports how far KMS got; when the
 * failed call itself may have landed, it reads KMS once to report what it really holds, so the
 * engine never forgets a change that happened.
 */
async function apply(
  api: RotationApi,
  keyId: string,
  start: RotationSetting,
  calls: readonly RotationCall[],
  record: (reached: RotationSetting, status?: RotationStatus) => KeyRotationOutputs,
): Promise<void> {
  for (const [i, call] of calls.entries()) {
    try {
      await sendRotationCall(api, keyId, call);
    } catch (e) {
      const before = settingAfter(start, calls.slice(0, i));
      if (mayHaveLanded(e)) {
        const status = await api.getKeyRotationStatus(keyId).catch(() => undefined);
        if (status && !sameSetting(liveSetting(status), start)) {
          throw new RotationProgressError(record(liveSetting(status), status), e);
        }
        if (status) throw e;
      }
      if (i === 0) throw e;
      throw new RotationProgressError(record(before), e);
    }
  }
}

function sameSetting(a: RotationSetting, b: RotationSetting): boolean {
  return a.enabled === b.enabled && (!a.enabled || a.intervalDays === b.intervalDays);
}

function outputs(
  inputs: KeyRotationInputs,
  history: { lastRotationTime?: string | undefined; numberOfRotations: number },
): KeyRotationOutputs {
  const out: KeyRotationOutputs = { ...inputs, numberOfRotations: history.numberOfRotations };
  if (history.lastRotationTime !== undefined) out.lastRotationTime = history.lastRotationTime;
  return out;
}

/**
 * Takes the key's rotation to `inputs`: one read, then only the calls needed. A key whose rotation
 * already matches costs the read alone. With `adopt`, a key whose rotation differs is refused
 * and left untouched, as an import would.
 */
export async function createKeyRotation(
  api: RotationApi,
  inputs: KeyRotationInputs,
  options: KeyRotationOptions = {},
): Promise<KeyRotationOutputs> {
  const status = await api.getKeyRotationStatus(inputs.keyId);
  const live = liveSetting(status);
  const calls = planRotationCalls(live, inputs);
  if (options.adopt === true && calls.length > 0) {
    throw new AdoptMismatchError(
      `cannot adopt the rotation of key ${inputs.keyId}: KMS has it ${describeSetting(live)}, the program declares it ` +
        `${describeSetting(inputs)}. Adopting never changes a key: make the program match, or drop \`import\`/\`adopt\` ` +
        "to apply the program's settings.",
    );
  }
  await apply(api, inputs.keyId, live, calls, (reached, now) => outputs({ ...inputs, ...reached }, now ?? status));
  return outputs(inputs, status);
}

/**
 * Sends only what changed, planned from the recorded state (no read). When KMS says the rotation
 * is not in the recorded state (changed outside Pulumi), it reads the live state once and re-plans.
 */
export async function updateKeyRotation(
  api: RotationApi,
  olds: KeyRotationOutputs,
  news: KeyRotationInputs,
): Promise<KeyRotationOutputs> {
  const recorded: RotationSetting = { enabled: olds.enabled, intervalDays: olds.intervalDays };
  const record = (reached: RotationSetting, now?: RotationStatus): KeyRotationOutputs =>
    outputs({ ...news, ...reached }, now ?? olds);
  try {
    await apply(api, news.keyId, recorded, planRotationCalls(recorded, news), record);
    return outputs(news, olds);
  } catch (e) {
    if (!STATE_MISMATCH_CODES.has(codeOf(e) ?? "")) throw e;
  }
  const status = await api.getKeyRotationStatus(news.keyId);
  const live = liveSetting(status);
  await apply(api, news.keyId, live, planRotationCalls(live, news), (reached, now) =>
    outputs({ ...news, ...reached }, now ?? status),
  );
  return outputs(news, status);
}

/**
 * Turns rotation off if the recorded state has it on. A key that is gone, scheduled for deletion,
 * or whose rotation is already off counts as done, and so does a disable whose answer was lost
 * when a read shows rotation off; any other failure keeps the resource.
 */
export async function deleteKeyRotation(api: RotationApi, props: KeyRotationOutputs): Promise<void> {
  if (!props.enabled) return;
  try {
    await api.disableKeyRotation(props.keyId);
  } catch (e) {
    if (GONE_ON_DELETE_CODES.has(codeOf(e) ?? "")) return;
    // The disable may have landed with its answer lost: if rotation is off now, the delete is done.
    if (mayHaveLanded(e)) {
      const status = await api.getKeyRotationStatus(props.keyId).catch(() => undefined);
      if (status?.enabled === false) return;
    }
    throw e;
  }
}

export interface ReadResult {
  outputs: KeyRotationOutputs;
  inputs: KeyRotationInputs;
}

/**
 * Reads the live rotation of `keyId` (refresh and import). Undefined when the key no longer
 * exists, so the engine drops the resource. While rotation is off KMS applies no interval, so the
 * interval recorded (or asked for on import) is kept rather than reported as drift.
 */
export async function readKeyRotation(
  api: Pick<RotationApi, "getKeyRotationStatus">,
  keyId: string,
  recorded?: Partial<KeyRotationInputs>,
): Promise<ReadResult | undefined> {
  let status: RotationStatus;
  try {
    status = await api.getKeyRotationStatus(keyId);
  } catch (e) {
    if (codeOf(e) === KmsErrorCode.KeyNotFound) return undefined;
    throw e;
  }
  const intervalDays =
    !status.enabled && typeof recorded?.intervalDays === "number" ? recorded.intervalDays : status.intervalDays;
  // Declared inputs that KMS does not hold stay as recorded (the check filled in their defaults).
  const inputs: KeyRotationInputs = { ...recorded, keyId, enabled: status.enabled, intervalDays };
  return { inputs, outputs: outputs(inputs, status) };
}

/**
 * Reads an existing key's rotation for `pulumi import`: one describe-key first, because a key that
 * is scheduled for deletion or can never rotate (Default Master Key, imported material,
 * asymmetric) would be a resource that can do nothing, and then the status read that records what
 * KMS holds. Undefined when the key does not exist (the engine then reports the id as not found).
 */
export async function importKeyRotation(api: PreviewApi, keyId: string): Promise<ReadResult | undefined> {
  let key: KeyInfo;
  try {
    key = await api.describeKey(keyId);
  } catch (e) {
    if (codeOf(e) === KmsErrorCode.KeyNotFound) return undefined;
    throw e;
  }
  const refusal = importRefusal(key);
  if (refusal !== undefined) throw new RotationRefusalError(importRefusalMessage(keyId, refusal));
  return readKeyRotation(api, keyId);
}

/**
 * What a preview checks before it shows a create, so that a preview is green only where `up` can
 * succeed: one describe-key says whether the key exists (a missing key fails with the KMS error)
 * and whether KMS would refuse the rotation change the create makes (disabled, pending deletion,
 * Default Master Key, imported material, asymmetric). A second read happens only for a key that
 * refuses changes but already rotates, to learn whether its interval would change.
 */
export async function previewCreateKeyRotation(api: PreviewApi, inputs: KeyRotationInputs): Promise<void> {
  const key = await api.describeKey(inputs.keyId);
  const refusal = rotationRefusal(key);
  if (refusal === undefined) return;
  const live = key.rotationEnabled ?? false;
  let operation = firstWrite(live, inputs.enabled);
  if (operation === undefined && live && inputs.enabled) {
    const status = await api.getKeyRotationStatus(inputs.keyId);
    if (status.intervalDays !== inputs.intervalDays) operation = "update-key-rotation-interval";
  }
  if (operation !== undefined) throw new RotationRefusalError(refusalMessage(inputs.keyId, operation, refusal));
}
