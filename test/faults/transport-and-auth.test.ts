// Transport and authentication, as a user meets them through the CLI: a plain-http endpoint off
// this machine is refused before any connection, certificates are verified (a self-signed one
// fails, the same server trusted through NODE_EXTRA_CA_CERTS works), and a bad signature, an
// expired X-Sdk-Date or the wrong project ends in one clear line naming the cause.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveKmsConfig } from "../../provider/config/kms-config.js";
import { KmsClient } from "../../provider/kms/kms-client.js";
import { startEmulator, type RunningEmulator } from "../../emulator/index.js";
import { TEST_ACCESS_KEY, TEST_PROJECT_ID, TEST_SECRET_KEY, loadSdk, startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { STACK_FRAME, errorDiagnostics, keyIdFor, oneRotationStack, outcomeOf, stackWithEnv } from "./fault-support.js";

const OTHER_PROJECT = "f9e8d7c6b5a4039281706f5e4d3c2b1a";
const BOUND_ACCESS_KEY = "AKBOUNDTOOTHERPROJ01";
const BOUND_SECRET_KEY = "sk-bound-to-other-project-4d4d";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for 127.0.0.1, made now (no key material is kept in the repo). */
function selfSignedCertificate(dir: string): { key: string; cert: string; certPath: string } {
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyPath, "-out", certPath],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), certPath };
}

/** An HTTPS front for the emulator on loopback; counts TLS connections it accepted. */
async function httpsFront(
  target: string,
  tls: { key: string; cert: string },
): Promise<{ url: string; connections: () => number; accepted: () => number; close: () => Promise<void> }> {
  const upstream = new URL(target);
  let connections = 0;
  let accepted = 0;
  const server: HttpsServer = createHttpsServer(tls, (req, res) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => req.socket.destroy());
    req.pipe(out);
  });
  server.on("connection", () => connections++);
  server.on("secureConnection", () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe("transport and authentication through the CLI", () => {
  let bed: KmsTestbed;
  let skewed: RunningEmulator;
  let tlsDir: string;
  const { KeyRotation } = loadSdk();
  let keyIndex = 0;

  async function oneRotation(name: string, env: Record<string, string | undefined>): Promise<{ stack: Stack; keyId: string }> {
    const keyId = keyIdFor("7a115e00", keyIndex++);
    return { stack: await oneRotationStack(bed, KeyRotation, keyId, name, env), keyId };
  }

  /** The failing up's error for the rotation, and the whole CLI output, which must hold no stack trace. */
  async function failedUp(stack: Stack): Promise<string> {
    const diag = errorDiagnostics();
    const outcome = await outcomeOf(stack.up({ onEvent: diag.onEvent }));
    expect(outcome.ok).toBe(false);
    expect(outcome.error, "no stack trace anywhere in the CLI's output").not.toMatch(STACK_FRAME);
    const message = diag.byResource.get("key")?.join("\n") ?? "";
    expect(message.split("\n").filter((l) => l.trim() !== ""), "one line").toHaveLength(1);
    return message;
  }

  const requestsFor = async (keyId: string): Promise<number> => (await bed.admin.requests()).filter((r) => r.keyId === keyId).length;

  beforeAll(async () => {
    bed = await startKmsTestbed({
      credentials: [
        { accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY },
        { accessKey: BOUND_ACCESS_KEY, secretKey: BOUND_SECRET_KEY, projectId: OTHER_PROJECT },
      ],
    });
    // The emulator's clock runs an hour ahead, so this machine's X-Sdk-Date looks an hour old.
    skewed = await startEmulator({
      port: 0,
      credentials: [{ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }],
      now: () => Date.now() + 3_600_000,
    });
    tlsDir = mkdtempSync(join(tmpdir(), "kms-tls-"));
  });
  afterAll(async () => {
    await skewed.close();
    await bed.dispose();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  describe("endpoints", () => {
    it.each([
      ["http://kms.example.com", false],
      ["http://10.1.2.3:4566", false],
      ["http://localhost.example.com", false],
      ["http://127.0.0.1.nip.io", false],
      ["ftp://127.0.0.1:4566", false],
      ["https://kms.eu-west-101.myhuaweicloud.eu", true],
      ["http://127.0.0.1:4566", true],
      ["http://localhost:4566", true],
      ["http://[::1]:4566", true],
    ] as const)("%s is %s", (endpoint, accepted) => {
      const resolve = (): unknown =>
        resolveKmsConfig({ env: { HW_KMS_ENDPOINT: endpoint, HW_PROJECT_ID: TEST_PROJECT_ID, HW_ACCESS_KEY: "ak", HW_SECRET_KEY: "sk" } });
      if (accepted) expect(resolve).not.toThrow();
      else expect(resolve).toThrow(/https:\/\//);
      // A hand-built client configuration cannot skip the rule either.
      const build = (): unknown =>
        new KmsClient({
          endpoint,
          projectId: TEST_PROJECT_ID,
          credentials: { kind: "aksk", accessKey: "ak", secretKey: "sk" },
          maxRetries: 0,
          requestTimeoutMs: 1_000,
          deadlineMs: 1_000,
          maxConcurrency: 1,
        });
      if (accepted) expect(build).not.toThrow();
      else expect(build).toThrow(/https:\/\//);
    });

    it("up with an http:// endpoint off this machine fails naming the rule, before any connection", async () => {
      const { stack, keyId } = await oneRotation("plain-http", { HW_KMS_ENDPOINT: "http://kms.example.com" });
      const message = await failedUp(stack);
      expect(message).toContain('KMS endpoint "http://kms.example.com/" (from env HW_KMS_ENDPOINT) uses plain http://');
      expect(message).toContain("use https://");
      // A configuration error, not a network one: nothing was sent anywhere.
      expect(message).not.toMatch(/NETWORK_ERROR|TIMEOUT/);
      expect(await requestsFor(keyId)).toBe(0);
    });
  });

  describe.skipIf(!hasOpenssl())("certificates (openssl makes a self-signed one)", () => {
    it("a self-signed certificate fails the TLS handshake, once, and nothing reaches KMS", async () => {
      expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED, "verification is not switched off for the CLI either").not.toBe("0");
      const tls = selfSignedCertificate(tlsDir);
      const front = await httpsFront(bed.emulator.url, tls);
      try {
        const { stack, keyId } = await oneRotation("self-signed", { HW_KMS_ENDPOINT: front.url });
        const message = await failedUp(stack);
        expect(message).toMatch(/self[- ]signed certificate|DEPTH_ZERO_SELF_SIGNED_CERT/);
        expect(message).toContain("TLS certificate is not trusted");
        expect(message).toContain("NODE_EXTRA_CA_CERTS");
        expect(message).toContain(`(${front.url})`);
        expect(front.accepted(), "no TLS session was established").toBe(0);
        // A certificate problem is not retried: another try would fail the same way.
        expect(front.connections(), "TCP connections").toBe(1);
        expect(await requestsFor(keyId)).toBe(0);

        // The same server, with its certificate trusted the standard Node way, works: the failure
        // above was certificate verification, nothing else.
        const trusted = await stackWithEnv(bed, "self-signed", () => {
          new KeyRotation("key", { keyId, intervalDays: 90 });
          return Promise.resolve({});
        }, { HW_KMS_ENDPOINT: front.url, NODE_EXTRA_CA_CERTS: tls.certPath });
        await trusted.up();
        expect(front.accepted()).toBeGreaterThan(0);
        expect(await bed.admin.getKey(keyId)).toMatchObject({ rotationEnabled: true, rotationInterval: 90 });
        await trusted.destroy();
      } finally {
        await front.close();
      }
    });
  });

  describe("authentication", () => {
    it("a wrong secret key: APIG.0301, check your credentials, tried once", async () => {
      const { stack, keyId } = await oneRotation("bad-signature", { HW_SECRET_KEY: "not-the-secret-key" });
      const message = await failedUp(stack);
      expect(message).toContain("HTTP 401 APIG.0301");
      expect(message).toContain("verify aksk signature fail");
      expect(message).toContain("Check your credentials");
      expect(await requestsFor(keyId)).toBe(1);
    });

    it("an X-Sdk-Date an hour behind the server: APIG.0301, names the date skew and says to check the clock", async () => {
      const { stack } = await oneRotation("expired-date", { HW_KMS_ENDPOINT: skewed.url });
      const message = await failedUp(stack);
      expect(message).toContain("HTTP 401 APIG.0301");
      expect(message).toMatch(/x-sdk-date \d{8}T\d{6}Z is \d+s away from the server time/);
      expect(message).toContain("check that this machine's clock is correct");
    });

    it("credentials of another project: KMS.0321, says to fix projectId, and does not echo the access key", async () => {
      const { stack, keyId } = await oneRotation("wrong-project", { HW_ACCESS_KEY: BOUND_ACCESS_KEY, HW_SECRET_KEY: BOUND_SECRET_KEY });
      const message = await failedUp(stack);
      expect(message).toContain("HTTP 403 KMS.0321");
      expect(message).toContain("set projectId to the project id of the key's region");
      // KMS's own message names the access key; the provider redacts it.
      expect(message).not.toContain(BOUND_ACCESS_KEY);
      expect(await requestsFor(keyId)).toBe(1);
    });
  });
});
