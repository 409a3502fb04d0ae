/**
 * Vitest global setup: the run's temporary folder, checked empty at the end. Every test process
 * gets a folder of its own as TMPDIR (os.tmpdir()), created here; the teardown lists what is left
 * in it, removes it, and fails the run when something was left: a test or a demo server that
 * does not clean up after itself (its folders would pile up in the machine's temporary folder)
 * is found by name. Runs side by side (other worktrees, CI jobs) each check only their own folder.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable by which tests find the run's folder (test/tmpGuard.test.ts checks it is os.tmpdir()). */
export const RUN_TMPDIR_VARIABLE = 'KAMELEOON_TS_RUN_TMPDIR';

/**
 * Caches that tools keep in the temporary folder under a fixed name, reused by every later run
 * rather than piled up: tsx's compile cache (`tsx-<uid>`, from the processes started with
 * `--import tsx`; `npm run demo` runs without it, TSX_DISABLE_CACHE=1).
 */
const TOOL_CACHES = /^tsx-\d+$/;

/** What is left in `dir`, by name, sorted; tools' caches aside. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !TOOL_CACHES.test(name))
    .sort();
}

/** The failure for what was left, or undefined when nothing was. */
export function leftoversError(left: readonly string[]): Error | undefined {
  if (left.length === 0) return undefined;
  return new Error(`The tests left ${left.length} item(s) in the temporary folder (each test removes what it creates there): ${left.join(', ')}`);
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-run-'));
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  process.env.TMPDIR = process.env.TMP = process.env.TEMP = dir;
  process.env[RUN_TMPDIR_VARIABLE] = dir;
  return () => {
    const left = leftovers(dir);
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
    const error = leftoversError(left);
    if (!error) return;
    // Vitest reports an error thrown here but exits 0 for it: the exit code says it too.
    process.exitCode = 1;
    throw error;
  };
}
