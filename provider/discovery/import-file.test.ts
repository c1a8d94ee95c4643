import { describe, expect, it } from "vitest";
import { buildImportFile, renderImportFile } from "./import-file.js";

const plugin = { version: "1.2.3", pluginDownloadUrl: "https://example.test/releases/v${VERSION}" };

const none = { owner: null, inState: null };
const keys = [
  { keyId: "0d0466b0-e727-4d9c-b35d-f84bb474a37f", name: "orders-db", rotatable: true, ...none },
  { keyId: "1e1577c1-f838-4e0d-c46e-095cc585b480", name: "obs-default", rotatable: false, ...none },
  { keyId: "2f2688d2-0949-4f1e-d57f-1a6dd696c591", name: "payments", rotatable: true, ...none },
  { keyId: "3a3799e3-1a5a-402f-e680-2b7ee7a7d6a2", name: "payments-3a3799e3", rotatable: true, ...none },
  // Managed by a stack already: importing them again would put two resources on one key.
  { keyId: "4b48aaf4-2b6b-4130-9791-3c8ff8b8e7b3", name: "billing", rotatable: true, owner: "billing/prod", inState: null },
  { keyId: "5c59bb05-3c7c-4241-8802-4d90090a8fc4", name: "team", rotatable: true, owner: null, inState: { file: "team.json", stack: null } },
];

describe("buildImportFile", () => {
  it("lists every rotatable key no stack manages as a KeyRotation of the plugin, named as in the report, with the key id as id and the plugin's version and download URL", () => {
    expect(buildImportFile(keys, plugin)).toEqual({
      resources: [
        { type: "huaweicloud-kms:index:KeyRotation", name: "orders-db", id: "0d0466b0-e727-4d9c-b35d-f84bb474a37f", ...plugin },
        { type: "huaweicloud-kms:index:KeyRotation", name: "payments", id: "2f2688d2-0949-4f1e-d57f-1a6dd696c591", ...plugin },
        { type: "huaweicloud-kms:index:KeyRotation", name: "payments-3a3799e3", id: "3a3799e3-1a5a-402f-e680-2b7ee7a7d6a2", ...plugin },
      ],
    });
  });

  it("writes JSON the CLI's import file reader takes: resources of type, name, id, version and pluginDownloadUrl only", () => {
    const text = renderImportFile(buildImportFile(keys, plugin));
    expect(text.endsWith("\n")).toBe(true);
    const parsed = JSON.parse(text) as { resources: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(["resources"]);
    for (const r of parsed.resources) expect(Object.keys(r)).toEqual(["type", "name", "id", "version", "pluginDownloadUrl"]);
    expect(buildImportFile([], plugin)).toEqual({ resources: [] });
  });
});
