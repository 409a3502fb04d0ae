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
