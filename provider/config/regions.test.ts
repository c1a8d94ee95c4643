import { describe, expect, it } from "vitest";
import { cloudOfRegion, endpointFromTemplate, iamEndpointOfRegion, kmsEndpointOfRegion, regionOfProject } from "./regions.js";

describe("regions", () => {
  it("derives a project's region from its name, sub-projects included", () => {
    expect(regionOfProject("cn-north-4")).toBe("cn-north-4");
    expect(regionOfProject("cn-north-4_payments")).toBe("cn-north-4");
    expect(regionOfProject("eu-de_team_a")).toBe("eu-de");
  });

  it("knows each cloud's KMS and IAM endpoints, and no endpoint for a region it does not know", () => {
    expect(kmsEndpointOfRegion("cn-north-4")).toBe("https://kms.cn-north-4.myhuaweicloud.com");
    expect(kmsEndpointOfRegion("eu-west-101")).toBe("https://kms.eu-west-101.myhuaweicloud.eu");
    expect(kmsEndpointOfRegion("eu-nl")).toBe("https://kms.eu-nl.otc.t-systems.com");
    expect(kmsEndpointOfRegion("xx-nowhere-9")).toBeUndefined();
    expect(cloudOfRegion("constructor")).toBeUndefined();
    expect(iamEndpointOfRegion("eu-de")).toBe("https://iam.eu-de.otc.t-systems.com");
    expect(iamEndpointOfRegion("eu-west-101")).toBe("https://iam.myhuaweicloud.eu");
    expect(iamEndpointOfRegion(undefined)).toBe("https://iam.myhuaweicloud.com");
  });

  it("fills an endpoint template's {region}", () => {
    expect(endpointFromTemplate("http://127.0.0.1:4566/{region}", "eu-de")).toBe("http://127.0.0.1:4566/eu-de");
    expect(endpointFromTemplate("https://kms.example", "eu-de")).toBe("https://kms.example");
  });
});
