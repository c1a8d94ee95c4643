import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { officialAuthorization } from "../../test/support/official-signer.js";
import { computeSignature, formatSdkDate, parseAuthorizationHeader } from "../transport/aksk-signer.js";
import type { KmsCredentials } from "../config/kms-config.js";
import { buildKmsRequest, kmsOperationUrl } from "./kms-request.js";
import { KMS_OPERATIONS } from "./kms-rules.js";
import { kmsMethod } from "./kms-routes.js";

const KEY = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";
const SEQ = "919c82d4-8046-4722-9094-35c3c6524cff";
const DATE = new Date("2026-03-01T12:34:56.789Z");

describe("wire format", () => {
  it("posts to {endpoint}/v1.0/{projectId}/kms/{operation} with exactly the signed headers", () => {
    const config = {
      endpoint: "https://kms.cn-north-4.myhuaweicloud.com",
      projectId: "0123456789abcdef0123456789abcdef",
      credentials: { kind: "aksk", accessKey: "AKID", secretKey: "SKSECRET", securityToken: "STS" } as const,
    };
    const wire = buildKmsRequest(config, "update-key-rotation-interval", { key_id: KEY, rotation_interval: 90, sequence: SEQ }, DATE);
    expect(wire.url.href).toBe("https://kms.cn-north-4.myhuaweicloud.com/v1.0/0123456789abcdef0123456789abcdef/kms/update-key-rotation-interval");
    expect(wire.body).toBe(`{"key_id":"${KEY}","rotation_interval":90,"sequence":"${SEQ}"}`);
    const { Authorization: authorization, ...signed } = wire.headers;
    expect(signed).toEqual({
      "Content-Type": "application/json",
      Host: "kms.cn-north-4.myhuaweicloud.com",
      "X-Project-Id": "0123456789abcdef0123456789abcdef",
      "X-Sdk-Date": "20260301T123456Z",
      "X-Security-Token": "STS",
    });
    const parsed = parseAuthorizationHeader(authorization ?? "");
    expect(parsed?.accessKey).toBe("AKID");
    expect(parsed?.signedHeaders).toEqual(["content-type", "host", "x-project-id", "x-sdk-date", "x-security-token"]);
    expect(parsed?.signature).toBe(computeSignature({ method: "POST", path: wire.url.pathname, headers: signed, body: wire.body }, "SKSECRET"));
    expect(JSON.stringify(wire.headers)).not.toContain("SKSECRET");
  });

  it("keeps a non-default port in Host and a path prefix in the URL", () => {
    const wire = buildKmsRequest(
      { endpoint: "http://127.0.0.1:8080/proxy", projectId: "p1", credentials: { kind: "aksk", accessKey: "AK", secretKey: "SK" } },
      "describe-key",
      { key_id: KEY },
      DATE,
    );
    expect(wire.url.href).toBe("http://127.0.0.1:8080/proxy/v1.0/p1/kms/describe-key");
    expect(wire.headers.Host).toBe("127.0.0.1:8080");
    expect(wire.headers).not.toHaveProperty("X-Security-Token");
  });

  it("sends X-Auth-Token instead of a signature in token mode", () => {
    const wire = buildKmsRequest(
      { endpoint: "https://kms.eu-de.otc.t-systems.com", projectId: "p1", credentials: { kind: "token", token: "MIItoken" } },
      "get-key-rotation-status",
      { key_id: KEY, sequence: SEQ },
      DATE,
    );
    expect(wire.headers).toEqual({
      "Content-Type": "application/json",
      Host: "kms.eu-de.otc.t-systems.com",
      "X-Project-Id": "p1",
      "X-Auth-Token": "MIItoken",
    });
  });

  it("names every action operation in the path, and puts the tag operations' key id and tag key in theirs", () => {
    const at = { endpoint: "https://kms.example", projectId: "p1" };
    for (const op of KMS_OPERATIONS.slice(0, 8)) expect(kmsOperationUrl(at, op).pathname).toBe(`/v1.0/p1/kms/${op}`);
    expect(kmsOperationUrl(at, { operation: "show-kms-tags", keyId: KEY }).pathname).toBe(`/v1.0/p1/kms/${KEY}/tags`);
    expect(kmsOperationUrl(at, { operation: "batch-create-kms-tags", keyId: KEY }).pathname).toBe(`/v1.0/p1/kms/${KEY}/tags/action`);
    expect(kmsOperationUrl(at, { operation: "delete-tag", keyId: KEY, tagKey: "a b/c" }).pathname).toBe(`/v1.0/p1/kms/${KEY}/tags/a%20b%2Fc`);
    expect(kmsOperationUrl(at, { operation: "list-kms-by-tags" }).pathname).toBe("/v1.0/p1/kms/resource_instances/action");
  });

  it("signs a GET with no body over the empty string", () => {
    const creds = { kind: "aksk", accessKey: "AKID", secretKey: "SKSECRET" } as const;
    const wire = buildKmsRequest({ endpoint: "https://kms.example", projectId: "p1", credentials: creds }, { operation: "show-kms-tags", keyId: KEY }, undefined, DATE);
    expect(wire.method).toBe("GET");
    expect(wire.body).toBe("");
    const { Authorization: ours, Host: host, ...rest } = wire.headers;
    expect(host).toBe("kms.example");
    expect(ours).toBe(officialAuthorization({ url: wire.url.href, method: "GET", headers: rest, data: "", accessKey: "AKID", secretKey: "SKSECRET" }));
  });
});

// The official signer is the reference: any request this client can build must get the very
// Authorization header the official Node SDK would compute for it.
describe("cross-check against the official AKSKSigner", () => {
  const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
  const keyId = fc.stringMatching(/^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/);
  const host = fc.oneof(
    fc.constantFrom("kms.cn-north-4.myhuaweicloud.com", "kms.eu-west-101.myhuaweicloud.eu", "kms.eu-de.otc.t-systems.com"),
    fc.integer({ min: 1, max: 65535 }).map((port) => `127.0.0.1:${port}`),
    fc.integer({ min: 1, max: 65535 }).map((port) => `kms.example.com:${port}`),
  );
  const date = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms));
  const credentials: fc.Arbitrary<Extract<KmsCredentials, { kind: "aksk" }>> = fc.record(
    { kind: fc.constant("aksk" as const), accessKey: alnum(16, 24), secretKey: alnum(30, 44), securityToken: fc.stringMatching(/^[A-Za-z0-9+/=_-]{20,200}$/) },
    { requiredKeys: ["kind", "accessKey", "secretKey"] },
  );

  it("agrees on many generated KMS requests", () => {
    fc.assert(
      fc.property(
        credentials,
        host,
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.constantFrom(...KMS_OPERATIONS),
        keyId,
        fc.option(fc.integer({ min: 30, max: 365 }), { nil: undefined }),
        fc.uuid(),
        date,
        (creds, hostPort, projectId, operation, key, interval, sequence, when) => {
          const scheme = hostPort.startsWith("127.") ? "http" : "https";
          const config = { endpoint: `${scheme}://${hostPort}`, projectId, credentials: creds };
          const payload: Record<string, string | number> =
            interval === undefined ? { key_id: key, sequence } : { key_id: key, rotation_interval: interval, sequence };
          const post = kmsMethod(operation) === "POST";
          const wire = buildKmsRequest(config, { operation, keyId: key }, post ? payload : undefined, when);
          const { Authorization: ours, Host: sentHost, ...rest } = wire.headers;
          expect(sentHost).toBe(new URL(config.endpoint).host);
          const official = officialAuthorization({
            url: wire.url.href,
            method: wire.method,
            headers: rest,
            data: post ? (JSON.parse(wire.body) as unknown) : "",
            accessKey: creds.accessKey,
            secretKey: creds.secretKey,
          });
          expect(ours).toBe(official);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("agrees on generic requests: extra headers, query strings, arbitrary JSON bodies", () => {
    const headerName = fc.stringMatching(/^x-[a-z0-9]{1,8}(-[a-z0-9]{1,8})?$/).filter((n) => !["x-sdk-date"].includes(n));
    // The official signer hashes header values untrimmed while this one trims (as the Go SDK
    // and the API gateway do), so generated values carry no surrounding whitespace.
    const headerValue = fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom("a", "b", "c", "X", "Y", "Z", "0", "1", "9", " ", "-", "_", ".", ":", "/", ";", "=", ",", "+") }).filter((v) => v.trim() === v);
    // Keys are unreserved characters: the official signer sorts raw keys, this one encoded keys,
    // which agree exactly when encoding leaves keys unchanged.
    const queryKey = fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/);
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && v !== false && v !== 0 && v !== "");
    fc.assert(
      fc.property(
        alnum(10, 20),
        alnum(20, 40),
        host,
        fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { minLength: 1, maxLength: 5 }),
        fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
        fc.dictionary(queryKey, fc.string({ maxLength: 12 }), { maxKeys: 4 }),
        json,
        date,
        (ak, sk, hostPort, segments, extraHeaders, query, body, when) => {
          const path = `/${segments.join("/")}`;
          const headers = { ...extraHeaders, "X-Sdk-Date": formatSdkDate(when), "Content-Type": "application/json" };
          const official = officialAuthorization({
            url: `https://${hostPort}${path}`,
            method: "POST",
            headers,
            data: body,
            queryParams: query,
            accessKey: ak,
            secretKey: sk,
          });
          const signature = computeSignature(
            { method: "POST", path, query: Object.entries(query), headers: { ...headers, host: hostPort }, body: JSON.stringify(body) },
            sk,
          );
          expect(parseAuthorizationHeader(official)?.signature).toBe(signature);
        },
      ),
      { numRuns: 500 },
    );
  });
});
