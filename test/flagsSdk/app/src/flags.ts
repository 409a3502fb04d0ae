import { flag } from 'flags/next';
import { kameleoon } from './kameleoon';

/** The visitor's variation of the A/B test `ff_50_50` (`off` or `on`). */
export const variant = flag<string>({ key: 'ff_50_50', adapter: kameleoon.variation(), options: ['off', 'on'], description: 'A/B test' });

/** Its variable `color` (only `on` has one): a flag key of its own, the Flags SDK's cache and overrides being by flag key. */
export const color = flag<string>({ key: 'ff_50_50-color', adapter: kameleoon.variable<string>('color', { featureKey: 'ff_50_50' }), defaultValue: 'none' });

/** The flags of the precomputed pages (/static/[code]). */
export const precomputed = [variant] as const;
