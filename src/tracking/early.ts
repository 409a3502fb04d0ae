import type { TrackedItem } from './lines.ts';

/** Storage key of what a page tracked and left before its tracking code arrived. */
export const earlyTrackingKey = (siteCode: string): string => `kameleoonTs.earlyTracking.${siteCode}`;

/** A visitor tracked before the pipeline arrived: its data items, and whether it was scheduled (with consent). */
export interface EarlyVisitor {
  code: string;
  items: TrackedItem[];
  scheduled?: boolean;
  consent?: boolean;
}
