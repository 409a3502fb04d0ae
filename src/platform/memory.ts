import type { IExternalRequester, IExternalStorage, IExternalVisitorCodeManager } from './platform.ts';

/** A storage held in a Map (tests, and servers that want one). */
export function createMemoryStorage<T = unknown>(): IExternalStorage<T> {
  const map = new Map<string, T>();
  return {
    read: (key) => map.get(key) ?? null,
    write: (key, data) => void map.set(key, data),
  };
}

/** Cookies held in a Map: the visitor code manager of non-browser environments. */
export function createMemoryVisitorCodeManager(): IExternalVisitorCodeManager {
  const cookies = new Map<string, string>();
  return {
    getData: (key) => cookies.get(key) ?? null,
    setData: ({ key, visitorCode }) => void cookies.set(key, visitorCode),
  };
}

/** A requester over the global fetch. */
export const fetchRequester: IExternalRequester = {
  sendRequest: ({ url, parameters }) => fetch(url, parameters),
};

/** Random words drawn from the Web Crypto API at once: a nonce takes sixteen. */
const pool = new Uint32Array(1024);
let next = pool.length;

/** Uniform random in [0, 1) from the Web Crypto API (browsers and Node 20 both have it). */
export function cryptoRandom(): number {
  if (next === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  return pool[next++] / 4294967296;
}
