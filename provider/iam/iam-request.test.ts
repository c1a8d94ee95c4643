import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { officialAuthorization } from "../../test/support/official-signer.js";
import { parseAuthorizationHeader } from "../transport/aksk-signer.js";
import { buildListProjectsRequest, listProjectsUrl } from "./iam-request.js";

const DATE = new Date("2026-03-01T12:34:56.789Z");

describe("the projects call on the wire", () => {
  it("GETs {iam}/v3/auth/projects signed over the empty body, with no project header", () => {
    const wire = buildListProjectsRequest(
      { iamEndpoint: "https://iam.myhuaweicloud.com", credentials: { kind: "aksk", accessKey: "AKID", secretKey: "SKSECRET", securityToken: "STS" } },
      DATE,
    );
    expect(wire.method).toBe("GET");
    expect(wire.url.href).toBe("https://iam.myhuaweicloud.com/v3/auth/projects");
    expect(wire.body).toBe("");
    const { Authorization: ours, ...rest } = wire.headers;
    expect(rest).toEqual({ "Content-Type": "application/json", Host: "iam.myhuaweicloud.com", "X-Sdk-Date": "20260301T123456Z", "X-Security-Token": "STS" });
    expect(parseAuthorizationHeader(ours ?? "")?.signedHeaders).toEqual(["content-type", "host", "x-sdk-date", "x-security-token"]);
    // The official signer adds Host from the URL itself.
    const unsigned = Object.fromEntries(Object.entries(rest).filter(([name]) => name !== "Host"));
    expect(ours).toBe(officialAuthorization({ url: wire.url.href, method: "GET", headers: unsigned, data: "", accessKey: "AKID", secretKey: "SKSECRET" }));
    expect(JSON.stringify(wire.headers)).not.toContain("SKSECRET");
  });

  it("sends X-Auth-Token instead of a signature in token mode", () => {
    const wire = buildListProjectsRequest({ iamEndpoint: "https://iam.eu-de.otc.t-systems.com", credentials: { kind: "token", token: "MIItoken" } }, DATE);
    expect(wire.headers).toEqual({ "Content-Type": "application/json", Host: "iam.eu-de.otc.t-systems.com", "X-Auth-Token": "MIItoken" });
  });

  it("keeps an endpoint's port in Host and its path prefix in the URL (an emulator)", () => {
    expect(listProjectsUrl("http://127.0.0.1:4566/iam-proxy").href).toBe("http://127.0.0.1:4566/iam-proxy/v3/auth/projects");
    const wire = buildListProjectsRequest({ iamEndpoint: "http://127.0.0.1:4566", credentials: { kind: "aksk", accessKey: "AK", secretKey: "SK" } }, DATE);
    expect(wire.headers.Host).toBe("127.0.0.1:4566");
  });

  // The official signer is the reference: the Authorization header must be the one it computes.
  it("agrees with the official AKSKSigner on generated hosts, dates and credentials", () => {
    const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
    fc.assert(
      fc.property(
        alnum(16, 24),
        alnum(30, 44),
        fc.option(fc.stringMatching(/^[A-Za-z0-9+/=_-]{20,120}$/), { nil: undefined }),
        fc.oneof(
          fc.constantFrom("https://iam.myhuaweicloud.com", "https://iam.myhuaweicloud.eu", "https://iam.eu-de.otc.t-systems.com"),
          fc.integer({ min: 1, max: 65535 }).map((port) => `http://127.0.0.1:${port}`),
        ),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms)),
        (accessKey, secretKey, securityToken, iamEndpoint, when) => {
          const credentials = { kind: "aksk" as const, accessKey, secretKey, ...(securityToken === undefined ? {} : { securityToken }) };
          const wire = buildListProjectsRequest({ iamEndpoint, credentials }, when);
          const { Authorization: ours, ...signed } = wire.headers;
          const rest = Object.fromEntries(Object.entries(signed).filter(([name]) => name !== "Host"));
          expect(ours).toBe(officialAuthorization({ url: wire.url.href, method: "GET", headers: rest, data: "", accessKey, secretKey }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
