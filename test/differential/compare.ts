/**
 * Comparison and statistics helpers of the differential test.
 */
import type { Decision } from './drive.ts';

/** A decision that differs between the two SDKs (or exists on one side only). */
export interface Mismatch { index: number; ours?: Decision; official?: Decision }

// `vars` is recorded but not compared: variable parsing differs on purpose (see README,
// "Differences"; covered by test/client/details.test.ts). Decisions are key, id and experiment.
const FIELDS = ['visitor', 'flag', 'round', 'track', 'key', 'id', 'experimentId', 'name', 'error'] as const;

/** @returns true when both decisions agree on every recorded field. */
export function sameDecision(a: Decision, b: Decision): boolean {
  return FIELDS.every((f) => a[f] === b[f]);
}

/**
 * Compares two decision lists position by position.
 * @returns the number of mismatching positions and the first `keep` of them.
 */
export function compareDecisions(
  ours: Decision[],
  official: Decision[],
  keep = 5,
  accepted?: (ours: Decision, official: Decision) => boolean,
): { count: number; first: Mismatch[]; accepted: number } {
  const first: Mismatch[] = [];
  let count = 0;
  let acceptedCount = 0;
  for (let i = 0; i < Math.max(ours.length, official.length); i++) {
    const a = ours[i];
    const b = official[i];
    if (a && b && sameDecision(a, b)) continue;
    if (a && b && accepted?.(a, b)) {
      acceptedCount++;
      continue;
    }
    count++;
    if (first.length < keep) first.push({ index: i, ours: a, official: b });
  }
  return { count, first, accepted: acceptedCount };
}

/**
 * The one deliberate divergence from 4.17.1 in decisions: as the official SDK 4.20, a flag
 * disabled in the environment is evaluated for a visitor whose QA simulation cookie names it (4.17.1
 * throws FeatureFlagEnvironmentDisabled). Accepted only when ours returned exactly a variation one
 * of the visitor's simulation cookies gives that flag (its experiment, and its variation or none).
 */
export function simulatedDisabledFlag(simulations: readonly (string | null)[]): (ours: Decision, official: Decision) => boolean {
  const entries: { flag: string; expId: unknown; varId: unknown }[] = [];
  for (const cookie of simulations) {
    if (!cookie) continue;
    try {
      const parsed = JSON.parse(decodeURIComponent(cookie)) as Record<string, { expId?: unknown; varId?: unknown }>;
      for (const [flag, v] of Object.entries(parsed)) if (v && typeof v === 'object') entries.push({ flag, expId: v.expId, varId: v.varId });
    } catch {
      // A hostile cookie simulates nothing.
    }
  }
  return (ours, official) =>
    official.error === 'FeatureFlagEnvironmentDisabled' &&
    ours.error === undefined &&
    entries.some((e) => e.flag === ours.flag && ours.experimentId === (e.expId || null) && (ours.id === null || ours.id === e.varId));
}

/** Aggregated outcome counts used to prove the run is not degenerate. */
export interface Stats {
  flagDecisions: number;
  setupRecords: number;
  nonDefault: number;
  keys: Map<string, number>;
  errors: Map<string, number>;
  /** probe kind → [non-default ("on") count, default count] */
  probes: Map<string, [number, number]>;
}

/** @returns empty {@link Stats}. */
export function newStats(): Stats {
  return { flagDecisions: 0, setupRecords: 0, nonDefault: 0, keys: new Map(), errors: new Map(), probes: new Map() };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * Adds one drive's decisions to `stats`.
 * @param probes - featureKey → probe kind of the configuration the decisions come from.
 */
export function addStats(stats: Stats, decisions: Decision[], probes: Record<string, string>): void {
  for (const d of decisions) {
    if (d.flag.startsWith('#')) {
      stats.setupRecords++;
      if (d.error) bump(stats.errors, `${d.flag.split(':')[0]}:${d.error}`);
      continue;
    }
    stats.flagDecisions++;
    if (d.error) bump(stats.errors, d.error);
    else bump(stats.keys, d.key ?? '<null>');
    if (d.id !== null || d.experimentId !== null) stats.nonDefault++;
    const kind = probes[d.flag];
    if (kind && !d.error) {
      const c = stats.probes.get(kind) ?? [0, 0];
      c[d.key === 'on' ? 0 : 1]++;
      stats.probes.set(kind, c);
    }
  }
}

/** One-line-per-entry rendering of a count map, largest first. */
export function formatCounts(m: Map<string, number>, limit = 40): string {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, n]) => `${k}=${n}`).join(', ');
}
