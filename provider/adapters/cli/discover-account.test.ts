import { describe, expect, it } from "vitest";
import { KmsConfigError } from "../../config/kms-config.js";
import { resolveAccountSettings } from "./discover-account.js";
import { CliUsageError, parseDiscoverArgs, type DiscoverOptions } from "./discover-options.js";

const CREDENTIALS = { HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK" };

function options(argv: string[]): DiscoverOptions {
  const parsed = parseDiscoverArgs(["--all-projects", ...argv]);
  if (parsed === "help") throw new Error("unexpected help");
  return parsed;
}

function refusal(argv: string[], env: Record<string, string>): string {
  try {
    resolveAccountSettings(options(argv), env);
  } catch (e) {
    if (CliUsageError.isInstance(e) || KmsConfigError.isInstance(e)) return e.message;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("resolveAccountSettings", () => {
  it("needs no project id or region: credentials and limits as the one-project command resolves them, IAM of Huawei Cloud by default", () => {
    const settings = resolveAccountSettings(options(["--max-concurrency", "20"]), { ...CREDENTIALS, HW_PROJECT_ID: "ignored" });
    expect(settings.base).toMatchObject({ credentials: { kind: "aksk", accessKey: "AK", secretKey: "SK" }, maxConcurrency: 20, maxRetries: 5 });
    expect(settings.base).not.toHaveProperty("projectId");
    expect(settings.base.sources).toEqual({ accessKey: "env HW_ACCESS_KEY", secretKey: "env HW_SECRET_KEY", maxConcurrency: "--max-concurrency" });
    expect(settings.endpointTemplate).toBeUndefined();
    expect(settings.iam).toEqual({ endpoint: "https://iam.myhuaweicloud.com", source: "Huawei Cloud's default" });
  });

  it("takes IAM from the configured region's cloud, or from HW_IAM_ENDPOINT, or from --iam-endpoint", () => {
    expect(resolveAccountSettings(options(["--region", "eu-de"]), CREDENTIALS).iam).toEqual({ endpoint: "https://iam.eu-de.otc.t-systems.com", source: "region eu-de" });
    expect(resolveAccountSettings(options([]), { ...CREDENTIALS, HW_IAM_ENDPOINT: "http://127.0.0.1:4566/iam" }).iam.endpoint).toBe("http://127.0.0.1:4566/iam");
    expect(resolveAccountSettings(options(["--iam-endpoint", "https://iam.example.com"]), { ...CREDENTIALS, HW_IAM_ENDPOINT: "http://127.0.0.1:1" }).iam.source).toBe("--iam-endpoint");
  });

  it("takes an endpoint only as a template naming {region}, checked as each project will use it", () => {
    expect(resolveAccountSettings(options([]), { ...CREDENTIALS, HW_KMS_ENDPOINT: "http://127.0.0.1:4566/{region}" }).endpointTemplate).toBe("http://127.0.0.1:4566/{region}");
    expect(refusal(["--endpoint", "https://kms.eu-de.otc.t-systems.com"], CREDENTIALS)).toBe(
      "--all-projects derives each project's KMS endpoint from its region, but --endpoint sets one endpoint (https://kms.eu-de.otc.t-systems.com) for all of them: leave it out, or make it a template naming {region}, e.g. http://127.0.0.1:4566/{region}",
    );
    expect(refusal([], { ...CREDENTIALS, HW_KMS_ENDPOINT: "http://kms.{region}.example.com" })).toMatch(/uses plain http:\/\/, which would send credentials unencrypted/);
    expect(refusal([], {})).toMatch(/^No KMS credentials are set/);
  });
});
