// gRPC and the engine's generated stubs, loaded from @pulumi/pulumi: the plugin speaks the exact
// protocol version of the SDK it ships with, and needs no copy of its own.
import { createRequire } from "node:module";
import type * as Grpc from "@grpc/grpc-js";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as AnyPb from "google-protobuf/google/protobuf/any_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";

export interface PulumiGrpc {
  grpc: typeof Grpc;
  empty: typeof EmptyPb;
  struct: typeof StructPb;
  any: typeof AnyPb;
  plugin: typeof PluginPb;
  providerGrpc: typeof ProviderGrpc;
  provider: typeof ProviderPb;
  status: typeof StatusPb;
}

export function loadPulumiGrpc(): PulumiGrpc {
  const load = createRequire(require.resolve("@pulumi/pulumi"));
  return {
    grpc: load("@grpc/grpc-js") as typeof Grpc,
    empty: load("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb,
    struct: load("google-protobuf/google/protobuf/struct_pb") as typeof StructPb,
    any: load("google-protobuf/google/protobuf/any_pb") as typeof AnyPb,
    plugin: load("./proto/plugin_pb") as typeof PluginPb,
    providerGrpc: load("./proto/provider_grpc_pb") as typeof ProviderGrpc,
    provider: load("./proto/provider_pb") as typeof ProviderPb,
    status: load("./proto/status_pb") as typeof StatusPb,
  };
}
