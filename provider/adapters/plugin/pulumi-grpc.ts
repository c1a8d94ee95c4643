// gRPC and the engine's generated stubs, the ones @pulumi/pulumi ships: the plugin speaks the exact
// protocol version of the SDK it ships with, and needs no copy of its own. Static imports, so that
// a bundler (the standalone plugin, scripts/release/plugin-archive.ts) includes them; the bundle
// step resolves @grpc/grpc-js and google-protobuf from @pulumi/pulumi's folder and checks that it
// holds one copy of each, so these are the instances the generated stubs themselves load.
import * as grpc from "@grpc/grpc-js";
import * as empty from "google-protobuf/google/protobuf/empty_pb";
import * as struct from "google-protobuf/google/protobuf/struct_pb";
import * as any from "google-protobuf/google/protobuf/any_pb";
import * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import * as status from "@pulumi/pulumi/proto/status_pb";

export interface PulumiGrpc {
  grpc: typeof grpc;
  empty: typeof empty;
  struct: typeof struct;
  any: typeof any;
  plugin: typeof plugin;
  providerGrpc: typeof providerGrpc;
  provider: typeof provider;
  status: typeof status;
}

export function loadPulumiGrpc(): PulumiGrpc {
  return { grpc, empty, struct, any, plugin, providerGrpc, provider, status };
}
