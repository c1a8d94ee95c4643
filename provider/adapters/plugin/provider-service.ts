// The plugin provider: Pulumi's ResourceProvider gRPC service on top of the engine layer. It
// implements what the stock Node.js server leaves out: CheckConfig, DiffConfig and Configure with
// the provider's own settings (stack config `huaweicloud-kms:*`, secrets included, or an explicit
// provider resource's arguments, then the environment), previews of creates and updates, each
// call's URN and timeout, detailed diffs, and partial failures the engine records; and Invoke for
// the provider's functions (listKeys, getKeyRotation) with the same settings. After a failed run,
// it answers Cancel once the user's program has exited (program-exit.ts), so that a refusal reads as
// its own line, not as the traceback of a program interrupted on its way out.
import type { ServerUnaryCall, sendUnaryData, ServiceError, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PartialFailure } from "../../engine/engine-errors.js";
import { FunctionHandler } from "../../engine/function-handler.js";
import { KeyRotationHandler, UNKNOWN, type CallContext } from "../../engine/key-rotation-handler.js";
import { KmsSession } from "../../engine/kms-session.js";
import { keyRotationSpec } from "../../resources/key-rotation/spec.js";
import { debugLine, debugLinesSent, setEngineAddress } from "../engine-log.js";
import { changedSettings, checkConfig, explicitSettings } from "./plugin-config.js";
import { containsSecrets, plainProperties, secret } from "./property-values.js";
import { waitForProgramExit } from "./program-exit.js";
import type { PulumiGrpc } from "./pulumi-grpc.js";

type Props = Record<string, unknown>;
type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

const DEBUG_ENV = "PULUMI_KMS_DEBUG";
/**
 * How long Cancel may wait for the program after a failure: the engine allows all plugins' Cancel
 * answers 5 s together, and a Python program here exits 0.2-0.4 s after the engine stops.
 */
const PROGRAM_EXIT_WAIT_MS = 4000;

export interface PluginOptions {
  version: string;
  /** The package schema (schema.json) as text. */
  schema: string;
  env: Record<string, string | undefined>;
}

function toJs(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {});
}

/** The service implementation, keyed by gRPC method name. */
export function providerService(pb: PulumiGrpc, options: PluginOptions): UntypedServiceImplementation {
  const { provider: p, struct, empty, grpc } = pb;
  let settings: Props = {};
  /** This process has failed or refused a call: the engine stops the run without waiting for the program. */
  let failedCall = false;
  const session = new KmsSession({
    sources: () => ({ explicit: explicitSettings(settings), env: options.env }),
    debugLines: () => (options.env[DEBUG_ENV] ? debugLine : undefined),
  });
  const rotations = new KeyRotationHandler(session);
  const functions = new FunctionHandler(session);

  const fromStruct = (s: Struct | undefined): Props => plainProperties(toJs(s));
  const toStruct = (props: Props): Struct => struct.Struct.fromJavaScript(props as Parameters<typeof struct.Struct.fromJavaScript>[0]);

  /** A one-line error, or a partial failure with what exists, as the engine reads them. */
  function failure(e: unknown): ServiceError {
    const message = e instanceof Error ? e.message : String(e);
    const metadata = new grpc.Metadata();
    if (PartialFailure.isInstance(e)) {
      const detail = new p.ErrorResourceInitFailed();
      detail.setId(e.id);
      detail.setProperties(toStruct(e.properties));
      detail.setReasonsList([message]);
      const any = new pb.any.Any();
      any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
      const status = new pb.status.Status();
      status.setCode(grpc.status.UNKNOWN);
      status.setMessage(message);
      status.addDetails(any);
      metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata });
  }

  /** Runs an async handler body and answers the call with its value or its failure. */
  function unary<Req, Res>(body: (req: Req) => Promise<Res> | Res): Handler<Req, Res> {
    return (call, callback) => {
      // The call's debug lines reach the engine before its answer does.
      Promise.resolve()
        .then(() => body(call.request))
        .then(
          async (res) => {
            await debugLinesSent();
            callback(null, res);
          },
          async (e: unknown) => {
            failedCall = true;
            await debugLinesSent();
            callback(failure(e));
          },
        );
    };
  }

  function context(urn: string, timeoutSeconds: number, preview = false): CallContext {
    const ctx: CallContext = { preview, urn };
    if (timeoutSeconds > 0) ctx.timeoutMs = Math.round(timeoutSeconds * 1000);
    return ctx;
  }

  function checkFailures(failures: readonly { property: string; reason: string }[]) {
    return failures.map((f) => {
      const cf = new p.CheckFailure();
      cf.setProperty(f.property);
      cf.setReason(f.reason);
      return cf;
    });
  }

  function checkResponse(inputs: Props, failures: { property: string; reason: string }[]) {
    if (failures.length > 0) failedCall = true;
    const res = new p.CheckResponse();
    res.setInputs(toStruct(inputs));
    res.setFailuresList(checkFailures(failures));
    return res;
  }

  /** What a preview shows for a resource about to exist: its inputs, the outputs KMS will report unknown. */
  function previewOutputs(inputs: Props): Props {
    const out: Props = { ...inputs };
    for (const [name, spec] of Object.entries(keyRotationSpec.properties)) if (spec.kind === "output") out[name] = UNKNOWN;
    delete out.adopt;
    return out;
  }

  const service = {
    getPluginInfo: unary(() => {
      const info = new pb.plugin.PluginInfo();
      info.setVersion(options.version);
      return info;
    }),
    getSchema: unary((req: InstanceType<typeof p.GetSchemaRequest>) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      const res = new p.GetSchemaResponse();
      res.setSchema(options.schema);
      return res;
    }),
    attach: unary((req: InstanceType<typeof pb.plugin.PluginAttach>) => {
      setEngineAddress(req.getAddress());
      return new empty.Empty();
    }),
    cancel: unary(async () => {
      // The engine interrupts the language host once every provider has answered and exited: a
      // program still ending would die of it, printing its stack around the failure's one line.
      if (failedCall) await waitForProgramExit(process.ppid, PROGRAM_EXIT_WAIT_MS);
      return new empty.Empty();
    }),
    checkConfig: unary((req: InstanceType<typeof p.CheckRequest>) => {
      const news = toJs(req.getNews());
      // Inputs go back as given: secret settings stay wrapped, so the engine keeps them encrypted.
      return checkResponse(news, checkConfig(news, options.env));
    }),
    diffConfig: unary((req: InstanceType<typeof p.DiffRequest>) => {
      const changed = changedSettings(toJs(req.getOlds()), toJs(req.getNews()));
      const res = new p.DiffResponse();
      // A new endpoint or credentials reach the same keys: nothing is replaced.
      res.setChanges(changed.length > 0 ? p.DiffResponse.DiffChanges.DIFF_SOME : p.DiffResponse.DiffChanges.DIFF_NONE);
      res.setDiffsList(changed);
      return res;
    }),
    configure: unary((req: InstanceType<typeof p.ConfigureRequest>) => {
      settings = toJs(req.getArgs());
      session.reset();
      const res = new p.ConfigureResponse();
      res.setAcceptsecrets(true);
      res.setSupportspreview(true);
      return res;
    }),
    check: unary(async (req: InstanceType<typeof p.CheckRequest>) => {
      const { inputs, failures } = await rotations.check(fromStruct(req.getOlds()), fromStruct(req.getNews()), { urn: req.getUrn() });
      return checkResponse(inputs, failures);
    }),
    diff: unary((req: InstanceType<typeof p.DiffRequest>) => {
      const d = rotations.diff(fromStruct(req.getOlds()), fromStruct(req.getNews()), [], { urn: req.getUrn() });
      const res = new p.DiffResponse();
      res.setChanges(d.changes ? p.DiffResponse.DiffChanges.DIFF_SOME : p.DiffResponse.DiffChanges.DIFF_NONE);
      res.setReplacesList(d.replaces);
      res.setDiffsList([...d.replaces, ...d.updates]);
      const detailed = res.getDetaileddiffMap();
      for (const [names, kind] of [
        [d.replaces, p.PropertyDiff.Kind.UPDATE_REPLACE],
        [d.updates, p.PropertyDiff.Kind.UPDATE],
      ] as const) {
        for (const name of names) {
          const pd = new p.PropertyDiff();
          pd.setKind(kind);
          // claimedBy is an output: its change is the claim an update takes, not an input edit.
          pd.setInputdiff(name !== "claimedBy");
          detailed.set(name, pd);
        }
      }
      res.setHasdetaileddiff(true);
      return res;
    }),
    create: unary(async (req: InstanceType<typeof p.CreateRequest>) => {
      const inputs = fromStruct(req.getProperties());
      const ctx = context(req.getUrn(), req.getTimeout(), req.getPreview());
      const res = new p.CreateResponse();
      if (req.getPreview()) {
        await rotations.preview({}, inputs, ctx);
        res.setProperties(toStruct(previewOutputs(inputs)));
        return res;
      }
      const { id, outputs } = await rotations.create(inputs, ctx);
      res.setId(id);
      res.setProperties(toStruct(outputs));
      return res;
    }),
    read: unary(async (req: InstanceType<typeof p.ReadRequest>) => {
      const recorded = { ...fromStruct(req.getInputs()), ...fromStruct(req.getProperties()) };
      const result = await rotations.read(req.getId(), recorded, context(req.getUrn(), 0));
      const res = new p.ReadResponse();
      if (!result) return res;
      res.setId(result.id);
      res.setProperties(toStruct(result.outputs));
      res.setInputs(toStruct(result.inputs));
      return res;
    }),
    update: unary(async (req: InstanceType<typeof p.UpdateRequest>) => {
      const olds = fromStruct(req.getOlds());
      const news = fromStruct(req.getNews());
      const ctx = context(req.getUrn(), req.getTimeout(), req.getPreview());
      const res = new p.UpdateResponse();
      if (req.getPreview()) {
        await rotations.preview(olds, news, ctx);
        res.setProperties(toStruct({ ...olds, ...news }));
        return res;
      }
      res.setProperties(toStruct(await rotations.update(req.getId(), olds, news, ctx)));
      return res;
    }),
    invoke: unary(async (req: InstanceType<typeof p.InvokeRequest>) => {
      const raw = toJs(req.getArgs());
      const outcome = await functions.invoke(req.getTok(), plainProperties(raw));
      const res = new p.InvokeResponse();
      if (!("result" in outcome)) {
        // Refused arguments: the program's SDK names each one ("Invoke of '<tok>' failed: ...").
        res.setFailuresList(checkFailures(outcome.failures));
        return res;
      }
      // A result computed from a secret argument is as secret as the argument (the engine does
      // this itself only for providers that do not accept secrets; this one does).
      const result = containsSecrets(raw)
        ? Object.fromEntries(Object.entries(outcome.result).map(([k, v]) => [k, secret(v)]))
        : outcome.result;
      res.setReturn(toStruct(result));
      return res;
    }),
    delete: unary(async (req: InstanceType<typeof p.DeleteRequest>) => {
      await rotations.delete(fromStruct(req.getProperties()), context(req.getUrn(), req.getTimeout()));
      return new empty.Empty();
    }),
  };
  return service;
}
