/**
 * The official Node SDK's forms, and misuse that is never silent: getVisitorCode({ cookies }) with
 * Next.js's cookies (the function, Next.js 15's promise that carries the store's methods, the
 * awaited store; a Server Component's read-only store), a user's visitorCodeManager in the Node
 * form, setLegalConsent's object form, unknown parameters and options (a warning naming the
 * closest key), getVisitorCode arguments that would silently make a new visitor (InvalidArgument),
 * stubMode, KameleoonLogger, and externals.storage caching the configuration on a server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidArgument,
  KameleoonClient,
  KameleoonEventSource,
  KameleoonLogger,
  KameleoonRequester,
  KameleoonVisitorCodeManager,
  LogLevel,
  NotInitialized,
  type IExternalLogger,
  type NextCookieStore,
  type SDKParameters,
} from '../../src/node.ts';
import { KameleoonClient as BrowserClient, KameleoonError, KameleoonException, createSnapshot as browserSnapshot, ensureVisitorCodeCookie as browserEnsure, visitorCodeFromCookies as browserFromCookies } from '../../src/browser.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { consoleLogger } from '../../src/logging/logger.ts';
import { basicConfig, clientFor, notModifiedRequester } from './helpers.ts';

const COOKIE = 'kameleoonVisitorCode';

/** Next.js's cookie store as route handlers and server actions have it (`readOnly`: a Server Component's, whose set throws). */
function nextCookies(initial: Record<string, string> = {}, readOnly = false) {
  const jar = new Map(Object.entries(initial));
  const sets: { name: string; value: string; options: unknown }[] = [];
  const store: NextCookieStore = {
    get: (name) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined) as { value: string } | undefined,
    set: (name, value, options) => {
      if (readOnly) throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
      sets.push({ name, value, options });
      jar.set(name, value);
    },
  };
  return { store, sets, jar };
}

function recordingLogger(): IExternalLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${LogLevel[level]}: ${message}`) };
}

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('getVisitorCode({ cookies }) (Next.js)', () => {
  it('reads the cookie through the cookies function, and sets none when the visitor has one', async () => {
    const client = await clientFor();
    const { store, sets } = nextCookies({ [COOKIE]: 'known-visitor' });
    expect(client.getVisitorCode({ cookies: () => store })).toBe('known-visitor');
    expect(sets).toEqual([]);
  });

  it("a first visit gets a new code set on the store (365 days, path /, the cookie domain); the next call reads it back", async () => {
    const client = await clientFor(basicConfig(), { configuration: { cookieDomain: 'example.com' } });
    const { store, sets } = nextCookies();
    const code = client.getVisitorCode({ cookies: store });
    expect(code).toMatch(/^[a-z0-9]{16}$/);
    expect(sets).toEqual([{ name: COOKIE, value: code, options: { maxAge: 31_536_000, path: '/', domain: 'example.com' } }]);
    expect(client.getVisitorCode({ cookies: store })).toBe(code);
    expect(sets).toHaveLength(1);
  });

  it("Next.js 15's cookies(): a promise carrying the store's methods is read synchronously", async () => {
    const client = await clientFor();
    const { store } = nextCookies({ [COOKIE]: 'next15' });
    const cookies = () => Object.assign(Promise.resolve(store), { get: store.get, set: store.set });
    expect(client.getVisitorCode({ cookies })).toBe('next15');
  });

  it('a bare promise (Next.js 16) throws InvalidArgument saying to pass the awaited store', async () => {
    const client = await clientFor();
    const { store } = nextCookies({ [COOKIE]: 'next16' });
    const err = thrown(() => client.getVisitorCode({ cookies: () => Promise.resolve(store) }));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as Error).message).toContain('getVisitorCode({ cookies: await cookies() })');
  });

  it('in a Server Component (read-only cookies) a new code is returned and the SDK warns once that it is not kept', async () => {
    const logger = recordingLogger();
    const client = await clientFor(basicConfig(), { externals: { logger } });
    const { store } = nextCookies({}, true);
    const first = client.getVisitorCode({ cookies: store });
    const second = client.getVisitorCode({ cookies: store });
    expect(first).not.toBe(second);
    expect(logger.lines.filter((l) => l.includes('Server Component'))).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^WARNING: .*ensureVisitorCodeCookie/);
  });

  it('setLegalConsent({ visitorCode, consent, cookies }) sets the cookie on the store', async () => {
    const client = await clientFor();
    const { store, jar } = nextCookies();
    client.setLegalConsent({ visitorCode: 'consenting', consent: true, cookies: store });
    expect(jar.get(COOKIE)).toBe('consenting');
  });

  it('the browser build has no server forms (Next.js edge routes resolve the edge build): it says so', async () => {
    const client = new BrowserClient({ siteCode: 's', externals: { logger: { log() {} }, requester: notModifiedRequester, storage: createMemoryStorage() }, _internals: { platformAnalyzer: { getResult: () => ({}) } } });
    const { store } = nextCookies({ [COOKIE]: 'edge' });
    expect(() => client.getVisitorCode({ cookies: store })).toThrow(/in a browser takes a default code .*"cookies": requests, responses and Next\.js's cookies are for servers/);
    expect(() => client.getVisitorCode({ request: new Request('http://x/') })).toThrow(InvalidArgument);
    expect(() => client.setLegalConsent({ visitorCode: 'v', consent: true, response: new Response() })).toThrow(/setLegalConsent\(\) in a browser sets the page's cookie: requests, responses/);
    expect(() => client.getVisitorCode({ defaultVisitorCode: 'mine' })).not.toThrow();
    await client.close();
  });

  it('the browser build warns that credentials are for servers, and its Data API requests carry no token', async () => {
    const warnings: string[] = [];
    const urls: string[] = [];
    const headers: unknown[] = [];
    const client = new BrowserClient({
      siteCode: 's',
      credentials: { clientId: 'id', clientSecret: 'secret' },
      configuration: { defaultDataFile: basicConfig() as never },
      externals: {
        logger: { log: (level, message) => void (level === LogLevel.WARNING && warnings.push(message)) },
        requester: {
          sendRequest: async ({ url, parameters }) => {
            urls.push(url);
            headers.push(parameters.headers);
            return new Response(JSON.stringify({ answer: 42 }), { status: 200 }) as never;
          },
        },
        storage: createMemoryStorage(),
      },
      _internals: { platformAnalyzer: { getResult: () => ({}) } },
    });
    await client.initialize();
    await expect(client.getRemoteData('key')).resolves.toEqual({ answer: 42 });
    expect(urls.filter((u) => u.includes('oauth'))).toEqual([]);
    expect(JSON.stringify(headers)).not.toMatch(/Authorization/i);
    await vi.waitFor(() => expect(warnings.join('\n')).toMatch(/clientId and clientSecret are not used in a browser: a secret in a page is public/));
    await client.close();
  });

  it("the browser build's server-only functions are stand-ins that say where they run", () => {
    for (const [name, call] of [
      ['createSnapshot', () => browserSnapshot(null as never, { visitorCode: 'v' })],
      ['visitorCodeFromCookies', () => browserFromCookies(nextCookies().store)],
      ['ensureVisitorCodeCookie', () => browserEnsure({ request: new Request('http://x/'), response: new Response() })],
    ] as const) {
      let error: unknown;
      try {
        call();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(KameleoonError);
      expect((error as KameleoonError).type).toBe(KameleoonException.ClientConfiguration);
      expect((error as Error).message).toBe(`${name}() runs on servers: the browser build does not have it. A server resolves the package's node or edge build (or import 'kameleoon-ts/node').`);
    }
  });
});

describe("a user's visitorCodeManager (the official Node SDK's externals)", () => {
  it('gets { request, key } and sets { visitorCode, key, response, domain, maxAge, path }', async () => {
    const calls: unknown[] = [];
    const client = await clientFor(basicConfig(), {
      configuration: { cookieDomain: 'example.com' },
      externals: {
        visitorCodeManager: {
          getData: ((params: { request: { headers: { cookie?: string } }; key: string }) => {
            calls.push(['get', params.key]);
            return params.key === COOKIE ? (params.request.headers.cookie?.split('=')[1] ?? null) : null;
          }) as never,
          setData: (params) => void calls.push(['set', params]),
        },
      },
    });
    const request = { headers: { cookie: `${COOKIE}=from-manager` } };
    const response = { setHeader() {}, getHeader: () => undefined };
    expect(client.getVisitorCode({ request, response })).toBe('from-manager');
    expect(calls[0]).toEqual(['get', COOKIE]);
    expect(calls).toContainEqual(['set', { request, response, visitorCode: 'from-manager', key: COOKIE, domain: 'example.com', maxAge: 31_536_000, path: '/' }]);
  });

  it('the one-argument form still calls it as the JavaScript SDK does: getData(key)', async () => {
    const keys: unknown[] = [];
    const client = await clientFor(basicConfig(), { externals: { visitorCodeManager: { getData: (key) => (keys.push(key), null), setData() {} } } });
    client.getVisitorCode();
    expect(keys).toContain(COOKIE);
  });
});

describe('misuse is never silent', () => {
  it.each([
    ['no argument', undefined],
    ['an empty object', {}],
    ['a response alone', { response: new Headers() }],
  ])('on a server, getVisitorCode with %s (a new visitor on every call) throws InvalidArgument saying what to pass', async (_, arg) => {
    const client = await clientFor();
    const err = thrown(() => client.getVisitorCode(arg as never));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as Error).message).toMatch(/every call would make a new visitor.*\{ request, response\?, defaultVisitorCode\? \}.*\{ cookies/);
  });

  it.each([
    ['an unknown key', { req: {} }, '"req"'],
    ['a request without headers', { request: 'kameleoonVisitorCode=x' }, 'request must be a Node.js or Fetch request'],
    ['a response that cannot take a header', { request: { headers: {} }, response: {} }, 'response must be a Node.js or Fetch response'],
    ['cookies that are not a store', { cookies: { value: 'x' } }, 'cookies must be'],
  ])('getVisitorCode with %s throws InvalidArgument', async (_, arg, text) => {
    const client = await clientFor();
    const err = thrown(() => client.getVisitorCode(arg as never));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as Error).message).toContain(text);
  });

  it('a request without a response, for a visitor without the cookie, warns once: each request would be a new visitor', async () => {
    const logger = recordingLogger();
    const client = await clientFor(basicConfig(), { externals: { logger } });
    const a = client.getVisitorCode({ request: { headers: {} } });
    const b = client.getVisitorCode({ request: { headers: {} } });
    expect(a).not.toBe(b);
    expect(client.getVisitorCode({ request: { headers: { cookie: `${COOKIE}=kept` } } })).toBe('kept');
    expect(logger.lines.filter((l) => l.includes('without a response'))).toHaveLength(1);
  });

  it('setLegalConsent on a server with nowhere to set the cookie warns once', async () => {
    const logger = recordingLogger();
    const client = await clientFor(basicConfig(), { externals: { logger } });
    client.setLegalConsent('v1', true);
    client.setLegalConsent('v2', true);
    expect(logger.lines.filter((l) => l.includes('cookie is not set'))).toHaveLength(1);
    client.setLegalConsent({ visitorCode: 'v3', consent: true, response: new Headers() });
    expect(logger.lines.filter((l) => l.includes('cookie is not set'))).toHaveLength(1);
  });

  it('an unknown parameter or option warns once, naming the closest known key', async () => {
    const logger = recordingLogger();
    const params = {
      siteCode: 's',
      stubMode: true,
      configuration: { updateIntervall: 5, endpoints: { configurationn: 'http://127.0.0.1:1' }, notAnOptionAtAll: 90 },
      externals: { logger, requestr: notModifiedRequester },
      credential: { clientId: 'a', clientSecret: 'b' },
    } as unknown as SDKParameters;
    new KameleoonClient(params);
    // The check is loaded after construction (it stays out of the page's up-front bundle).
    await vi.waitFor(() => expect(logger.lines.length).toBeGreaterThan(0));
    const warnings = logger.lines.filter((l) => l.startsWith('WARNING: Unknown'));
    expect(warnings).toHaveLength(5);
    expect(warnings.join('\n')).toContain('"credential" ignored (did you mean "credentials"?)');
    expect(warnings.join('\n')).toContain('"configuration.updateIntervall" ignored (did you mean "configuration.updateInterval"?)');
    expect(warnings.join('\n')).toContain('"configuration.endpoints.configurationn" ignored (did you mean "configuration.endpoints.configuration"?)');
    expect(warnings.join('\n')).toContain('"externals.requestr" ignored (did you mean "externals.requester"?)');
    // Far from every known name: no guess, but the list of known ones.
    expect(warnings.find((w) => w.includes('notAnOptionAtAll'))).toMatch(/ignored; it may belong to a newer official SDK version\. Known: environment, updateInterval/);
  });

  it('known parameters, the official ones included, warn nothing', async () => {
    const logger = recordingLogger();
    new KameleoonClient({ siteCode: 's', stubMode: true, credentials: { clientId: 'a', clientSecret: 'b' }, configuration: { updateInterval: 5, endpoints: { configuration: 'http://127.0.0.1:1' } }, externals: { logger }, _internals: {} });
    // Another client's warning, logged after ours would have been: the check ran.
    const other = recordingLogger();
    new KameleoonClient({ siteCode: 's', stubMode: true, externals: { logger: other }, configuration: { typo: 1 } as never });
    await vi.waitFor(() => expect(other.lines).toHaveLength(1));
    expect(logger.lines).toEqual([]);
  });

  it('credentials and stubMode of the wrong type throw InvalidArgument', () => {
    expect(() => new KameleoonClient({ siteCode: 's', credentials: 'id:secret' as never })).toThrow(InvalidArgument);
    expect(() => new KameleoonClient({ siteCode: 's', stubMode: 'yes' as never })).toThrow(InvalidArgument);
  });
});

describe('stubMode', () => {
  it('makes no request: initialize resolves false, getVisitorCode returns "", and getters throw NotInitialized', async () => {
    let requests = 0;
    const client = new KameleoonClient({ siteCode: 's', stubMode: true, externals: { logger: { log() {} }, requester: { sendRequest: async () => (requests++, new Response(null, { status: 500 })) } } });
    expect(await client.initialize()).toBe(false);
    expect(client.isInitialized()).toBe(false);
    expect(client.getVisitorCode()).toBe('');
    expect(() => client.getVariation({ visitorCode: 'v', featureKey: 'f' })).toThrow(NotInitialized);
    await client.close();
    expect(requests).toBe(0);
  });
});

describe('KameleoonLogger', () => {
  afterEach(() => {
    KameleoonLogger.setLogger(consoleLogger);
    KameleoonLogger.setLogLevel(LogLevel.WARNING);
  });

  it('is where clients without their own logger and level write, and custom externals can log through it', async () => {
    const global = recordingLogger();
    KameleoonLogger.setLogger(global);
    KameleoonLogger.setLogLevel(LogLevel.INFO);
    new KameleoonClient({ siteCode: 's', stubMode: true, configuration: { unknownOption: 1 } as never });
    await vi.waitFor(() => expect(global.lines.some((l) => l.startsWith('WARNING: Unknown option "configuration.unknownOption"'))).toBe(true));
    const code = 'abc';
    KameleoonLogger.info`visitor ${code} read`;
    KameleoonLogger.debug('hidden at INFO');
    expect(global.lines).toContain('INFO: visitor abc read');
    expect(global.lines.some((l) => l.includes('hidden'))).toBe(false);
    expect(KameleoonLogger.checkLevel(LogLevel.DEBUG)).toBe(false);
  });

  it("a client's own logger and setLogLevel win over it", async () => {
    const global = recordingLogger();
    const own = recordingLogger();
    const follower = recordingLogger();
    KameleoonLogger.setLogger(global);
    KameleoonLogger.setLogLevel(LogLevel.NONE);
    // Both warn a moment later (the option check): A at its own level, B at the global one.
    new KameleoonClient({ siteCode: 'a', stubMode: true, externals: { logger: own }, configuration: { x: 1 } as never }).setLogLevel(LogLevel.WARNING);
    new KameleoonClient({ siteCode: 'b', stubMode: true, externals: { logger: follower }, configuration: { x: 1 } as never });
    await vi.waitFor(() => expect(own.lines).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(follower.lines).toEqual([]);
    expect(global.lines).toEqual([]);
  });

  it('rejects a logger without log() and a level out of range', () => {
    expect(() => KameleoonLogger.setLogger({} as never)).toThrow(InvalidArgument);
    expect(() => KameleoonLogger.setLogLevel(7 as never)).toThrow(InvalidArgument);
  });
});

describe('externals.storage on a server', () => {
  it('caches the configuration: a new client (a serverless cold start) starts from it without a request', async () => {
    const storage = createMemoryStorage();
    let requests = 0;
    const requester = { sendRequest: async () => (requests++, new Response(JSON.stringify(basicConfig()), { status: 200 })) };
    const first = new KameleoonClient({ siteCode: 'cached-site', externals: { logger: { log() {} }, requester, storage } });
    await first.initialize();
    await first.close();
    expect(requests).toBe(1);
    const second = new KameleoonClient({ siteCode: 'cached-site', externals: { logger: { log() {} }, requester, storage } });
    await second.initialize();
    expect(requests).toBe(1);
    expect(second.getFeatureFlags().length).toBeGreaterThan(0);
    await second.close();
  });
});

describe("the official Node SDK's helper classes, exported under their names", () => {
  it('KameleoonVisitorCodeManager reads and writes through a request and response, and through Next.js cookies', async () => {
    const client = await clientFor(basicConfig(), { externals: { visitorCodeManager: new KameleoonVisitorCodeManager(), eventSource: new KameleoonEventSource(), requester: new KameleoonRequester() } });
    const headers = new Headers();
    const code = client.getVisitorCode({ request: new Request('http://x/'), response: { headers } });
    expect(headers.get('set-cookie')).toBe(`${COOKIE}=${code}; Max-Age=31536000; Path=/`);
    expect(client.getVisitorCode({ request: new Request('http://x/', { headers: { cookie: `${COOKIE}=${code}` } }) })).toBe(code);
    const { store, sets } = nextCookies();
    const next = client.getVisitorCode({ cookies: () => store });
    expect(sets).toEqual([{ name: COOKIE, value: next, options: { maxAge: 31_536_000, path: '/' } }]);
    expect(client.getVisitorCode({ cookies: store })).toBe(next);
  });

  it('KameleoonVisitorCodeManager called with a key alone (no request on a server) throws InvalidArgument', async () => {
    const client = await clientFor(basicConfig(), { externals: { visitorCodeManager: new KameleoonVisitorCodeManager() } });
    expect(() => client.getVisitorCode()).toThrow(InvalidArgument);
  });

  it('KameleoonRequester is fetch', async () => {
    const response = await new KameleoonRequester().sendRequest({ requestType: 'configuration', url: 'data:application/json,{"a":1}', parameters: {} });
    expect(await response.json()).toEqual({ a: 1 });
  });
});
