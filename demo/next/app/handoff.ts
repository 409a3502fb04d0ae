/**
 * What the middleware hands to the page of the same request, in a request header (set by the
 * middleware on every request it runs for, so a visitor cannot supply it): the visitor code (the
 * cookie it has just set reaches the server only with the next request) and the decisions it made
 * and tracked, so that the page renders exactly what was tracked.
 */
import type { KameleoonSnapshot } from 'kameleoon-ts';

/** The request header of the hand-off. */
export const HANDOFF_HEADER = 'x-kameleoon-handoff';

/** The middleware's hand-off to the page. */
export interface Handoff {
  /** The visitor: from the cookie, or new (the middleware has set the cookie). */
  visitorCode: string;
  /** The SDK build that ran the middleware (`BUILD`: 'edge'). */
  build: string;
  /**
   * The variation of each flag (`createSnapshot(...).results`) and the flags whose exposure the
   * middleware tracked; null when the middleware had no configuration (the page decides then).
   */
  decisions: Pick<KameleoonSnapshot, 'results' | 'tracked'> | null;
  /** `getEngineTrackingCode(visitorCode)` after those decisions, for Kameleoon's front-end tag. */
  engineCode: string;
}

/** The header value of a hand-off (URI-encoded JSON: a header value is ASCII on one line). */
export function encodeHandoff(handoff: Handoff): string {
  return encodeURIComponent(JSON.stringify(handoff));
}

/** The hand-off of a header value, or undefined when there is none or it is not one. */
export function decodeHandoff(value: string | null): Handoff | undefined {
  if (!value) return undefined;
  try {
    const handoff = JSON.parse(decodeURIComponent(value)) as Handoff;
    return typeof handoff?.visitorCode === 'string' && handoff.visitorCode !== '' ? handoff : undefined;
  } catch {
    return undefined;
  }
}
