/**
 * The visitor store's memory layout and the hash memo: what the benchmark's figures rest on.
 */
import { describe, expect, it } from 'vitest';
import { hashDouble } from '../../src/hashing/hash.ts';
import { HashMemo } from '../../src/hashing/memo.ts';
import { VisitorStore, type PersistedVisitor } from '../../src/visitor/visitorStore.ts';
import { STAMP_MASK } from '../../src/visitor/slots.ts';
import { engineTrackingCode } from '../../src/tracking/engineCode.ts';
import { mulberry32 } from '../differential/rng.ts';

const SESSION_MS = 30 * 60_000;

function clockAt(start: number): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('HashMemo', () => {
  it('always returns the hash of identifier + salt, through collisions and evictions', () => {
    const memo = new HashMemo(8);
    const random = mulberry32(7);
    const identifiers = Array.from({ length: 40 }, (_, i) => `visitor-${i}-${Math.floor(random() * 1e6)}`);
    const salts = ['12', '345', '9999', 'group-a', '1231700000000'];
    for (let i = 0; i < 5_000; i++) {
      const identifier = identifiers[Math.floor(random() * identifiers.length)];
      const salt = salts[Math.floor(random() * salts.length)];
      expect(memo.hash(identifier, salt)).toBe(hashDouble(identifier + salt));
    }
  });
});

describe('VisitorStore', () => {
  it('keeps assignments per visitor, in the order made, with replacement in place', () => {
    const store = new VisitorStore({ sessionDurationMs: SESSION_MS, clock: clockAt(0).now });
    const a = store.assignments(store.touch('a'));
    const b = store.assignments(store.touch('b'));
    a.set(10, 100, false, true);
    b.set(10, 101, true, false);
    a.set(20, null, true, false);
    a.set(10, 102, false, false);
    expect([...a.entries()]).toEqual([
      [10, { variationId: 102, isTargetedRule: false, unsent: false }],
      [20, { variationId: null, isTargetedRule: true, unsent: false }],
    ]);
    expect(b.get(10)).toEqual({ variationId: 101, isTargetedRule: true, unsent: false });
    expect([a.size, b.size, a.has(20), b.has(20)]).toEqual([2, 1, true, false]);
  });

  it('forgets inactive visitors and reuses their memory under a stream of new visitors', () => {
    const clock = clockAt(1_000_000);
    const store = new VisitorStore({ sessionDurationMs: SESSION_MS, clock: clock.now });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1_000; i++) {
        const assignments = store.assignments(store.touch(`r${round}v${i}`));
        assignments.set(1, 2, false, true);
        assignments.set(3, 4, true, true);
      }
      clock.advance(SESSION_MS + 1_000);
    }
    store.touch('last');
    expect(store.size).toBe(1);
    // 1,000 live visitors at a time need 2,000 nodes; the pool never grows past the next power of two.
    expect(store.pool.capacity).toBeLessThanOrEqual(2_048);
    const fresh = store.assignments(store.touch('r0v0'));
    expect(fresh.size).toBe(0);
  });

  it('keeps a visitor who stays active', () => {
    const clock = clockAt(0);
    const store = new VisitorStore({ sessionDurationMs: SESSION_MS, clock: clock.now });
    store.assignments(store.touch('regular')).set(1, 2, false, false);
    for (let i = 0; i < 10; i++) {
      clock.advance(SESSION_MS / 2);
      store.touch(`passer-by-${i}`);
      store.touch('regular');
    }
    expect(store.assignments(store.touch('regular')).get(1)?.variationId).toBe(2);
    // regular + the passers-by inactive for at most the session duration (0, 15 and 30 minutes)
    expect(store.size).toBe(4);
  });

  it('round-trips visitors through persistence', async () => {
    const saved = new Map<string, PersistedVisitor>();
    const persistence = { load: (code: string) => saved.get(code), save: (code: string, v: PersistedVisitor) => void saved.set(code, v) };
    const first = new VisitorStore({ sessionDurationMs: 0, clock: clockAt(5_000).now, persistence });
    const id = first.touch('persisted-visitor-code');
    first.assignments(id).set(7, 70, false, true);
    first.assignments(id).set(8, null, true, false);
    first.extraOf(id).consent = 'given';
    first.changed(id);
    await Promise.resolve();
    const second = new VisitorStore({ sessionDurationMs: 0, clock: clockAt(9_000).now, persistence });
    const again = second.touch('persisted-visitor-code');
    expect([...second.assignments(again).entries()]).toEqual([
      [7, { variationId: 70, isTargetedRule: false, unsent: true }],
      [8, { variationId: null, isTargetedRule: true, unsent: false }],
    ]);
    expect(second.extra(again)?.consent).toBe('given');
    expect(saved.get('persisted-visitor-code')?.lastActivity).toBe(5_000);
  });
});

describe('hybrid-mode stamps', () => {
  it('keep the flags, and survive the 27-bit wrap of the stamp clock', () => {
    const clock = clockAt(0);
    const store = new VisitorStore({ sessionDurationMs: 0, clock: clock.now });
    const id = store.touch('v');
    store.assignments(id).set(7, 70, true, true);
    clock.advance((STAMP_MASK - 2) * 100); // two tenths before the stamp clock wraps
    store.markReturned(id, 7, false);
    expect(store.assignments(id).get(7)).toEqual({ variationId: 70, isTargetedRule: true, unsent: true });
    clock.advance(400); // past the wrap, 0.4 s later
    expect(engineTrackingCode(store, id)).toContain("'Experiments.assignVariation',7,70,true");
    clock.advance(4_700); // 5.1 s after the stamp
    expect(engineTrackingCode(store, id)).toBe('window.kameleoonQueue=window.kameleoonQueue||[];');
  });
});
