import { describe, expect, it } from "vitest";
import type { IamProject } from "../iam/iam-schemas.js";
import { isEndpointTemplate, planAccountScan } from "./account-plan.js";

const project = (id: string, name: string, more: Partial<IamProject> = {}): IamProject => ({ id, name, enabled: true, isDomain: false, ...more });

const ACCOUNT = [
  project("p-eu", "eu-de"),
  project("p-cn", "cn-north-4"),
  project("p-pay", "cn-north-4_payments"),
  project("p-off", "ap-southeast-1", { enabled: false }),
  project("p-mars", "mars-north-1"),
  project("p-mos", "MOS"),
  project("d-1", "my-account", { isDomain: true }),
];

describe("planAccountScan", () => {
  it("scans every enabled project in its region's KMS, sub-projects in their region's, by name", () => {
    const plan = planAccountScan(ACCOUNT);
    expect(plan.targets.map((t) => [t.name, t.region, t.endpoint ?? t.problem])).toEqual([
      ["cn-north-4", "cn-north-4", "https://kms.cn-north-4.myhuaweicloud.com"],
      ["cn-north-4_payments", "cn-north-4", "https://kms.cn-north-4.myhuaweicloud.com"],
      ["eu-de", "eu-de", "https://kms.eu-de.otc.t-systems.com"],
      ["mars-north-1", "mars-north-1", expect.stringContaining('region "mars-north-1" of project mars-north-1 is not a region this command knows') as unknown],
    ]);
    // A disabled project, and one named after no region, are named as not scanned; the account
    // itself is no project at all.
    expect(plan.skipped).toEqual([
      { projectId: "p-mos", name: "MOS", reason: "not a region's project" },
      { projectId: "p-off", name: "ap-southeast-1", reason: "disabled" },
    ]);
    expect(plan.listed).toBe(6);
    expect(plan.unmatched).toEqual([]);
  });

  it("puts each region in an endpoint template, known regions only", () => {
    const plan = planAccountScan(ACCOUNT, { endpointTemplate: "http://127.0.0.1:4566/{region}" });
    expect(plan.targets.map((t) => t.endpoint)).toEqual(["http://127.0.0.1:4566/cn-north-4", "http://127.0.0.1:4566/cn-north-4", "http://127.0.0.1:4566/eu-de", undefined]);
    expect(isEndpointTemplate("https://kms.{region}.example.com")).toBe(true);
    expect(isEndpointTemplate("http://127.0.0.1:4566")).toBe(false);
  });

  it("picks projects by name or id, and names the selectors that match none", () => {
    const plan = planAccountScan(ACCOUNT, { selectors: ["p-eu", "cn-north-4_payments", "ap-southeast-1", "nowhere", "my-account"] });
    expect(plan.targets.map((t) => t.name)).toEqual(["cn-north-4_payments", "eu-de"]);
    expect(plan.skipped.map((s) => s.name)).toEqual(["ap-southeast-1"]);
    expect(plan.unmatched).toEqual(["nowhere", "my-account"]);
  });
});
