// Scans the projects of an account a few at a time: each project's inventory is its own run of
// calls against its own region, so several run at once, within a bound the user sets (each run
// still keeps within the per-endpoint request budget of the KMS client). A project that fails
// ends only its own scan: its error is kept beside the others' results, in plan order.
/** One project's result: its value, or the error that ended its scan. */
export type ScanOutcome<T, V> = { target: T; value: V } | { target: T; error: unknown };

/** Runs `scan` over `targets`, at most `concurrency` at once; outcomes in `targets` order. */
export async function scanProjects<T, V>(targets: readonly T[], concurrency: number, scan: (target: T) => Promise<V>): Promise<ScanOutcome<T, V>[]> {
  const outcomes: ScanOutcome<T, V>[] = new Array<ScanOutcome<T, V>>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i] as T;
      try {
        outcomes[i] = { target, value: await scan(target) };
      } catch (error) {
        outcomes[i] = { target, error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), targets.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}
