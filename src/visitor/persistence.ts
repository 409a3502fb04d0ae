import type { IExternalStorage } from '../platform/platform.ts';
import type { VisitorData } from '../targeting/types.ts';
import type { PersistedVisitor, VisitorPersistence } from './visitorStore.ts';

/** Storage key of one visitor: one entry each, so reading a visitor never parses the others. */
export const visitorKey = (code: string): string => `kameleoonTs.visitor.${code}`;

interface SerializedVisitor {
  s?: number[];
  /** Assignment times (epoch seconds, 0 = unknown), one per triple of `s`; absent when all are unknown. */
  a?: number[];
  d?: {
    /** Custom data: index, values, overwrite and, for data added with `track: false`, 1. */
    cd: [number, string[], boolean, 1?][];
    /** Conversions: goal, revenue, negative and, when known, the time (epoch ms). */
    cv: [number, number, boolean, number?][];
    pv: [string, string, number[] | null, number[]][];
    /** Personalizations: id and time seen (epoch ms, 0 = unknown). */
    ps?: [number, number][];
    o: Omit<VisitorData, 'customData' | 'pageViews' | 'conversions' | 'personalizations' | 'cbScores'>;
  };
  l?: string;
  f?: [number, { variationKey: string; variationId: number; ruleType: string; forceTargeting: boolean }][];
  c?: 'unknown' | 'given' | 'notGiven';
  v?: number;
  p?: number;
  /** The tracker keeps custom data due (VISITOR scope, see VisitorExtra.customDataDue). */
  u?: 1;
  t: number;
}

function serialize(visitor: PersistedVisitor): SerializedVisitor {
  const out: SerializedVisitor = { t: visitor.lastActivity };
  if (visitor.assignments.length) out.s = visitor.assignments;
  if (visitor.assignmentTimes?.some((t) => t !== 0)) out.a = visitor.assignmentTimes;
  const extra = visitor.extra;
  if (!extra) return out;
  const data = extra.data;
  if (data) {
    const { customData, pageViews, conversions, personalizations, cbScores: _c, ...others } = data;
    out.d = {
      cd: [...customData].map(([i, v]) => (v.local ? [i, v.values, v.overwrite, 1] : [i, v.values, v.overwrite])),
      pv: [...pageViews.values()].map((p) => [p.url, p.title, p.referrers ?? null, p.times]),
      cv: conversions.map((c) => (c.time === undefined ? [c.goalId, c.revenue, c.negative] : [c.goalId, c.revenue, c.negative, c.time])),
      o: others,
    };
    if (personalizations?.size) out.d.ps = [...personalizations];
  }
  if (extra.linkedTo !== undefined) out.l = extra.linkedTo;
  if (extra.forced?.size) out.f = [...extra.forced];
  if (extra.consent !== 'unknown') out.c = extra.consent;
  if (extra.visitActivity) out.v = extra.visitActivity;
  if (extra.previousVisitActivity) out.p = extra.previousVisitActivity;
  if (extra.customDataDue) out.u = 1;
  return out;
}

function deserialize(s: SerializedVisitor): PersistedVisitor {
  const o = s.d?.o;
  // Visit counting and targeting read these as numbers: a tampered entry throws (and is ignored).
  if (![s.v ?? 0, s.p ?? 0, o?.visitNumber ?? 0, ...(o?.visits ?? [])].every(Number.isFinite)) throw new TypeError('visits');
  const visitor: PersistedVisitor = {
    lastActivity: s.t,
    assignments: Array.isArray(s.s) ? s.s : [],
    // Times are compared with visit starts: anything but numbers counts as unknown.
    assignmentTimes: Array.isArray(s.a) ? s.a.map((t) => (Number.isFinite(t) ? t : 0)) : undefined,
    extra: undefined,
  };
  if (s.d || s.l !== undefined || s.f || s.c || s.v || s.p || s.u) {
    visitor.extra = {
      data: s.d
        ? {
            ...s.d.o,
            customData: new Map(s.d.cd.map(([i, values, overwrite, local]) => [i, local === 1 ? { values, overwrite, local: true } : { values, overwrite }])),
            pageViews: new Map(s.d.pv.map(([url, title, referrers, times]) => [url, { url, title, referrers: referrers ?? undefined, times }])),
            conversions: s.d.cv.map(([goalId, revenue, negative, time]) => (Number.isFinite(time) ? { goalId, revenue, negative, time } : { goalId, revenue, negative })),
            ...(Array.isArray(s.d.ps) ? { personalizations: new Map(s.d.ps.map(([id, time]) => [id, Number.isFinite(time) ? time : 0])) } : {}),
          }
        : undefined,
      linkedTo: s.l,
      forced: s.f ? new Map(s.f) : undefined,
      simulated: undefined,
      consent: s.c ?? 'unknown',
      visitActivity: s.v ?? 0,
      previousVisitActivity: s.p,
      customDataDue: s.u === 1 || undefined,
    };
  }
  return visitor;
}

/**
 * Keeps browser visitors in the given storage (localStorage by default), one entry per visitor.
 * A corrupted entry is ignored rather than trusted.
 */
export function createStoragePersistence(storage: IExternalStorage): VisitorPersistence {
  return {
    load(code) {
      try {
        const value = storage.read(visitorKey(code)) as SerializedVisitor | null;
        return value && typeof value === 'object' && typeof value.t === 'number' ? deserialize(value) : undefined;
      } catch {
        return undefined;
      }
    },
    save(code, visitor) {
      try {
        storage.write(visitorKey(code), serialize(visitor));
      } catch {
        // Storage full or unavailable: the visitor stays in memory for this page.
      }
    },
  };
}

/** A visitor as one string (a fleet's shared store, see fleet/sharing.ts), in the browser entries' form. */
export function encodeVisitor(visitor: PersistedVisitor): string {
  return JSON.stringify(serialize(visitor));
}

/** A visitor read back from {@link encodeVisitor}'s string; undefined for anything else (a corrupted or foreign value is not trusted). */
export function decodeVisitor(text: string): PersistedVisitor | undefined {
  try {
    const value = JSON.parse(text) as SerializedVisitor | null;
    return value && typeof value === 'object' && typeof value.t === 'number' ? deserialize(value) : undefined;
  } catch {
    return undefined;
  }
}
