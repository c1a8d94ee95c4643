// The vitest suite of the fault matrix for some operations; two test files share it so that the
// four operations run in two workers. See fault-matrix.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKmsTestbed, type KmsTestbed } from "../../harness/kms-testbed.js";
import { FAULT_CASES, assertCase, assertConverged, failureOf, runMatrix, type MatrixOperation, type MatrixRun } from "./fault-matrix.js";

/** Every fault of FAULT_CASES on its own key in one run of each operation, then a clean refresh. */
export function faultMatrixSuite(ops: MatrixOperation[]): void {
  describe.each(ops)("%s under faults", (op) => {
    let bed: KmsTestbed;
    let run: MatrixRun;

    beforeAll(async () => {
      bed = await startKmsTestbed();
      run = await runMatrix(bed, op);
    });
    afterAll(async () => {
      await run.dispose();
      await bed.dispose();
    });

    it("the run fails only for the permanent faults, and the clean refresh after it changes nothing in KMS", () => {
      const permanent = FAULT_CASES.filter((c) => failureOf(op, c) !== undefined).length;
      expect(run.outcome.ok).toBe(permanent === 0);
      expect(run.refresh).toEqual({ ok: true, error: "" });
      expect(run.refreshMutations).toEqual([]);
      expect(run.converge).toEqual({ ok: true, error: "" });
    });

    it.each(FAULT_CASES.map((c) => [c.id, c] as const))(`${op} × %s`, (_id, c) => {
      assertCase(run, c);
      assertConverged(run, c);
    });
  });
}
