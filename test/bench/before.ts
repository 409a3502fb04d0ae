/**
 * `npm run bench -- --before <git revision>`: the browser and size rows also measure our SDK as it
 * was at that revision (issue 20: "no slower than today's build"), from a detached git worktree
 * of it in a temporary directory that shares this checkout's node_modules. The revision's own
 * bench page (test/bench/pages/oursPage.ts) is bundled; the message-codes transform applies as in
 * the standard browser build (it changes nothing where the sources have no `msg` tags).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The environment variable that carries `--before` to the bench's child processes. */
export const BEFORE_ENV = 'KTS_BENCH_BEFORE';

/** The revision `--before` named (for this process and its children), if any. */
export function beforeRevision(): string | undefined {
  return process.env[BEFORE_ENV] || undefined;
}

/** A checkout of `revision` (its short hash in `label`), removed by `close()`. */
export interface BeforeTree {
  root: string;
  label: string;
  close(): void;
}

/** Checks out `revision` in a temporary worktree. @throws Error when git cannot resolve it */
export function checkoutBefore(revision: string): BeforeTree {
  const label = execFileSync('git', ['rev-parse', '--short', `${revision}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const root = join(mkdtempSync(join(tmpdir(), 'kameleoon-ts-before-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', root, label], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(root, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root: `${root}/`,
    label,
    close() {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: ROOT, stdio: 'ignore' });
      rmSync(join(root, '..'), { recursive: true, force: true });
    },
  };
}
