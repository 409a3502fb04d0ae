import { NONE, SENT, UNSENT } from '../visitor/slots.ts';
import type { PersistedVisitor, VisitorStore } from '../visitor/visitorStore.ts';

/**
 * Replaces what `visitors` holds of visitor `id` with `persisted` (the fleet's copy, see
 * sharing.ts), in place. What this process knows of tracking stays: data items not yet sent,
 * exposures not yet sent, being claimed (`claiming`) or sent by it, and the QA simulation of the
 * current request.
 */
export function adopt(visitors: VisitorStore, id: number, persisted: PersistedVisitor, claiming: (experimentId: number, variationId: number | null) => boolean): void {
  const pool = visitors.pool;
  const unsent: number[] = [];
  for (let node = visitors.headOf(id); node !== NONE; node = pool.next(node)) {
    const flags = pool.flags(node);
    if ((flags & (UNSENT | SENT)) !== 0 || claiming(pool.experimentId(node), pool.variationId(node))) unsent.push(pool.experimentId(node), pool.variationId(node) ?? -1, flags);
  }
  pool.release(visitors.headOf(id));
  const triples = persisted.assignments;
  const times = persisted.assignmentTimes;
  let head = NONE;
  for (let i = 0; i + 2 < triples.length; i += 3) {
    head = pool.set(head, triples[i]!, triples[i + 1] === -1 ? null : triples[i + 1]!, triples[i + 2]!, (times?.[i / 3] ?? 0) * 1000);
  }
  // An exposure this process has not sent yet stays due; one it sent stays sent.
  for (let i = 0; i < unsent.length; i += 3) {
    const variationId = unsent[i + 1] === -1 ? null : unsent[i + 1]!;
    const node = pool.find(head, unsent[i]!);
    const flags = unsent[i + 2]!;
    if (node === NONE) head = pool.set(head, unsent[i]!, variationId, flags);
    else if (pool.variationId(node) === variationId && (flags & (UNSENT | SENT)) !== 0) pool.setFlags(node, (pool.flags(node) & ~(SENT | UNSENT)) | (flags & (SENT | UNSENT)));
  }
  visitors.setHead(id, head);
  const local = visitors.extra(id);
  if (!local && !persisted.extra) return;
  const extra = visitors.extraOf(id);
  const { pending, unsentKinds, kindOrder, customDataDue, simulated } = extra;
  Object.assign(extra, { data: undefined, linkedTo: undefined, forced: undefined, consent: 'unknown', visitActivity: 0, previousVisitActivity: undefined }, persisted.extra, {
    pending,
    unsentKinds,
    kindOrder: persisted.extra?.kindOrder ?? kindOrder,
    customDataDue: customDataDue || persisted.extra?.customDataDue,
    simulated,
  });
}
