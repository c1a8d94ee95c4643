import { describe, expect, it } from "vitest";
import { KmsProviderError } from "../errors/kms-provider-error.js";
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  endpointForRegion,
  KmsConfigError,
  normalizeEndpoint,
  resolveKmsConfig,
  secretsOf,
  type KmsConfigSources,
} from "./kms-config.js";

const stack =
  (values: Record<string, string>) =>
  (key: string): string | undefined =>
    values[key];

const base: KmsConfigSources = {
  explicit: { region: "cn-north-4", projectId: "p1", accessKey: "AKEXPLICIT", secretKey: "SKEXPLICIT" },
  env: {},
};

function configError(fn: () => unknown): KmsConfigError {
  try {
    fn();
  } catch (e) {
    if (KmsConfigError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a KmsConfigError");
}

describe("precedence: explicit → huaweicloud-kms: → huaweicloud: → environment", () => {
  // One row per setting: the value each source would give, and which one must win.
  const rows: { setting: "region" | "projectId" | "accessKey" | "secretKey"; env: string }[] = [
    { setting: "region", env: "HW_REGION_NAME" },
    { setting: "projectId", env: "HW_PROJECT_ID" },
    { setting: "accessKey", env: "HW_ACCESS_KEY" },
    { setting: "secretKey", env: "HW_SECRET_KEY" },
  ];
  const fullSources = (
    level: number,
    setting: string,
    envName: string,
  ): { explicit: Record<string, string>; stack: Record<string, string>; env: Record<string, string> } => {
    const explicit: Record<string, string> = {};
    const stackValues: Record<string, string> = {};
    const env: Record<string, string> = {};
    const value = (src: string): string => (setting === "region" ? `${src}-north-1` : `${src}${setting}`);
    if (level <= 0) explicit[setting] = value("explicit");
    if (level <= 1) stackValues[`huaweicloud-kms:${setting}`] = value("own");
    if (level <= 2) stackValues[`huaweicloud:${setting}`] = value("official");
    if (level <= 3) env[envName] = value("env");
    return { explicit, stack: stackValues, env };
  };

  for (const row of rows) {
    it.each([
      [0, "explicit"],
      [1, "own"],
      [2, "official"],
      [3, "env"],
    ] as const)(`${row.setting}: with sources from level %i down, %s wins`, (level, winner) => {
      const s = fullSources(level, row.setting, row.env);
      const explicit = { ...Object.fromEntries(Object.entries(base.explicit ?? {}).filter(([k]) => k !== row.setting)), ...s.explicit };
      const cfg = resolveKmsConfig({ explicit, stackConfig: stack(s.stack), env: s.env });
      const got =
        row.setting === "region"
          ? cfg.region
          : row.setting === "projectId"
            ? cfg.projectId
            : cfg.credentials.kind === "aksk"
              ? cfg.credentials[row.setting]
              : undefined;
      expect(got).toBe(row.setting === "region" ? `${winner}-north-1` : `${winner}${row.setting}`);
    });
  }

  it("reads securityToken, authToken, endpoint and maxRetries from this namespace but not from huaweicloud:", () => {
    const cfg = resolveKmsConfig({
      explicit: { projectId: "p1" },
      stackConfig: stack({
        "huaweicloud-kms:accessKey": "AKAAAA",
        "huaweicloud-kms:secretKey": "SKSSSS",
        "huaweicloud-kms:securityToken": "TOKOWN",
        "huaweicloud:securityToken": "TOKOFFICIAL",
        "huaweicloud-kms:endpoint": "https://kms.own.example",
        "huaweicloud:endpoint": "https://kms.official.example",
        "huaweicloud-kms:maxRetries": "2",
        "huaweicloud:maxRetries": "9",
      }),
      env: {},
    });
    expect(cfg.credentials).toEqual({ kind: "aksk", accessKey: "AKAAAA", secretKey: "SKSSSS", securityToken: "TOKOWN" });
    expect(cfg.endpoint).toBe("https://kms.own.example");
    expect(cfg.maxRetries).toBe(2);

    const fromOfficialOnly = resolveKmsConfig({
      explicit: { projectId: "p1", region: "cn-north-4", accessKey: "AKAAAA", secretKey: "SKSSSS" },
      stackConfig: stack({ "huaweicloud:securityToken": "TOKOFFICIAL", "huaweicloud:endpoint": "https://x.example" }),
      env: {},
    });
    expect(fromOfficialOnly.credentials).toEqual({ kind: "aksk", accessKey: "AKAAAA", secretKey: "SKSSSS" });
    expect(fromOfficialOnly.endpoint).toBe("https://kms.cn-north-4.myhuaweicloud.com");
  });

  it("does not attach a security token found further from the user than the access key pair", () => {
    const cfg = resolveKmsConfig({
      explicit: { projectId: "p1", endpoint: "https://kms.example" },
      stackConfig: stack({ "huaweicloud-kms:accessKey": "AKAAAA", "huaweicloud-kms:secretKey": "SKSSSS" }),
      env: { HW_SECURITY_TOKEN: "STALE-TOKEN" },
    });
    expect(cfg.credentials).toEqual({ kind: "aksk", accessKey: "AKAAAA", secretKey: "SKSSSS" });
  });

  it("reads timeouts and concurrency from stack config and environment, within bounds", () => {
    const cfg = resolveKmsConfig({
      explicit: { projectId: "p1", endpoint: "https://kms.example", accessKey: "AKAAAA", secretKey: "SKSSSS" },
      stackConfig: stack({ "huaweicloud-kms:requestTimeoutMs": "1500" }),
      env: { HW_KMS_REQUEST_TIMEOUT_MS: "9", HW_KMS_DEADLINE_MS: "20000", HW_KMS_MAX_CONCURRENCY: "4" },
    });
    expect(cfg).toMatchObject({ requestTimeoutMs: 1500, deadlineMs: 20_000, maxConcurrency: 4 });
    expect(() =>
      resolveKmsConfig({
        explicit: { projectId: "p1", endpoint: "https://kms.example", accessKey: "AKAAAA", secretKey: "SKSSSS" },
        env: { HW_KMS_MAX_CONCURRENCY: "0" },
      }),
    ).toThrow('KMS setting "maxConcurrency" (from env HW_KMS_MAX_CONCURRENCY) must be a whole number from 1 to 1000, got "0".');
  });

  it("falls back through HW_*, OS_* and HUAWEICLOUD_SDK_* environment variables in that order", () => {
    const env = {
      OS_REGION_NAME: "eu-de",
      HUAWEICLOUD_SDK_PROJECT_ID: "sdkproject",
      OS_PROJECT_ID: "osproject",
      HUAWEICLOUD_SDK_AK: "SDKAK1",
      HUAWEICLOUD_SDK_SK: "SDKSK1",
      HW_SECURITY_TOKEN: "STS-TOKEN",
      HW_KMS_ENDPOINT: "",
      HW_MAX_RETRIES: "3",
    };
    const cfg = resolveKmsConfig({ env });
    expect(cfg.region).toBe("eu-de");
    expect(cfg.endpoint).toBe("https://kms.eu-de.otc.t-systems.com");
    expect(cfg.projectId).toBe("osproject");
    expect(cfg.credentials).toEqual({ kind: "aksk", accessKey: "SDKAK1", secretKey: "SDKSK1", securityToken: "STS-TOKEN" });
    expect(cfg.maxRetries).toBe(3);
    expect(cfg.sources).toMatchObject({ region: "env OS_REGION_NAME", projectId: "env OS_PROJECT_ID", accessKey: "env HUAWEICLOUD_SDK_AK" });

    const hw = resolveKmsConfig({
      env: { ...env, HW_REGION_NAME: "cn-north-4", HW_PROJECT_ID: "hwproject", HW_ACCESS_KEY: "HWAK11", HW_SECRET_KEY: "HWSK11", OS_ACCESS_KEY: "OSAK11" },
    });
    expect(hw.region).toBe("cn-north-4");
    expect(hw.projectId).toBe("hwproject");
    expect(hw.credentials).toMatchObject({ accessKey: "HWAK11", secretKey: "HWSK11" });
  });

  it("treats empty and blank values as unset and trims values", () => {
    const cfg = resolveKmsConfig({
      explicit: { region: "  ", projectId: " p1 " },
      stackConfig: stack({ "huaweicloud-kms:region": "" }),
      env: { HW_REGION_NAME: "ap-southeast-1", HW_ACCESS_KEY: "AK1234", HW_SECRET_KEY: "SK1234" },
    });
    expect(cfg.region).toBe("ap-southeast-1");
    expect(cfg.projectId).toBe("p1");
  });

  it("reads process.env when no env is given", () => {
    const saved = process.env.HW_PROJECT_ID;
    process.env.HW_PROJECT_ID = "fromprocess";
    try {
      const cfg = resolveKmsConfig({ explicit: { region: "cn-north-4", accessKey: "AK1234", secretKey: "SK1234" } });
      expect(cfg.projectId).toBe("fromprocess");
    } finally {
      if (saved === undefined) delete process.env.HW_PROJECT_ID;
      else process.env.HW_PROJECT_ID = saved;
    }
  });
});

describe("credentials", () => {
  it("uses a token when no access key pair is set", () => {
    const cfg = resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1" }, env: { HW_AUTH_TOKEN: "MIItoken" } });
    expect(cfg.credentials).toEqual({ kind: "token", token: "MIItoken" });
    expect(resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1" }, env: { OS_AUTH_TOKEN: "OStoken" } }).credentials).toEqual({
      kind: "token",
      token: "OStoken",
    });
  });

  it("lets the credential set closer to the user win, and AK/SK on a tie", () => {
    const explicitToken = resolveKmsConfig({
      explicit: { region: "cn-north-4", projectId: "p1", authToken: "EXPLICITTOKEN" },
      env: { HW_ACCESS_KEY: "AK1234", HW_SECRET_KEY: "SK1234" },
    });
    expect(explicitToken.credentials).toEqual({ kind: "token", token: "EXPLICITTOKEN" });

    const tie = resolveKmsConfig({
      explicit: { region: "cn-north-4", projectId: "p1" },
      env: { HW_ACCESS_KEY: "AK1234", HW_SECRET_KEY: "SK1234", HW_AUTH_TOKEN: "ENVTOKEN" },
    });
    expect(tie.credentials.kind).toBe("aksk");

    const explicitKeys = resolveKmsConfig({
      explicit: { ...base.explicit },
      stackConfig: stack({ "huaweicloud-kms:authToken": "STACKTOKEN" }),
      env: {},
    });
    expect(explicitKeys.credentials.kind).toBe("aksk");
  });

  it("names every way to set the missing half of a key pair", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1", accessKey: "AK1234" }, env: {} }));
    expect(e.setting).toBe("secretKey");
    expect(e.message).toContain('the provider argument "secretKey"');
    expect(e.message).toContain("pulumi config set --secret huaweicloud-kms:secretKey");
    expect(e.message).toContain("pulumi config set --secret huaweicloud:secretKey");
    for (const v of ["HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK"]) expect(e.message).toContain(v);
    expect(e.message).not.toContain("AK1234");
  });

  it("names both ways to authenticate when no credentials are set", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1" }, env: {} }));
    expect(e.setting).toBe("credentials");
    for (const fragment of [
      "huaweicloud-kms:accessKey",
      "huaweicloud:accessKey",
      "HW_ACCESS_KEY",
      "OS_ACCESS_KEY",
      "HUAWEICLOUD_SDK_AK",
      "huaweicloud-kms:secretKey",
      "HW_SECRET_KEY",
      "huaweicloud-kms:securityToken",
      "HW_SECURITY_TOKEN",
      "huaweicloud-kms:authToken",
      "HW_AUTH_TOKEN",
      "OS_AUTH_TOKEN",
    ]) {
      expect(e.message).toContain(fragment);
    }
  });
});

describe("missing and invalid settings", () => {
  it("requires projectId and names every way to set it", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4", accessKey: "AK1234", secretKey: "SK1234" }, env: {} }));
    expect(e.setting).toBe("projectId");
    expect(e.message).toBe(
      'KMS setting "projectId" is not set (KMS request paths include the project id). Set it with the provider argument "projectId", "pulumi config set huaweicloud-kms:projectId <value>", "pulumi config set huaweicloud:projectId <value>" or one of the environment variables HW_PROJECT_ID, OS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID.',
    );
  });

  it("names no provider argument where there are none (stack config and environment only, the dynamic provider)", () => {
    const e = configError(() =>
      resolveKmsConfig({ stackConfig: (k) => (k === "huaweicloud-kms:region" ? "cn-north-4" : undefined), env: { HW_ACCESS_KEY: "AK1", HW_SECRET_KEY: "SK1" } }),
    );
    expect(e.message).toBe(
      'KMS setting "projectId" is not set (KMS request paths include the project id). Set it with "pulumi config set huaweicloud-kms:projectId <value>", "pulumi config set huaweicloud:projectId <value>" or one of the environment variables HW_PROJECT_ID, OS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID.',
    );
  });

  it("requires a region only when there is no endpoint", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { projectId: "p1", accessKey: "AK1234", secretKey: "SK1234" }, env: {} }));
    expect(e.setting).toBe("region");
    for (const f of ["huaweicloud-kms:region", "huaweicloud:region", "HW_REGION_NAME", "OS_REGION_NAME", "huaweicloud-kms:endpoint", "HW_KMS_ENDPOINT"]) {
      expect(e.message).toContain(f);
    }
    const cfg = resolveKmsConfig({ explicit: { projectId: "p1", accessKey: "AK1234", secretKey: "SK1234", endpoint: "http://127.0.0.1:9000/" }, env: {} });
    expect(cfg.endpoint).toBe("http://127.0.0.1:9000");
    expect(cfg.region).toBeUndefined();
  });

  it("rejects malformed values, naming where they came from", () => {
    expect(configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, projectId: "p/../x" } })).setting).toBe("projectId");
    const region = configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, region: "evil.com/x" } }));
    expect(region.setting).toBe("region");
    expect(region.message).toContain("provider argument region");
    const retries = configError(() => resolveKmsConfig({ ...base, env: { HW_MAX_RETRIES: "lots" } }));
    expect(retries.message).toContain("env HW_MAX_RETRIES");
    expect(configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, maxRetries: -1 } })).setting).toBe("maxRetries");
    expect(configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, maxRetries: 99 } })).setting).toBe("maxRetries");
    expect(configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, maxConcurrency: 0 } })).setting).toBe("maxConcurrency");
    expect(configError(() => resolveKmsConfig({ ...base, explicit: { ...base.explicit, requestTimeoutMs: 1.5 } })).setting).toBe("requestTimeoutMs");
  });

  it("applies defaults and accepts maxRetries 0", () => {
    const cfg = resolveKmsConfig(base);
    expect(cfg).toMatchObject({
      maxRetries: DEFAULT_MAX_RETRIES,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      deadlineMs: DEFAULT_DEADLINE_MS,
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
    });
    expect(DEFAULT_MAX_RETRIES).toBe(5);
    expect(resolveKmsConfig({ ...base, explicit: { ...base.explicit, maxRetries: 0 } }).maxRetries).toBe(0);
    expect(resolveKmsConfig({ ...base, explicit: { ...base.explicit, maxRetries: "4" } }).maxRetries).toBe(4);
    const tuned = resolveKmsConfig({ ...base, explicit: { ...base.explicit, requestTimeoutMs: 5000, deadlineMs: 60000, maxConcurrency: 3 } });
    expect(tuned).toMatchObject({ requestTimeoutMs: 5000, deadlineMs: 60000, maxConcurrency: 3 });
  });
});

describe("a command line (flags and environment, no stack config)", () => {
  const flags = { region: "--region", projectId: "--project-id", endpoint: "--endpoint", maxRetries: "--max-retries" };
  const keys = { HW_ACCESS_KEY: "AK1234", HW_SECRET_KEY: "SK1234" };

  it("names the flag and the environment variables of a missing setting, not stack config or provider arguments", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4" }, env: keys, flags }));
    expect(e.message).toBe(
      'KMS setting "projectId" is not set (KMS request paths include the project id). Set it with the flag --project-id or one of the environment variables HW_PROJECT_ID, OS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID.',
    );
  });

  it("names only the environment for the secrets, which have no flag", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1" }, env: {}, flags }));
    expect(e.setting).toBe("credentials");
    expect(e.message).toContain("accessKey with one of the environment variables HW_ACCESS_KEY, OS_ACCESS_KEY, HUAWEICLOUD_SDK_AK");
    expect(e.message).toContain("securityToken with the environment variable HW_SECURITY_TOKEN");
    expect(e.message).not.toContain("pulumi config");
    expect(e.message).not.toContain("provider argument");
    const region = configError(() => resolveKmsConfig({ explicit: { projectId: "p1" }, env: keys, flags }));
    expect(region.message).toContain("the flag --region or one of the environment variables HW_REGION_NAME, OS_REGION_NAME");
    expect(region.message).toContain("the flag --endpoint or the environment variable HW_KMS_ENDPOINT");
  });

  it("says which flag a bad value came from, and lets a flag win over the environment", () => {
    const e = configError(() => resolveKmsConfig({ explicit: { region: "cn-north-4", projectId: "p1", maxRetries: "lots" }, env: keys, flags }));
    expect(e.message).toBe('KMS setting "maxRetries" (from --max-retries) must be a whole number from 0 to 50, got "lots".');
    const cfg = resolveKmsConfig({ explicit: { projectId: "p1", region: "eu-de" }, env: { ...keys, HW_PROJECT_ID: "p2", HW_REGION_NAME: "cn-north-4" }, flags });
    expect(cfg).toMatchObject({ projectId: "p1", region: "eu-de", sources: { projectId: "--project-id", accessKey: "env HW_ACCESS_KEY" } });
  });
});

describe("endpoints", () => {
  it.each([
    ["cn-north-4", "https://kms.cn-north-4.myhuaweicloud.com"],
    ["ap-southeast-1", "https://kms.ap-southeast-1.myhuaweicloud.com"],
    ["eu-west-101", "https://kms.eu-west-101.myhuaweicloud.eu"],
    ["eu-west-0", "https://kms.eu-west-0.myhuaweicloud.com"],
    ["eu-de", "https://kms.eu-de.otc.t-systems.com"],
    ["eu-nl", "https://kms.eu-nl.otc.t-systems.com"],
  ])("derives %s → %s", (region, endpoint) => {
    expect(endpointForRegion(region)).toBe(endpoint);
    expect(resolveKmsConfig({ ...base, explicit: { ...base.explicit, region } }).endpoint).toBe(endpoint);
  });

  it("lets an explicit endpoint override the region", () => {
    const cfg = resolveKmsConfig({ ...base, explicit: { ...base.explicit, endpoint: "https://kms-proxy.example:8443/prefix/" } });
    expect(cfg.endpoint).toBe("https://kms-proxy.example:8443/prefix");
    expect(cfg.region).toBe("cn-north-4");
  });

  it.each(["http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:9999", "http://127.1.2.3", "http://emulator.localhost:1"])(
    "accepts plain http:// on loopback %s",
    (endpoint) => {
      expect(normalizeEndpoint(endpoint)).toBe(endpoint);
    },
  );

  it.each(["http://kms.cn-north-4.myhuaweicloud.com", "http://10.0.0.1:8080", "http://localhost.evil.com", "http://127.0.0.1.nip.io"])(
    "refuses plain http:// to %s",
    (endpoint) => {
      const e = configError(() => normalizeEndpoint(endpoint));
      expect(e.setting).toBe("endpoint");
      expect(e.message).toMatch(/http:\/\/.*unencrypted.*https:\/\//);
    },
  );

  it("refuses other schemes, embedded credentials, queries and non-URLs", () => {
    expect(configError(() => normalizeEndpoint("ftp://kms.example")).message).toContain("https://");
    const creds = configError(() => normalizeEndpoint("https://user:hunter22@kms.example"));
    expect(creds.message).not.toContain("hunter22");
    expect(configError(() => normalizeEndpoint("https://kms.example/?a=1")).message).toContain("query");
    expect(configError(() => normalizeEndpoint("https://kms example")).message).toContain("not a URL");
  });

  it("quotes an endpoint without a scheme as written and says to add https://", () => {
    const e = configError(() => normalizeEndpoint("localhost:4566", "env HW_KMS_ENDPOINT"));
    expect(e.setting).toBe("endpoint");
    expect(e.message).toBe(
      'KMS endpoint "localhost:4566" (from env HW_KMS_ENDPOINT) has no scheme: add https:// in front, e.g. "https://localhost:4566" (http:// is accepted only for loopback hosts such as 127.0.0.1 or localhost).',
    );
    expect(configError(() => normalizeEndpoint("kms.cn-north-4.myhuaweicloud.com")).message).toContain(
      'KMS endpoint "kms.cn-north-4.myhuaweicloud.com" (from endpoint) has no scheme: add https:// in front, e.g. "https://kms.cn-north-4.myhuaweicloud.com"',
    );
  });

  it("does not quote back the password of an endpoint without a scheme", () => {
    const e = configError(() => normalizeEndpoint("admin:hunter22@kms.example"));
    expect(e.message).not.toContain("hunter22");
    expect(e.message).toContain("must not contain user credentials");
  });
});

describe("secrets", () => {
  it("lists the secret values of either credential kind", () => {
    expect(secretsOf({ credentials: { kind: "aksk", accessKey: "AK", secretKey: "SK", securityToken: "ST" } })).toEqual(["AK", "SK", "ST"]);
    expect(secretsOf({ credentials: { kind: "token", token: "T" } })).toEqual(["T"]);
  });

  it("never puts a secret into a config error message", () => {
    const e = configError(() =>
      resolveKmsConfig({
        explicit: { accessKey: "AKSECRET123", secretKey: "SKSECRET456", securityToken: "STSECRET789", region: "cn-north-4" },
        env: { HW_AUTH_TOKEN: "TOKSECRET000" },
      }),
    );
    for (const s of ["AKSECRET123", "SKSECRET456", "STSECRET789", "TOKSECRET000"]) expect(e.message).not.toContain(s);
  });

  it("is recognized by its marker, not by name", () => {
    const e = new KmsConfigError("region", "boom");
    expect(KmsConfigError.isInstance(e)).toBe(true);
    expect(KmsProviderError.isInstance(e)).toBe(true);
    expect(KmsConfigError.isInstance({ name: "KmsConfigError", message: "boom" })).toBe(false);
    expect(KmsConfigError.isInstance(new Error("boom"))).toBe(false);
    expect(KmsConfigError.isInstance(null)).toBe(false);
  });
});
