// Entry point of the plugin provider process (started by `pulumi-resource-huaweicloud-kms`): serves
// the ResourceProvider service on a loopback port and prints the port, as the engine expects.
// The first argument is the engine's address, for log lines.
import "../../platform/node-version.js"; // first: fail on too old a Node.js before anything loads
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sea from "node:sea";
import { deferredService } from "./deferred-service.js";
import { loadPulumiGrpc } from "./pulumi-grpc.js";

/** The package root: dist/provider/adapters/plugin → four levels up. */
const root = join(__dirname, "..", "..", "..", "..");

/**
 * A file of the package root. The standalone plugin (one executable, scripts/release/plugin-archive.ts)
 * has no package folder beside it: it carries package.json and schema.json as assets of its own.
 */
function packageFile(name: "package.json" | "schema.json"): string {
  return sea.isSea() ? sea.getAsset(name, "utf8") : readFileSync(join(root, name), "utf8");
}

function main(): void {
  const pb = loadPulumiGrpc();
  const version = (JSON.parse(packageFile("package.json")) as { version: string }).version;
  const schema = packageFile("schema.json");
  const server = new pb.grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // The provider itself is loaded once the port is printed (see deferred-service.ts); a call that
  // arrives first waits for it.
  const service = deferredService(pb.providerGrpc.ResourceProviderService, async () => {
    const { providerService } = await import("./provider-service.js");
    return providerService(pb, { version, schema, env: process.env });
  });
  server.addService(pb.providerGrpc.ResourceProviderService, service.implementation);
  server.bindAsync("127.0.0.1:0", pb.grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`pulumi-resource-huaweicloud-kms: cannot listen: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
    service.load().catch((e: unknown) => {
      // Without its implementation the plugin can answer nothing: exit, so the engine reports it.
      process.stderr.write(`pulumi-resource-huaweicloud-kms: cannot load the provider: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
  });
}

main();
