/**
 * HashMemo hashes a seed once while its entry holds it (the values themselves are checked in
 * test/client/store.test.ts); a lookup that does not match the entry is hashed anew.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashDouble } from '../../src/hashing/hash.ts';
import { HashMemo } from '../../src/hashing/memo.ts';

vi.mock('../../src/hashing/hash.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/hashing/hash.ts')>();
  return { ...actual, hashDouble: vi.fn(actual.hashDouble) };
});

const computed = vi.mocked(hashDouble);

describe('HashMemo', () => {
  beforeEach(() => {
    computed.mockClear();
  });

  it('hashes identifier + salt once while its entry holds them', () => {
    const memo = new HashMemo();
    const first = memo.hash('visitor-code-0001', '3002');
    expect(memo.hash('visitor-code-0001', '3002')).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
    expect(computed).toHaveBeenCalledWith('visitor-code-0001', '3002');
  });

  it('hashes anew whatever does not match the entry: another identifier, another salt, an evicted seed', () => {
    // One entry: every seed maps to it.
    const memo = new HashMemo(1);
    memo.hash('visitor-a', '3002');
    memo.hash('visitor-b', '3002');
    memo.hash('visitor-b', '7002');
    memo.hash('visitor-a', '3002');
    expect(computed.mock.calls).toEqual([
      ['visitor-a', '3002'],
      ['visitor-b', '3002'],
      ['visitor-b', '7002'],
      ['visitor-a', '3002'],
    ]);
    memo.hash('visitor-a', '3002');
    expect(computed).toHaveBeenCalledTimes(4);
  });
});
