import { describe, expect, it } from "vitest";
import { fileNamePart, projectFilePath, projectFilePaths } from "./project-files.js";

describe("one file per project", () => {
  it("puts the project's name between the given path's stem and its extension, in the same directory", () => {
    expect(projectFilePath("keys.json", "eu-de")).toBe("keys.eu-de.json");
    expect(projectFilePath("out/import.json", "cn-north-4_payments")).toBe("out/import.cn-north-4_payments.json");
    expect(projectFilePath("./policy.yaml", "eu-de")).toBe("policy.eu-de.yaml");
    expect(projectFilePath("/tmp/a.b/policy", "eu-de")).toBe("/tmp/a.b/policy.eu-de");
  });

  it("keeps a name to characters a file name can hold, and never lets it climb out of the directory", () => {
    expect(fileNamePart("eu-de_team one/two")).toBe("eu-de_team-one-two");
    expect(fileNamePart("..")).toBe("-");
    expect(projectFilePath("keys.json", "../../etc")).toBe("keys.--..-etc.json");
  });

  it("tells apart two projects whose names become the same file name with their ids", () => {
    const paths = projectFilePaths("keys.json", [
      { projectId: "p1", name: "eu-de_a b" },
      { projectId: "p2", name: "eu-de_a/b" },
      { projectId: "p3", name: "eu-de" },
    ]);
    expect([...paths.values()]).toEqual(["keys.eu-de_a-b.p1.json", "keys.eu-de_a-b.p2.json", "keys.eu-de.json"]);
  });
});
