// What one KMS read costs in CPU at either end of the HTTP exchange, apart from the engine: the
// dynamic provider's `read` (runtime.ts, as `refresh` calls it for each KeyRotation) against a
// bare undici dispatch of the same pre-signed request, both talking to an emulator in a child
// process so that the two ends' CPU can be told apart. N reads, 8 in flight (the CLI's default
// parallelism here), in passes: the first pass is what a refresh pays, in a process whose code is
// not yet optimized; later passes show the warm cost.
//
//   npx tsx bench/request-cost.ts [--n 2000] [--passes 3] [--client read|bare]
//
// Not part of the report (bench/run.ts): a tool for finding what to cut.
import { fork } from "node:child_process";
import { Agent } from "undici";
import { startEmulator } from "../emulator/server.js";
import { TEST_ACCESS_KEY, TEST_PROJECT_ID, TEST_SECRET_KEY } from "../harness/kms-testbed.js";
import { buildKmsRequest } from "../provider/kms/kms-request.js";
import { keyIds } from "./common.js";
import { cpuMsOf } from "./memory.js";

const IN_FLIGHT = 8;
const CHILD = "--emulator-child";

interface Options {
  n: number;
  passes: number;
  client: "read" | "bare";
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { n: 2000, passes: 3, client: "read" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--n") options.n = Number(argv[++i]);
    else if (arg === "--passes") options.passes = Number(argv[++i]);
    else if (arg === "--client") {
      const c = argv[++i];
      if (c !== "read" && c !== "bare") throw new Error("--client takes read or bare");
      options.client = c;
    } else throw new Error(`unknown argument ${arg ?? ""}`);
  }
  if (!Number.isInteger(options.n) || options.n < 1 || !Number.isInteger(options.passes) || options.passes < 1) {
    throw new Error("--n and --passes take positive whole numbers");
  }
  return options;
}

/** The emulator, seeded with the keys, in this child process; its URL goes to the parent. */
async function runEmulatorChild(n: number): Promise<void> {
  const keys = keyIds(11, n);
  const emulator = await startEmulator({
    port: 0,
    credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }],
    seed: { keys: keys.map((keyId) => ({ keyId })) },
  });
  process.send?.(emulator.url);
}

/** A read as the dynamic provider makes it for refresh, or the bare exchange of the same bytes. */
async function readerFor(client: Options["client"], endpoint: string, keys: readonly string[]): Promise<(keyId: string) => Promise<void>> {
  process.env.HW_KMS_ENDPOINT = endpoint;
  process.env.HW_PROJECT_ID = TEST_PROJECT_ID;
  process.env.HW_ACCESS_KEY = TEST_ACCESS_KEY;
  process.env.HW_SECRET_KEY = TEST_SECRET_KEY;
  if (client === "read") {
    const runtime = await import("../provider/adapters/dynamic/runtime.js");
    return async (keyId) => {
      await runtime.read(keyId, { keyId, enabled: true, intervalDays: 365 });
    };
  }
  // Signed once up front (the emulator accepts a signature for 15 minutes): no provider code per read.
  const config = { endpoint, projectId: TEST_PROJECT_ID, credentials: { kind: "aksk" as const, accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY } };
  const signed = new Map(keys.map((keyId) => [keyId, buildKmsRequest(config, "get-key-rotation-status", { key_id: keyId }, new Date())]));
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  return (keyId) => {
    const wire = signed.get(keyId);
    if (!wire) throw new Error(`no request for ${keyId}`);
    return new Promise((done, fail) => {
      agent.dispatch(
        { origin: wire.url.origin, path: wire.url.pathname, method: wire.method, headers: wire.headers, body: wire.body },
        {
          onRequestStart() {},
          onResponseStart() {},
          onResponseData() {},
          onResponseEnd() {
            done();
          },
          onResponseError(_controller, error) {
            fail(error);
          },
        },
      );
    });
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === CHILD) {
    await runEmulatorChild(Number(argv[1]));
    return;
  }
  const options = parseArgs(argv);
  const child = fork(__filename, [CHILD, String(options.n)], { execArgv: process.execArgv });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.once("message", (m) => {
        resolve(typeof m === "string" ? m : JSON.stringify(m));
      });
      child.once("exit", (code) => {
        reject(new Error(`the emulator exited with ${String(code)}`));
      });
    });
    const keys = keyIds(11, options.n);
    const read = await readerFor(options.client, endpoint, keys);
    const pid = child.pid ?? 0;
    for (let pass = 1; pass <= options.passes; pass++) {
      const emulatorBefore = cpuMsOf(pid, "own") ?? 0;
      const before = process.cpuUsage();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < keys.length) {
            const keyId = keys[next++];
            if (keyId !== undefined) await read(keyId);
          }
        }),
      );
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(before);
      const clientUs = ((cpu.user + cpu.system) / options.n).toFixed(0);
      const emulatorUs = ((((cpuMsOf(pid, "own") ?? 0) - emulatorBefore) * 1000) / options.n).toFixed(0);
      process.stdout.write(
        `pass ${pass}: ${options.n} reads (${options.client}) in ${ms.toFixed(0)} ms; CPU per read: client ${clientUs} µs, emulator ${emulatorUs} µs\n`,
      );
    }
  } finally {
    child.kill();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`request cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 2;
});
