// Progress of a long inventory as a few lines on stderr: one per list-keys page, one per owners'
// listing (1,000 claimed keys each), and the status reads in tenths (at most ten lines, whatever the number of keys), so a 10,000-key run shows it
// is moving without burying the terminal or a CI log. Pure: `write` receives each line.
import { count, plural } from "../../discovery/discovery-report.js";
import type { InventoryProgress } from "../../discovery/key-inventory.js";

/** An `onProgress` for takeInventory that writes lines through `write`. */
export function progressLines(write: (line: string) => void): (progress: InventoryProgress) => void {
  let tenthsShown = 0;
  return (p) => {
    if (p.phase === "list") {
      const of = p.total === undefined ? "" : ` of ${count(p.total)}`;
      write(`listed ${count(p.keys)}${of} keys (${plural(p.pages, "page")})`);
      return;
    }
    if (p.phase === "owners") {
      write(`listed the owners of ${count(p.keys)} of ${plural(p.total, "claimed key")} (${plural(p.calls, "call")})`);
      return;
    }
    const tenths = p.of === 0 ? 10 : Math.floor((p.done * 10) / p.of);
    if (tenths <= tenthsShown) return;
    tenthsShown = tenths;
    write(`read the rotation of ${count(p.done)} of ${plural(p.of, "rotating key")}`);
  };
}
