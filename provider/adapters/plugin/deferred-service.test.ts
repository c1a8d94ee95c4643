// The deferred service on a real gRPC server and client: calls made before the implementation is
// loaded are answered once it is, and a method it lacks answers UNIMPLEMENTED, as grpc-js itself
// answers (the engine reads that code as "this provider has no such optional method").
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { afterEach, describe, expect, it } from "vitest";
import { deferredService } from "./deferred-service.js";
import { loadPulumiGrpc } from "./pulumi-grpc.js";

const pb = loadPulumiGrpc();
const { grpc } = pb;
type PluginInfo = InstanceType<typeof pb.plugin.PluginInfo>;

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A server with the deferred ResourceProvider service; `open` lets its implementation load. */
async function serve(): Promise<{ client: InstanceType<typeof pb.providerGrpc.ResourceProviderClient>; open: () => void; loads: () => number }> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let loads = 0;
  const service = deferredService(pb.providerGrpc.ResourceProviderService, async () => {
    loads++;
    await gate;
    return {
      getPluginInfo: (_call: unknown, callback: (error: null, info: PluginInfo) => void) => {
        callback(null, new pb.plugin.PluginInfo().setVersion("9.9.9"));
      },
    };
  });
  const server = new grpc.Server();
  server.addService(pb.providerGrpc.ResourceProviderService, service.implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err) reject(err);
      else resolve(p);
    });
  });
  const client = new pb.providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  stops.push(() => {
    client.close();
    server.forceShutdown();
  });
  return { client, open, loads: () => loads };
}

function pluginInfo(client: InstanceType<typeof pb.providerGrpc.ResourceProviderClient>): Promise<string> {
  return new Promise((resolve, reject) => {
    client.getPluginInfo(new Empty(), (err, info) => {
      if (err) reject(err);
      else resolve(info.getVersion());
    });
  });
}

describe("deferredService", () => {
  it("answers a call made before the implementation loaded once it has, loading it once", async () => {
    const { client, open, loads } = await serve();
    let answered = false;
    const first = pluginInfo(client).then((v) => {
      answered = true;
      return v;
    });
    const second = pluginInfo(client);
    // Both calls have reached the server (it started loading) and wait at the gate.
    await expect.poll(loads).toBe(1);
    expect(answered).toBe(false);
    open();
    expect(await first).toBe("9.9.9");
    expect(await second).toBe("9.9.9");
    expect(loads()).toBe(1);
  });

  it("answers UNIMPLEMENTED for unary and streaming methods the implementation lacks", async () => {
    const { client, open } = await serve();
    open();
    const unary = await new Promise<{ code?: number; details?: string }>((resolve) => {
      client.getSchema(new pb.provider.GetSchemaRequest(), (err) => {
        resolve({ code: err?.code, details: err?.details });
      });
    });
    expect(unary).toEqual({ code: grpc.status.UNIMPLEMENTED, details: "The server does not implement the method getSchema" });
    const stream = await new Promise<number | undefined>((resolve) => {
      const call = client.list(new pb.provider.ListRequest());
      call.on("data", () => undefined);
      call.on("error", (err: { code?: number }) => {
        resolve(err.code);
      });
    });
    expect(stream).toBe(grpc.status.UNIMPLEMENTED);
  });
});
