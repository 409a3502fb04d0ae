import type { ConditionJson } from '../config/types.ts';
import type { AssignmentView, TargetingContext } from './types.ts';

/**
 * The visit scope of a CONVERSIONS, TARGET_FEATURE_FLAG, TARGET_EXPERIMENT,
 * TARGET_PERSONALIZATION or EXCLUSIVE_EXPERIMENT condition: only assignments, personalizations
 * and conversions made during the current visit (`current`), or during the last `count` visits,
 * count. Semantics of the official Go 3.20 and PHP 4.22 SDKs (`visitor_scope_condition.go`).
 */
export interface VisitScope {
  current: boolean;
  count: number;
}

/** Visits "any of the last visits" spans when `visitCount` is absent or not positive (official `maxVisitorVisitCount`). */
const MAX_VISIT_COUNT = 25;

/**
 * The condition's visit scope, or null when it has neither `visitScope` nor `visitCount`: such a
 * condition decides as the official JavaScript SDK 4.17.1 does, with every assignment (the Go and
 * PHP SDKs would apply `fallback`, which would change the meaning of today's TARGET_* conditions).
 * `visitScope` is CURRENT_VISIT or VISITOR in any case, anything else `fallback`; `visitCount`
 * is truncated to an integer, and one not positive (or absent) means 25 visits.
 */
export function visitScopeOf(c: ConditionJson, fallback: 'CURRENT_VISIT' | 'VISITOR'): VisitScope | null {
  if (c.visitScope == null && c.visitCount == null) return null;
  const named = typeof c.visitScope === 'string' ? c.visitScope.toUpperCase() : '';
  const scope = named === 'CURRENT_VISIT' || named === 'VISITOR' ? named : fallback;
  const count = Math.trunc(typeof c.visitCount === 'string' ? Number(c.visitCount) : typeof c.visitCount === 'number' ? c.visitCount : NaN);
  return { current: scope === 'CURRENT_VISIT', count: count > 0 ? count : MAX_VISIT_COUNT };
}

/**
 * The earliest time (epoch ms) an assignment, personalization or conversion may have to count
 * under `scope`: the start of the current visit for CURRENT_VISIT, a `visitCount` below 2 or no
 * previous visit; else the start of the (`visitCount` − 1)-th previous visit, or of the oldest
 * known. 0 (everything counts) when the visits are unknown, and on servers when no previous
 * visit is known (the official Go SDK then has no visits at all). Browsers count the current
 * visit as the last of `visits`; servers keep previous visits there, and their current visit
 * starts just after the latest previous one (Go: when the SDK first held the visitor; see
 * {@link AssignmentView.visitStartedAt}).
 */
export function scopeThreshold(scope: VisitScope, ctx: TargetingContext): number {
  const visits = ctx.data?.visits;
  if (!visits?.length) return 0;
  const server = ctx.sdk.isServer;
  const previous = server ? visits.length : visits.length - 1;
  if (scope.current || scope.count < 2 || previous === 0) return server ? ctx.variations.visitStartedAt() : visits[visits.length - 1];
  // Previous visits from the most recent: visits[previous - 1], visits[previous - 2], ...
  return visits[previous - 1 - Math.min(scope.count - 2, previous - 1)];
}

/** Whether something made at `time` (0 = unknown: stored before times were kept) counts from `threshold`. */
export const inScope = (time: number | undefined, threshold: number): boolean => !time || time >= threshold;
