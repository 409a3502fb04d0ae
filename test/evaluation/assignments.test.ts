/**
 * An exposure is sent once per variation (README), even when the assignment moves to another
 * variation and back, as the holdout does for a visitor with bucketing custom data (each flag
 * draws it with its own bucketing code). The variations sent before are kept as records in the
 * visitor's assignment list, which readers of assignments never see.
 */
import { describe, expect, it } from 'vitest';
import { VisitorStore, type PersistedVisitor } from '../../src/visitor/visitorStore.ts';

const HOLDOUT = 900;
const IN = 901;
const OFF = 902;

function storeWith(persistence?: { load(code: string): PersistedVisitor | undefined; save(code: string, v: PersistedVisitor): void }) {
  return new VisitorStore({ sessionDurationMs: 0, clock: () => 1_000_000, persistence });
}

describe('Assignments: once per variation', () => {
  it('a variation sent is not unsent again after the assignment moved away and back', () => {
    const store = storeWith();
    const id = store.touch('v');
    const a = store.assignments(id);
    a.set(HOLDOUT, IN, false, true);
    store.markSent(id, [HOLDOUT]); // what the tracker does when it composes the exposure
    a.set(HOLDOUT, OFF, false, true); // another flag's bucketing code draws the other variation
    expect(a.get(HOLDOUT)).toEqual({ variationId: OFF, isTargetedRule: false, unsent: true });
    a.set(HOLDOUT, IN, false, true); // and the next one the first again
    expect(a.get(HOLDOUT)).toEqual({ variationId: IN, isTargetedRule: false, unsent: false });
    // The other variation, never sent, is still a new exposure.
    a.set(HOLDOUT, OFF, false, true);
    expect(a.get(HOLDOUT)?.unsent).toBe(true);
    store.markSent(id, [HOLDOUT]);
    for (const variation of [IN, OFF, IN, OFF]) {
      a.set(HOLDOUT, variation, false, true);
      expect(a.get(HOLDOUT)).toEqual({ variationId: variation, isTargetedRule: false, unsent: false });
    }
  });

  it('records are invisible to readers and bounded by the variations sent', () => {
    const store = storeWith();
    const id = store.touch('v');
    const a = store.assignments(id);
    a.set(7, 70, true, true);
    a.set(HOLDOUT, IN, false, true);
    store.markSent(id, [7, HOLDOUT]);
    for (let i = 0; i < 50; i++) {
      a.set(HOLDOUT, i % 2 ? IN : OFF, false, true);
      store.markSent(id, [HOLDOUT]);
    }
    expect(a.size).toBe(2);
    expect([...a.entries()].map(([experimentId]) => experimentId)).toEqual([7, HOLDOUT]);
    expect([a.has(~HOLDOUT), a.get(~HOLDOUT), a.has(-1)]).toEqual([false, undefined, false]);
    // Two assignments and one record per variation sent (at most).
    expect(store.pool.toTriples(store.headOf(id)).length / 3).toBeLessThanOrEqual(4);
    // A record marks nothing for tracking: only flags of real assignments are set.
    const triples = store.pool.toTriples(store.headOf(id));
    for (let i = 0; i < triples.length; i += 3) if (triples[i] < 0) expect(triples[i + 2]).toBe(0);
  });

  it('the variations sent are kept through persistence (browsers)', async () => {
    const saved = new Map<string, PersistedVisitor>();
    const persistence = { load: (code: string) => saved.get(code), save: (code: string, v: PersistedVisitor) => void saved.set(code, v) };
    const first = storeWith(persistence);
    const id = first.touch('persisted');
    const a = first.assignments(id);
    a.set(HOLDOUT, IN, false, true);
    first.markSent(id, [HOLDOUT]);
    a.set(HOLDOUT, OFF, false, true);
    first.markSent(id, [HOLDOUT]);
    a.set(HOLDOUT, 903, false, true); // a third variation, unsent
    first.changed(id);
    await Promise.resolve();
    const second = storeWith(persistence);
    const again = second.touch('persisted');
    const b = second.assignments(again);
    expect([...b.entries()]).toEqual([[HOLDOUT, { variationId: 903, isTargetedRule: false, unsent: true }]]);
    b.set(HOLDOUT, IN, false, true);
    expect(b.get(HOLDOUT)?.unsent).toBe(false);
    b.set(HOLDOUT, OFF, false, true);
    expect(b.get(HOLDOUT)?.unsent).toBe(false);
  });
});
