/**
 * The official SDK run offline, as every differential test runs it: its storage in a Map, no
 * visitor-code cookie, no event stream, no log; only the requester differs from test to test.
 */

/** The official client's `externals` around `requester`; `store` holds what it writes. */
export function officialOfflineExternals<R>(requester: R, store = new Map<string, unknown>()) {
  return {
    requester,
    storage: { read: (key: string) => (store.get(key) ?? null) as never, write: (key: string, data: unknown) => void store.set(key, data) },
    visitorCodeManager: { getData: () => null, setData() {} },
    eventSource: { open() {}, close() {}, onError() {} },
    logger: { log() {} },
  };
}

/** What {@link captureTimers} recorded. */
export interface CapturedTimers {
  /** Puts the global setInterval/setTimeout back; what was recorded stays recorded. */
  restore(): void;
  /** Puts them back and clears every timer recorded. */
  release(): void;
}

/**
 * Records every setInterval/setTimeout created from now on (the official client cannot be closed:
 * its timers are cleared instead); with `noIntervals`, intervals are not started at all.
 */
export function captureTimers(noIntervals = false): CapturedTimers {
  const g = globalThis as any;
  const { setInterval: si, setTimeout: st } = g;
  const made: { id: unknown; interval: boolean }[] = [];
  g.setInterval = (...a: unknown[]) => {
    if (noIntervals) return { unref() {}, ref() {} };
    const id = si(...a);
    made.push({ id, interval: true });
    return id;
  };
  g.setTimeout = (...a: unknown[]) => {
    const id = st(...a);
    made.push({ id, interval: false });
    return id;
  };
  const restore = () => {
    g.setInterval = si;
    g.setTimeout = st;
  };
  return {
    restore,
    release: () => {
      restore();
      for (const { id, interval } of made) (interval ? clearInterval : clearTimeout)(id as any);
    },
  };
}
