// The client against a real HTTP server on loopback: what a MockAgent cannot show (sockets).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { KmsClientConfig } from "../config/kms-config.js";
import { resetOriginGates } from "../transport/concurrency.js";
import { KmsClient } from "./kms-client.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

interface Seen {
  remotePort: number | undefined;
  body: Record<string, unknown>;
  host: string | undefined;
}

let server: Server | undefined;
afterEach(async () => {
  resetOriginGates();
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function startServer(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen, n: number) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Seen = {
        remotePort: req.socket.remotePort,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        host: req.headers.host,
      };
      seen.push(entry);
      handle(req, res, entry, seen.length);
    });
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

function config(endpoint: string): KmsClientConfig {
  return {
    endpoint,
    projectId: "p1",
    credentials: { kind: "aksk", accessKey: "AKINTEGRATION", secretKey: "SKINTEGRATION" },
    maxRetries: 3,
    requestTimeoutMs: 5_000,
    deadlineMs: 20_000,
    maxConcurrency: 4,
  };
}

const status = JSON.stringify({ key_rotation_enabled: true, rotation_interval: 30, number_of_rotations: 0 });

describe("against a real HTTP server on 127.0.0.1", () => {
  it("reuses one keep-alive connection for sequential calls (default shared pool)", async () => {
    const { url, seen } = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end(status);
    });
    const client = new KmsClient(config(url), { sleep: () => Promise.resolve() });
    for (let i = 0; i < 4; i++) await client.getKeyRotationStatus(KEY);
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.remotePort)).size).toBe(1);
    expect(seen[0]?.host).toBe(new URL(url).host);
  });

  it("retries a dropped connection with the same sequence", async () => {
    const { url, seen } = await startServer((req, res, _seen, n) => {
      if (n === 1) {
        // The request arrived and the connection dies before any answer: outcome unknown.
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(status);
    });
    const sleeps: number[] = [];
    const logs: string[] = [];
    const client = new KmsClient(config(url), {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      logger: { debug: (m) => logs.push(m) },
    });
    await expect(client.getKeyRotationStatus(KEY)).resolves.toMatchObject({ enabled: true, intervalDays: 30 });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.body.sequence).toBe(seen[1]?.body.sequence);
    expect(sleeps).toEqual([250]);
    expect(logs[0]).toContain("status=NETWORK_ERROR");
  });

  it("treats a dropped enable whose effect landed as success on the retry", async () => {
    let enabled = false;
    const { url, seen } = await startServer((req, res, _s, n) => {
      if (enabled) {
        res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { error_code: "KMS.2901", error_msg: "The rotation state of key is not disabled" } }));
        return;
      }
      enabled = true;
      if (n === 1) req.socket.destroy();
      else res.writeHead(200).end("{}");
    });
    const client = new KmsClient(config(url), { sleep: () => Promise.resolve() });
    await expect(client.enableKeyRotation(KEY)).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
  });
});
