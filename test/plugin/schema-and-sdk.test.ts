// schema.json bound by the Pulumi CLI's own schema binder (schema.BindSpec, pkg v3.277.0) with no
// diagnostics, and sdk/python and sdk/go exactly what python.GeneratePackage and go.GeneratePackage
// (plus the go.mod and go.sum that `go mod tidy` completes) make of it today. All run the Go tool
// scripts/gen-sdk through scripts/gen-sdk.sh, which builds it once into the cache (about 40 s on 2
// cores the first time). That the Go SDK compiles and works is test/install/go.test.ts's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sdkFiles } from "../../harness/python-venv.js";
import { goImportPath, readPackageManifest } from "../../provider/engine/package-manifest.js";

const root = resolve(__dirname, "../..");
const REGENERATE = "npm run gen:sdk   (bash scripts/gen-sdk.sh), then commit sdk/python and sdk/go";
const tmp = mkdtempSync(join(tmpdir(), "kms-gen-sdk-"));

function genSdk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("bash", [join(root, "scripts/gen-sdk.sh"), ...args], { encoding: "utf8", cwd: root });
  return { status: r.status, stderr: r.stderr };
}


/** Expects sdk/<sdk> to hold exactly the files of `generated`, byte for byte. */
function expectCommitted(sdk: "python" | "go", generated: string): void {
  const committed = join(root, "sdk", sdk);
  const want = sdkFiles(generated);
  expect(sdkFiles(committed), `sdk/${sdk} has other files than the generator writes; regenerate: ${REGENERATE}`).toEqual(want);
  const differing = want.filter((f) => !readFileSync(join(generated, f)).equals(readFileSync(join(committed, f))));
  expect(differing, `sdk/${sdk} differs from what schema.json generates; regenerate: ${REGENERATE}`).toEqual([]);
}

describe("schema.json and the generated Python and Go SDKs", () => {
  const out = join(tmp, "sdk");
  let run: { status: number | null; stderr: string } | undefined;
  const generated = (): { status: number | null; stderr: string } => (run ??= genSdk(["--out", out]));

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it("schema.json binds with schema.BindSpec without a diagnostic, and sdk/python is its generated SDK", () => {
    const { status, stderr } = generated();
    const diagnostics = stderr.split("\n").filter((l) => l.startsWith("bind diagnostic"));
    expect(diagnostics, stderr).toEqual([]);
    expect(status, stderr).toBe(0);
    expect(stderr).toContain("bind diagnostics: none");
    expect(sdkFiles(join(out, "python"))).toContain("pulumi_huaweicloud_kms/key_rotation.py");
    expectCommitted("python", join(out, "python"));
  }, 300_000);

  it("sdk/go is its generated Go SDK: a module named after language.go.importBasePath, on a served Pulumi Go SDK", () => {
    const { status, stderr } = generated();
    expect(status, stderr).toBe(0);
    const goOut = join(out, "go");
    const schema = JSON.parse(readFileSync(join(root, "schema.json"), "utf8")) as { language: { go: { importBasePath: string } } };
    const importPath = schema.language.go.importBasePath;
    // package.json's publishing.goModule is the module; the package folder is inside it.
    expect(importPath).toBe(goImportPath(readPackageManifest(root)));
    const goMod = readFileSync(join(goOut, "go.mod"), "utf8");
    expect(goMod).toContain(`module ${dirname(importPath)}\n`);
    expect(goMod).toMatch(/^\tgithub\.com\/pulumi\/pulumi\/sdk\/v3 v3\.277\.0$/m);
    expect(sdkFiles(goOut)).toEqual(expect.arrayContaining(["go.sum", "huaweicloudkms/keyRotation.go", "huaweicloudkms/listKeys.go", "huaweicloudkms/pulumi-plugin.json"]));
    expectCommitted("go", goOut);
    // That it compiles and works is test/install/go.test.ts's: a Go program on a copy of sdk/go, through the CLI.
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
