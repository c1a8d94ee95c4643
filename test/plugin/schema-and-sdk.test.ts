// schema.json bound by the Pulumi CLI's own schema binder (schema.BindSpec, pkg v3.274.1) with no
// diagnostics, and sdk/python exactly what python.GeneratePackage makes of it today. Both run the
// Go tool scripts/gen-sdk through scripts/gen-sdk.sh, which builds it once into the cache
// (seconds with the CLI's compile cache, about 2 minutes on 2 cores without).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sdkFiles } from "../../harness/python-venv.js";

const root = resolve(__dirname, "../..");
const REGENERATE = "npm run gen:sdk   (bash scripts/gen-sdk.sh), then commit sdk/python";
const tmp = mkdtempSync(join(tmpdir(), "kms-gen-sdk-"));

function genSdk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("bash", [join(root, "scripts/gen-sdk.sh"), ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stderr: r.stderr };
}


describe("schema.json and the generated Python SDK", () => {
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it("schema.json binds with schema.BindSpec without a diagnostic, and sdk/python is its generated SDK", () => {
    const out = join(tmp, "python");
    const run = genSdk(["--out", out]);
    const diagnostics = run.stderr.split("\n").filter((l) => l.startsWith("bind diagnostic"));
    expect(diagnostics, run.stderr).toEqual([]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("bind diagnostics: none");

    const committed = join(root, "sdk/python");
    const want = sdkFiles(out);
    expect(want).toContain("pulumi_huaweicloud_kms/key_rotation.py");
    expect(sdkFiles(committed), `sdk/python has other files than the generator writes; regenerate: ${REGENERATE}`).toEqual(want);
    const differing = want.filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join(committed, f))));
    expect(differing, `sdk/python differs from what schema.json generates; regenerate: ${REGENERATE}`).toEqual([]);
  }, 300_000);

  it("a schema with mistakes fails the bind, listing each diagnostic", () => {
    const schema = JSON.parse(readFileSync(join(root, "schema.json"), "utf8")) as {
      resources: Record<string, { inputProperties: Record<string, { type?: string }>; requiredInputs?: string[] }>;
    };
    const resource = schema.resources["huaweicloud-kms:index:KeyRotation"];
    if (resource === undefined) throw new Error("schema.json has no KeyRotation");
    resource.inputProperties.intervalDays = { type: "strin" };
    resource.requiredInputs = [...(resource.requiredInputs ?? []), "nope"];
    const bad = join(tmp, "bad-schema.json");
    writeFileSync(bad, JSON.stringify(schema));

    const run = genSdk(["--schema", bad, "--check"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("bind diagnostic: error: #/resources/huaweicloud-kms:index:KeyRotation/inputProperties/intervalDays/type: unknown type kind strin");
    expect(run.stderr).toContain('bind diagnostic: error: #/resources/huaweicloud-kms:index:KeyRotation/requiredInputs/1: unknown required property "nope"');
    expect(run.stderr).toMatch(/error: .*bad-schema\.json: \d+ bind diagnostic\(s\)/);
  }, 300_000);
});
