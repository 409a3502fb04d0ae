/** The browser's configuration cache: its entry and key, shared by delivery and the first stage. */

/** What the browser cache holds (one entry per site code). */
export interface CacheEntry {
  siteCode: string;
  environment: string;
  fetchedAt: number;
  lastModified: string | undefined;
  json: unknown;
}

/** Storage key of the cached configuration of a site. */
export const cacheKey = (siteCode: string): string => `kameleoonTs.configuration.${siteCode}`;

/**
 * Whether an entry fetched at `fetchedAt` serves a start at once: within the refresh interval or
 * `dataFileCacheTtl` of its fetch (older, the start waits for a fetch, the cache as fallback).
 */
export const servesAtOnce = (fetchedAt: number, updateIntervalMs: number, cacheTtlMs: number, now = Date.now()): boolean => {
  const age = now - fetchedAt;
  return age >= 0 && age <= Math.max(updateIntervalMs, cacheTtlMs);
};

/** A configuration document's `dateModified` (epoch ms), 0 when it has none or cannot be read. */
export function dateModifiedOf(doc: unknown): number {
  try {
    const json = (typeof doc === 'string' ? JSON.parse(doc) : doc) as { dateModified?: unknown } | null;
    return Number(json?.dateModified) || 0;
  } catch {
    return 0;
  }
}
