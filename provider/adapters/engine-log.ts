// Debug lines for the engine, attributed to the resource they are about. A provider's stderr is
// shown under the stack; the engine's Log service shows a line under the resource whose URN it
// names. Both vehicles are started with the engine's address as their first argument; the plugin
// gets each call's URN from the engine, the dynamic provider from the SDK while PULUMI_KMS_DEBUG is
// set (see dynamic/forwarded-options.ts).
// Static imports, so that the standalone plugin's bundle holds them; @grpc/grpc-js is the same
// copy as @pulumi/pulumi's (package.json asks for it with the SDK's own range, so npm dedupes it).
import * as grpc from "@grpc/grpc-js";
import * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as EnginePb from "@pulumi/pulumi/proto/engine_pb";

interface EngineLog {
  client: EngineGrpc.EngineClient;
  pb: typeof EnginePb;
}

let engine: EngineLog | null | undefined;
let sending: Promise<void> = Promise.resolve();

let engineAddress: string | undefined = process.argv[2];

/** Points the log at another engine (a plugin provider attached to by the engine). */
export function setEngineAddress(address: string): void {
  engineAddress = address;
  engine = undefined;
}

/** The engine's Log client, or null when this process has no engine address. */
function engineLog(): EngineLog | null {
  if (engine !== undefined) return engine;
  const address = engineAddress;
  if (address === undefined || address === "") return (engine = null);
  engine = { client: new EngineGrpc.EngineClient(address, grpc.credentials.createInsecure()), pb: EnginePb };
  return engine;
}

/** Writes a debug line under the resource `urn`, or on stderr (under the stack) when it cannot. */
export function debugLine(urn: string | undefined, message: string): void {
  const log = urn === undefined ? null : engineLog();
  if (log === null || urn === undefined) {
    process.stderr.write(`${message}\n`);
    return;
  }
  const req = new log.pb.LogRequest().setSeverity(log.pb.LogSeverity.INFO).setUrn(urn).setMessage(message);
  // One at a time: concurrent calls may reach the engine in any order, and lines must read in the
  // order the calls were made.
  sending = sending.then(
    () =>
      new Promise<void>((resolve) => {
        log.client.log(req, (err) => {
          if (err) process.stderr.write(`${message}\n`);
          resolve();
        });
      }),
  );
}

/** Resolves once every line written so far has reached the engine (call before answering it). */
export function debugLinesSent(): Promise<void> {
  return sending;
}
