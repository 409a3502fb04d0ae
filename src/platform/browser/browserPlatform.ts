import Cookies from 'js-cookie';
import { COMPATIBLE_VERSIONS } from '../../version.ts';
import { parseCookieHeader, type CookieType } from '../../visitor/data.ts';
import { cryptoRandom, fetchRequester } from '../memory.ts';
import type { IExternalStorage, IExternalVisitorCodeManager, Platform } from '../platform.ts';

/** document.cookie through js-cookie, which encodes values so they cannot break the header. */
const cookieManager: IExternalVisitorCodeManager = {
  getData: (key) => Cookies.get(key) ?? null,
  setData: ({ key, visitorCode, domain, maxAge, path }) => {
    Cookies.set(key, visitorCode, { path, domain, 'max-age': String(maxAge), sameSite: 'Lax' });
  },
};

/** localStorage holding JSON, or nothing where it is unavailable (private modes, sandboxed frames). */
function localStorageAdapter(): IExternalStorage | undefined {
  try {
    const ls = globalThis.localStorage;
    if (!ls) return undefined;
    return {
      read(key) {
        const raw = ls.getItem(key);
        if (raw === null) return null;
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          return null;
        }
      },
      write(key, data) {
        try {
          ls.setItem(key, JSON.stringify(data));
        } catch {
          // Quota exceeded: the SDK keeps working from memory.
        }
      },
    };
  } catch {
    return undefined;
  }
}

function documentCookies(): CookieType[] {
  return typeof document !== 'undefined' && document.cookie ? parseCookieHeader(document.cookie) : [];
}

/** The browser platform: fetch, localStorage, js-cookie, crypto random. */
export function createBrowserPlatform(): Platform {
  return {
    packageInfo: { type: 'JAVASCRIPT', version: COMPATIBLE_VERSIONS.JAVASCRIPT, isServer: false },
    requester: fetchRequester,
    storage: localStorageAdapter(),
    visitorCodeManager: cookieManager,
    random: cryptoRandom,
    documentCookies,
  };
}
