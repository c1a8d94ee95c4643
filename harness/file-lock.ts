// A lock file between test processes that build the same cached thing (a release, a virtualenv):
// created exclusively, holding the holder's pid; a lock whose holder is gone is broken.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the lock file, or returns false while a live process holds it (a dead holder's lock is
 * broken, and `onBreak` told of it).
 */
export function tryLock(lock: string, onBreak: (holder: number) => void = () => undefined): boolean {
  try {
    const fd = openSync(lock, "wx");
    writeFileSync(fd, `${String(process.pid)}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const holder = Number.parseInt(existsSync(lock) ? readFileSync(lock, "utf8") : "", 10);
  // An empty file is a lock being written this instant: alive.
  if (Number.isNaN(holder) || processAlive(holder)) return false;
  onBreak(holder);
  rmSync(lock, { force: true });
  return tryLock(lock, onBreak);
}
