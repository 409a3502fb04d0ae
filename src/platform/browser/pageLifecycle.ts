import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import type { TrackingLine } from '../../tracking/outbox.ts';
import type { PageActivity } from '../../tracking/pipeline.ts';
import { BEACON_CHARS, type PageLifecycle } from '../platform.ts';
import { onBackOnline, onPageLeave } from './pageLeave.ts';

/** Key prefix of a site's unsent tracking lines; each tab writes its own key. */
const keyPrefix = (siteCode: string) => `tracking.${siteCode}.`;
/** Writes are coalesced: at most one IndexedDB write per this many milliseconds. */
const WRITE_DELAY_MS = 100;

type Stored = [text: string, ua: boolean][];

/** What the official browser SDK 4.24.3 takes for the visitor's interaction with the page. */
const INTERACTIONS = ['mousemove', 'scroll'] as const;
/** Passive, and in the capture phase: the scroll of an inner element (an app's own scroller) counts too. */
const LISTEN = { passive: true, capture: true } as const;

function isStored(value: unknown): value is Stored {
  return Array.isArray(value) && value.every((l) => Array.isArray(l) && typeof l[0] === 'string' && typeof l[1] === 'boolean');
}

/**
 * What tracking needs from a page so that nothing is lost when it closes: unsent lines kept in
 * IndexedDB (idb-keyval) and recovered by the next page of the site, a `sendBeacon` when the page
 * is hidden or left, `online` and `navigator.onLine` (a hint of being offline); and for the activity
 * tick, the visitor's interactions and whether Kameleoon's engine is on the page. Every piece
 * degrades to nothing where the browser lacks it (no IndexedDB in a sandboxed frame, no beacon).
 */
export function createPageLifecycle(): PageLifecycle & PageActivity {
  let store: UseStore | undefined;
  const db = (): UseStore | undefined => {
    try {
      if (typeof indexedDB === 'undefined') return undefined;
      return (store ??= createStore('kameleoon-ts', 'tracking'));
    } catch {
      return undefined;
    }
  };
  const tabKey = Math.random().toString(36).slice(2, 10);
  let latest: { key: string; lines: Stored } | undefined;
  let writing = false;
  let scheduled = false;
  /** Within a leave's callback: what it persists is written at once. */
  let leaving = false;

  const write = async () => {
    scheduled = false;
    const target = db();
    writing = true;
    try {
      while (latest && target) {
        const { key, lines } = latest;
        latest = undefined;
        await (lines.length ? set(key, lines, target) : del(key, target));
      }
    } catch {
      // Storage unavailable or full: lines stay in memory (and go by beacon on leave).
    } finally {
      writing = false;
    }
  };

  return {
    async recover(siteCode) {
      const target = db();
      if (!target) return [];
      try {
        const prefix = keyPrefix(siteCode);
        const found: TrackingLine[] = [];
        for (const key of await keys(target)) {
          if (typeof key !== 'string' || !key.startsWith(prefix) || key === prefix + tabKey) continue;
          const value = await get(key, target);
          await del(key, target);
          if (isStored(value)) for (const [text, ua] of value) found.push({ text, ua });
        }
        return found;
      } catch {
        return [];
      }
    },
    persist(siteCode, lines) {
      latest = { key: keyPrefix(siteCode) + tabKey, lines: lines.map((l) => [l.text, l.ua]) };
      if (writing) return;
      // A page being left (or hidden) may get no timer any more: written now.
      if (leaving || (typeof document !== 'undefined' && document.visibilityState === 'hidden')) return void write();
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => void write(), WRITE_DELAY_MS);
    },
    onLeave: (callback) =>
      onPageLeave(() => {
        leaving = true;
        try {
          callback();
        } finally {
          leaving = false;
        }
      }),
    onOnline: onBackOnline,
    onInteraction(callback) {
      if (typeof addEventListener !== 'function') return () => undefined;
      for (const type of INTERACTIONS) addEventListener(type, callback, LISTEN);
      return () => {
        for (const type of INTERACTIONS) removeEventListener(type, callback, LISTEN);
      };
    },
    engine: () => (globalThis as { Kameleoon?: unknown }).Kameleoon != null,
    offline: () => typeof navigator !== 'undefined' && navigator.onLine === false,
    beacon(url, body) {
      try {
        if (typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
          // text/plain: a beacon may not carry the official wildcard type without a preflight.
          if (navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }))) return true;
        }
        if (typeof fetch === 'function' && body.length < BEACON_CHARS) {
          void fetch(url, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'text/plain' } }).catch(() => undefined);
          return true;
        }
      } catch {
        // Fall through: the lines stay queued and stored.
      }
      return false;
    },
  };
}
