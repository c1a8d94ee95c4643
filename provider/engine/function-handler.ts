// The provider's functions (invokes) the same for every vehicle: the engine's untyped arguments
// checked against each function's declaration (failures naming the argument, as resource checks
// do), the KMS client of the process's session, and one-line errors. The plugin answers Invoke
// with it; the dynamic vehicle's SDK runs it in the program's process.
import { getKeyRotation } from "../functions/get-key-rotation/get-key-rotation.js";
import { getKeyRotationSpec } from "../functions/get-key-rotation/spec.js";
import { listKeys } from "../functions/list-keys/list-keys.js";
import { listKeysSpec } from "../functions/list-keys/spec.js";
import type { FUNCTION_SPECS } from "../functions/specs.js";
import { oneLineError } from "./engine-errors.js";
import { checkFunctionArgs, type FunctionArgs, type FunctionResult, type FunctionSpec } from "./function-spec.js";
import type { KmsApi, KmsSession } from "./kms-session.js";
import type { CheckFailure } from "./resource-spec.js";

type Props = Readonly<Record<string, unknown>>;

/** A function's answer: its result, or why its arguments were refused (no KMS call then). */
export type InvokeOutcome<R = Record<string, unknown>> = { result: R; failures: [] } | { failures: CheckFailure[] };

interface Served {
  spec: FunctionSpec;
  /** `api` is asked for only once the arguments pass: refused arguments need no settings. */
  run(api: () => KmsApi, raw: Props): Promise<InvokeOutcome>;
}

function serve<S extends FunctionSpec>(spec: S, run: (api: KmsApi, args: FunctionArgs<S>) => Promise<FunctionResult<S>>): Served {
  return {
    spec,
    run: async (api, raw) => {
      const checked = checkFunctionArgs(spec, raw);
      if (checked.failures.length > 0 || !("args" in checked)) return { failures: checked.failures };
      return { result: await run(api(), checked.args), failures: [] };
    },
  };
}


const SERVED: ReadonlyMap<string, Served> = new Map(
  [serve(listKeysSpec, listKeys), serve(getKeyRotationSpec, getKeyRotation)].map((s) => [s.spec.token, s]),
);

/** The message a program gets for refused arguments, as @pulumi/pulumi words an Invoke's failures. */
export function failuresMessage(token: string, failures: readonly CheckFailure[]): string {
  return `Invoke of '${token}' failed: ${failures.map((f) => `${f.reason} (${f.property})`).join("; ")}`;
}

export class FunctionHandler {
  constructor(private readonly session: KmsSession) {}

  /**
   * Runs the function `token` with raw arguments. Refused arguments come back as failures before
   * any KMS call or settings lookup; a KMS or settings error is thrown as one line.
   */
  async invoke(token: string, raw: Props): Promise<InvokeOutcome> {
    const served = SERVED.get(token);
    if (served === undefined) {
      throw oneLineError(`unknown function ${token}: huaweicloud-kms has ${[...SERVED.keys()].join(", ")}`);
    }
    try {
      return await served.run(() => this.session.forCall({ operation: "invoke" }), raw);
    } catch (e) {
      throw oneLineError(e);
    }
  }

  /** The typed form of {@link invoke} for a declared function; refused arguments are thrown as one line. */
  async call<S extends (typeof FUNCTION_SPECS)[number]>(spec: S, raw: Props): Promise<FunctionResult<S>> {
    const outcome = await this.invoke(spec.token, raw);
    if (!("result" in outcome)) throw oneLineError(failuresMessage(spec.token, outcome.failures));
    // SERVED runs each declared function with its own implementation, typed by `serve`.
    return outcome.result as FunctionResult<S>;
  }
}
