import { JS_CSS, NONE, STAMP_MASK } from '../visitor/slots.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';

/** How long an assignment is handed to the front-end tag (the official SDK's 5 seconds), in tenths of a second. */
const ENGINE_CODE_LIFETIME_TENTHS = 50;

const PREFIX = 'window.kameleoonQueue=window.kameleoonQueue||[];';

/**
 * Hybrid mode: the visitor's variations returned in the last 5 seconds (not simulated, not
 * holdout, not default), in ascending experiment id as the official SDK writes them, as the
 * JavaScript the Kameleoon front-end tag reads. The output is made only of fixed text, integers
 * and booleans, so a hostile configuration cannot inject anything into the page it is written into.
 */
export function engineTrackingCode(store: VisitorStore, visitor: number | undefined): string {
  if (visitor === undefined) return PREFIX;
  const pool = store.pool;
  const now = store.tenths();
  const live: [number, number, boolean][] = [];
  for (let node = store.headOf(visitor); node !== NONE; node = pool.next(node)) {
    const returnedAt = pool.returnedAt(node);
    const variationId = pool.variationId(node);
    // Stamps wrap around (27 bits): the age is taken modulo their range.
    if (returnedAt === 0 || variationId === null || (now - returnedAt + STAMP_MASK) % STAMP_MASK >= ENGINE_CODE_LIFETIME_TENTHS) continue;
    live.push([pool.experimentId(node) | 0, variationId | 0, (pool.flags(node) & JS_CSS) === 0]);
  }
  live.sort((a, b) => a[0] - b[0]);
  let out = PREFIX;
  for (const [experimentId, variationId, trackingOnly] of live) {
    out += `window.kameleoonQueue.push(['Experiments.assignVariation',${experimentId},${variationId},true]);`;
    out += `window.kameleoonQueue.push(['Experiments.trigger',${experimentId},${trackingOnly ? 'true' : 'false'}]);`;
  }
  return out;
}
