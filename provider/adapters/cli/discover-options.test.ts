import { describe, expect, it } from "vitest";
import { KmsProviderError } from "../../errors/kms-provider-error.js";
import { CliUsageError, DISCOVER_USAGE, parseDiscoverArgs } from "./discover-options.js";

function usageError(argv: string[]): string {
  try {
    parseDiscoverArgs(argv);
  } catch (e) {
    if (CliUsageError.isInstance(e)) return e.message;
    throw e;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseDiscoverArgs", () => {
  it("defaults to every key, pages of 1,000, KMS's longest interval, the table and progress", () => {
    expect(parseDiscoverArgs([])).toEqual({ settings: {}, policy: { maxIntervalDays: 365 }, pageSize: 1000, json: false, quiet: false, allProjects: false, projectConcurrency: 4 });
  });

  it("reads every flag", () => {
    expect(
      parseDiscoverArgs([
        "--max-interval", "90", "--json", "--quiet", "--import-file", "keys.json", "--policy-file=policy.yaml",
        "--exclude-state", "team.json", "--exclude-state=platform.json",
        "--page-size", "5", "--key-state", "enabled", "--key-spec", "sm4",
        "--region", "eu-de", "--project-id", "p1", "--endpoint", "http://127.0.0.1:4566",
        "--max-retries", "0", "--request-timeout-ms", "500", "--deadline-ms", "9000", "--max-concurrency", "4",
      ]),
    ).toEqual({
      settings: { region: "eu-de", projectId: "p1", endpoint: "http://127.0.0.1:4566", maxRetries: "0", requestTimeoutMs: "500", deadlineMs: "9000", maxConcurrency: "4" },
      policy: { maxIntervalDays: 90 },
      pageSize: 5,
      keyState: "2",
      keySpec: "SM4",
      json: true,
      quiet: true,
      importFile: "keys.json",
      policyFile: "policy.yaml",
      excludeState: ["team.json", "platform.json"],
      allProjects: false,
      projectConcurrency: 4,
    });
    expect(usageError(["--exclude-state", " "])).toBe("--exclude-state needs a file path");
    expect(parseDiscoverArgs(["-q", "--key-state", "4", "--key-spec", "ALL"])).toMatchObject({ quiet: true, keyState: "4" });
    expect(parseDiscoverArgs(["--key-spec", "ALL"])).not.toHaveProperty("keySpec");
    expect(parseDiscoverArgs(["--key-state", "Pending Deletion"])).toMatchObject({ keyState: "4" });
  });

  it("reads the account flags: --all-projects, --project (repeatable), --project-concurrency, --iam-endpoint", () => {
    expect(
      parseDiscoverArgs(["--all-projects", "--project", "eu-de", "--project= cn-north-4_payments ", "--project-concurrency", "2", "--iam-endpoint", "http://127.0.0.1:4566/iam"]),
    ).toMatchObject({ allProjects: true, projects: ["eu-de", "cn-north-4_payments"], projectConcurrency: 2, iamEndpoint: "http://127.0.0.1:4566/iam" });
    expect(parseDiscoverArgs(["--all-projects"])).not.toHaveProperty("projects");
    expect(usageError(["--all-projects", "--project-concurrency", "0"])).toBe('--project-concurrency "0" is not a whole number of projects from 1 to 64');
    expect(usageError(["--all-projects", "--project", " "])).toBe("--project needs a project name or id");
    expect(usageError(["--all-projects", "--project-id", "p1"])).toBe(
      "--project-id names one project, --all-projects scans every one: pick projects of the account with --project <name or id>",
    );
    for (const flag of [["--project", "eu-de"], ["--project-concurrency", "2"], ["--iam-endpoint", "https://iam.example.com"]]) {
      expect(usageError(flag)).toBe(`${flag[0] ?? ""} picks how the account's projects are scanned: give it with --all-projects (one project is named with --project-id)`);
    }
  });

  it("answers --help with the usage, which names every flag and the exit codes", () => {
    expect(parseDiscoverArgs(["--help"])).toBe("help");
    expect(parseDiscoverArgs(["-h"])).toBe("help");
    for (const flag of ["--max-interval", "--json", "--import-file", "--policy-file", "--exclude-state", "--quiet", "--page-size", "--key-state", "--key-spec", "--region", "--project-id", "--endpoint", "--all-projects", "--project", "--project-concurrency", "--iam-endpoint", "HW_IAM_ENDPOINT", "{region}", "HW_SECRET_KEY", "Exit codes"]) {
      expect(DISCOVER_USAGE).toContain(flag);
    }
  });

  it("refuses a policy interval KMS would not accept, naming the flag, the value and the rule", () => {
    const rule = "is not a whole number of days from 30 to 365 (the rotation intervals KMS accepts)";
    expect(usageError(["--max-interval", "400"])).toBe(`--max-interval "400" ${rule}`);
    expect(usageError(["--max-interval", "29"])).toBe(`--max-interval "29" ${rule}`);
    expect(usageError(["--max-interval", "90.5"])).toBe(`--max-interval "90.5" ${rule}`);
    expect(usageError(["--max-interval", "ninety"])).toBe(`--max-interval "ninety" ${rule}`);
    expect(parseDiscoverArgs(["--max-interval", "30"])).toMatchObject({ policy: { maxIntervalDays: 30 } });
  });

  it("refuses page sizes and filters list-keys would refuse", () => {
    expect(usageError(["--page-size", "0"])).toBe('--page-size "0" is not a whole number of keys from 1 to 1000');
    expect(usageError(["--page-size", "1001"])).toBe('--page-size "1001" is not a whole number of keys from 1 to 1000');
    expect(usageError(["--key-state", "frozen"])).toContain('--key-state "frozen" is not a state list-keys filters on: pending-activation (1), enabled (2)');
    expect(usageError(["--key-spec", "AES_128"])).toBe('--key-spec "AES_128" is not one of AES_256, SM4, RSA_2048, RSA_3072, RSA_4096, EC_P256, EC_P384, SM2, ALL');
  });

  it("refuses unknown flags, missing values and stray arguments in one line", () => {
    expect(usageError(["--max-intervals", "90"])).toBe("Unknown option '--max-intervals'");
    expect(usageError(["--region"])).toContain("--region");
    expect(usageError(["extra"])).toContain("Unexpected argument 'extra'");
    expect(usageError(["--import-file", " "])).toBe("--import-file needs a file path");
    expect(usageError(["--import-file", "out", "--policy-file", "out"])).toBe('--import-file and --policy-file name the same file "out"');
  });

  it("takes no secret as a flag, says where it belongs, and never quotes its value", () => {
    for (const [flag, env] of [
      ["--access-key", "HW_ACCESS_KEY, OS_ACCESS_KEY, HUAWEICLOUD_SDK_AK"],
      ["--secret-key", "HW_SECRET_KEY, OS_SECRET_KEY, HUAWEICLOUD_SDK_SK"],
      ["--security-token", "HW_SECURITY_TOKEN"],
      ["--auth-token", "HW_AUTH_TOKEN, OS_AUTH_TOKEN"],
    ] as const) {
      const message = usageError(["--region", "eu-de", `${flag}=hunter2-secret`]);
      expect(message).toBe(`${flag} is not accepted: credentials come from the environment only (${env}), since a flag's value shows in ps and in shell history`);
      expect(usageError([flag, "hunter2-secret"])).not.toContain("hunter2");
    }
  });

  it("is an error of the package's family", () => {
    const e = new CliUsageError("bad");
    expect(KmsProviderError.isInstance(e)).toBe(true);
    expect(CliUsageError.isInstance(new Error("bad"))).toBe(false);
    expect(e.name).toBe("CliUsageError");
  });
});
