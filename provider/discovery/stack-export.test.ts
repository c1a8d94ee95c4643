import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE_KEYS } from "../../test/fixtures/state/fixture-keys.js";
import { keysOfStackExport, StackExportError } from "./stack-export.js";

const FIXTURES = join(__dirname, "../../test/fixtures/state");
/** A committed deployment (what a release's dynamic KeyRotations left), as `pulumi stack export` prints it. */
const exported = (fixture: string): string => JSON.stringify({ version: 3, deployment: JSON.parse(readFileSync(join(FIXTURES, fixture), "utf8")) as unknown });

const STACK = "urn:pulumi:prod::platform::";
const plugin = (name: string, keyId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  urn: `${STACK}huaweicloud-kms:index:KeyRotation::${name}`,
  custom: true,
  id: keyId,
  type: "huaweicloud-kms:index:KeyRotation",
  inputs: { keyId, enabled: true, intervalDays: 90 },
  outputs: { keyId, enabled: true, intervalDays: 90 },
  provider: `${STACK}pulumi:providers:huaweicloud-kms::default_0_3_0::1b2c`,
  ...extra,
});
const doc = (resources: unknown[]): string => JSON.stringify({ version: 3, deployment: { manifest: { version: "v3.277.0" }, resources } });

describe("keysOfStackExport", () => {
  it.each(["0.1.0-installed.json", "0.1.0-linked.json"])("reads every key the dynamic provider's KeyRotations manage: %s", (fixture) => {
    expect(keysOfStackExport(exported(fixture), "state.json")).toEqual({ stack: "kms-upgrade/upgrade", keyIds: new Set(Object.values(FIXTURE_KEYS)) });
  });

  it("takes the deployment alone too (Automation API's exportStack().deployment)", () => {
    expect(keysOfStackExport(readFileSync(join(FIXTURES, "0.1.0-installed.json"), "utf8"), "d.json").keyIds.size).toBe(3);
  });

  it("reads the plugin's KeyRotations; a secret keyId still counts by the resource id; a resource read with .get manages nothing", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
    const keys = keysOfStackExport(
      doc([
        { urn: `${STACK}pulumi:pulumi:Stack::platform-prod`, custom: false, type: "pulumi:pulumi:Stack" },
        plugin("orders", "0d0466b0-e727-4d9c-b35d-f84bb474a37f"),
        plugin("hidden", "1e1577c1-f838-4e0d-a46e-095cc585b480", { inputs: { keyId: secret }, outputs: { keyId: secret } }),
        plugin("looked-up", "2f2688d2-0949-4f1e-957f-1a6dd696c591", { external: true }),
      ]),
      "s.json",
    );
    expect(keys).toEqual({ stack: "platform/prod", keyIds: new Set(["0d0466b0-e727-4d9c-b35d-f84bb474a37f", "1e1577c1-f838-4e0d-a46e-095cc585b480"]) });
  });

  it("leaves other resources alone, other dynamic resources with a keyId included", () => {
    const keys = keysOfStackExport(
      doc([
        { urn: `${STACK}pulumi-nodejs:dynamic:Resource::other`, type: "pulumi-nodejs:dynamic:Resource", id: "x", inputs: { keyId: "3a3799e3-1a5a-402f-a680-2b7ee7a7d6a2", __provider: "exports.handler = __f0;" } },
        { urn: `${STACK}huaweicloud:Kms/key:Key::k`, type: "huaweicloud:Kms/key:Key", id: "4b48aaf4-2b6b-4130-9791-3c8ff8b8e7b3", inputs: { keyAlias: "k" } },
      ]),
      "s.json",
    );
    expect(keys.keyIds).toEqual(new Set());
  });

  it("an empty stack manages no key", () => {
    expect(keysOfStackExport(JSON.stringify({ version: 3, deployment: { manifest: {} } }), "empty.json")).toEqual({ keyIds: new Set() });
  });

  it.each([
    ["not json", "it is not JSON"],
    ["[1, 2]", "it is not a JSON object"],
    ['{"resources": []}', 'it has no "deployment"'],
    ['{"version": 3, "deployment": []}', '"deployment" is not an object'],
    ['{"version": 3, "deployment": {"resources": {}}}', '"deployment.resources" is not a list'],
    ['{"version": 3, "deployment": {"resources": [7]}}', '"deployment.resources" holds something that is not a resource'],
  ])("refuses anything else in one line naming the file and what was expected: %s", (text, why) => {
    const refusal = ((): unknown => {
      try {
        return keysOfStackExport(text, "keys.json");
      } catch (e) {
        return e;
      }
    })();
    expect(refusal).toBeInstanceOf(StackExportError);
    expect((refusal as Error).message).toBe(
      `keys.json is not a stack export: ${why}; expected the JSON that \`pulumi stack export\` prints ({"version": 3, "deployment": {"resources": [...]}})`,
    );
  });
});
