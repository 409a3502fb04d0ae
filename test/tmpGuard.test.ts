/**
 * The run's temporary folder (test/tmpGuard.ts): every test process writes its temporary files
 * there, and what is left at the end fails the run, by name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_TMPDIR_VARIABLE, leftovers, leftoversError } from './tmpGuard.ts';

describe('temporary folder guard', () => {
  it('gives this test process the run’s own folder as its temporary folder', () => {
    const dir = process.env[RUN_TMPDIR_VARIABLE];
    expect(dir).toMatch(/kameleoon-ts-run-/);
    expect(tmpdir()).toBe(dir);
  });

  it('names what is left, and nothing when nothing is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-guard-'));
    try {
      expect(leftoversError(leftovers(dir))).toBeUndefined();
      mkdirSync(join(dir, 'kameleoon-ts-dev-abc'));
      writeFileSync(join(dir, 'kameleoon-ts-e2e-x'), '');
      mkdirSync(join(dir, 'tsx-1000')); // tsx's compile cache: one per user, reused
      expect(leftovers(dir)).toEqual(['kameleoon-ts-dev-abc', 'kameleoon-ts-e2e-x']);
      expect(leftoversError(leftovers(dir))?.message).toBe('The tests left 2 item(s) in the temporary folder (each test removes what it creates there): kameleoon-ts-dev-abc, kameleoon-ts-e2e-x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
