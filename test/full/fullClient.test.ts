/**
 * Issue 18, item 11: the /full entries (as the official SDK 4.24's `/full` bundles). Their client
 * logs every call the application makes at DEBUG (`CALL` / `RETURN` / `THROW`), and at INFO the
 * configuration's loading, status and updates, each request, and where visitor codes come from;
 * through the client's logger (its level, `externals.logger`, KameleoonLogger), never a secret,
 * never throwing. The standard entries log as before, and warn once that INFO and DEBUG need /full.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as standardBrowser from '../../src/browser.ts';
import * as standardNode from '../../src/node.ts';
import * as fullBrowser from '../../src/full/browser.ts';
import * as fullNode from '../../src/full/node.ts';
import { describe as describeValue } from '../../src/full/describe.ts';
import { consoleLogger, type IExternalLogger, type LogLevel } from '../../src/logging/logger.ts';

const { CustomData, LogLevel: Level } = standardNode;
const CONFIG = readFileSync(new URL('../package/consumers/config.json', import.meta.url), 'utf8');
const NO_VERBOSE = 'WARNING: No INFO/DEBUG logs in this build: import a /full entry (kameleoon-ts/full, /react/full, /react-sdk/full)';
const CONFIG_FLAGS = (JSON.parse(CONFIG) as { featureFlags: unknown[] }).featureFlags.length;

/** A sink that keeps `LEVEL: message` lines. */
function sink(): IExternalLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level: LogLevel, message: string) => void lines.push(`${Level[level]}: ${message}`) };
}

/** Configuration 304 (the default data file stays), tracking 204, other requests 500; every request recorded. */
function requester(requests: string[] = []) {
  return {
    requests,
    sendRequest: async ({ requestType, url }: { requestType: string; url: string }) => {
      requests.push(`${requestType} ${url}`);
      return new Response(null, { status: requestType === 'configuration' ? 304 : requestType === 'tracking' ? 204 : 500 });
    },
  };
}

type Client = InstanceType<typeof fullNode.KameleoonClient>;
const clients: Client[] = [];

/** A Node client of `build` on the test configuration, its lines in `log.lines`. */
function nodeClient(build: typeof fullNode | typeof standardNode, log: IExternalLogger = sink(), extra: Partial<standardNode.SDKParameters> = {}): Client {
  const client = new build.KameleoonClient({
    siteCode: 'full-site',
    ...extra,
    configuration: { defaultDataFile: CONFIG, updateInterval: 60, ...extra.configuration },
    externals: { logger: log, requester: requester(), ...extra.externals },
  });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  standardNode.KameleoonLogger.setLogger(consoleLogger);
  standardNode.KameleoonLogger.setLogLevel(Level.WARNING);
});

describe('the /full entries', () => {
  it('export the names their standard entries export, with KameleoonClient (and the factory, KameleoonLogger) replaced', () => {
    expect(Object.keys(fullBrowser).sort()).toEqual(Object.keys(standardBrowser).sort());
    expect(Object.keys(fullNode).sort()).toEqual(Object.keys(standardNode).sort());
    expect(fullBrowser.KameleoonClient).not.toBe(standardBrowser.KameleoonClient);
    expect(Object.getPrototypeOf(fullBrowser.KameleoonClient)).toBe(standardBrowser.KameleoonClient);
    expect(Object.getPrototypeOf(fullNode.KameleoonClient)).toBe(standardNode.KameleoonClient);
    expect(fullNode.KameleoonClientFactory).not.toBe(standardNode.KameleoonClientFactory);
    expect(fullNode.CustomData).toBe(standardNode.CustomData);
  });

  it('the full client is a standard client (instanceof, the same answers)', async () => {
    const client = nodeClient(fullNode);
    await client.initialize();
    expect(client).toBeInstanceOf(standardNode.KameleoonClient);
    expect(client).toBeInstanceOf(standardNode.KameleoonClientBase);
    expect(client.getVariation({ visitorCode: 'v1', featureKey: 'new_checkout', track: false }).key).toBe('on');
  });
});

describe('DEBUG: CALL and RETURN of every public call', () => {
  it('logs each call with its arguments and result, and a THROW with the error', async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    client.setLogLevel(Level.DEBUG);
    await client.initialize();
    client.getVariation({ visitorCode: 'v1', featureKey: 'new_checkout', track: false });
    expect(() => client.getVariation({ visitorCode: 'v1', featureKey: 'nope' })).toThrow(standardNode.FeatureNotFound);
    await vi.waitFor(() => expect(log.lines).toContain('DEBUG: RETURN initialize() -> true'));
    expect(log.lines).toContain('DEBUG: CALL initialize()');
    expect(log.lines).toContain('DEBUG: CALL getVariation({visitorCode: "v1", featureKey: "new_checkout", track: false})');
    const ret = log.lines.find((l) => l.startsWith('DEBUG: RETURN getVariation({visitorCode: "v1", featureKey: "new_checkout"'));
    expect(ret).toMatch(/-> \{.*key: "on"/);
    expect(log.lines.some((l) => l.startsWith('DEBUG: THROW getVariation({visitorCode: "v1", featureKey: "nope"}): FeatureNotFound'))).toBe(true);
  });

  it("logs the application's calls only, not the SDK's calls to its own methods", async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    await client.initialize();
    client.setLogLevel(Level.DEBUG);
    client.trackConversion({ visitorCode: 'v1', goalId: 7 });
    const calls = log.lines.filter((l) => l.startsWith('DEBUG: CALL'));
    // trackConversion runs addData and flush: one CALL line all the same.
    expect(calls).toEqual(['DEBUG: CALL trackConversion({visitorCode: "v1", goalId: 7})']);
    client.addData('v1', new CustomData(1, 'premium'));
    expect(log.lines).toContain('DEBUG: CALL addData("v1", CustomData {index: 1, name: undefined, overwrite: true, values: ["premium"]})');
  });

  it('follows the level: nothing at INFO or WARNING; KameleoonLogger of the /full entry sets it for clients without their own, without a warning', async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    await client.initialize();
    client.setLogLevel(Level.INFO);
    client.getVisitorCode('v1');
    client.setLogLevel(Level.WARNING);
    client.getVisitorCode('v1');
    expect(log.lines.filter((l) => /^(INFO|DEBUG)/.test(l))).toEqual(['INFO: Visitor code "v1": the default visitor code given']);

    const global = sink();
    fullNode.KameleoonLogger.setLogger(global);
    fullNode.KameleoonLogger.setLogLevel(Level.DEBUG);
    const follower = new fullNode.KameleoonClient({ siteCode: 'f', stubMode: true });
    follower.getVisitorCode('v2');
    expect(global.lines).toEqual(['DEBUG: CALL getVisitorCode("v2")', 'INFO: Visitor code "": none (stub mode)', 'DEBUG: RETURN getVisitorCode("v2") -> ""']);
  });
});

describe('INFO: configuration, requests, visitor codes', () => {
  it('logs the configuration loaded, each request with its status, and tracking requests with their line count', async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    client.setLogLevel(Level.INFO);
    await client.initialize();
    expect(log.lines).toContain(`INFO: Configuration loaded from defaultDataFile (${CONFIG_FLAGS} feature flags)`);
    client.getVariation({ visitorCode: 'v1', featureKey: 'new_checkout' });
    client.flush({ visitorCode: 'v1', instant: true });
    await vi.waitFor(() => expect(log.lines.some((l) => l.startsWith('INFO: Tracking request of '))).toBe(true));
    expect(log.lines.find((l) => l.startsWith('INFO: Tracking request of '))).toMatch(/^INFO: Tracking request of \d+ line\(s\): POST https:\/\/\S+ -> status 204 \(\d+ ms\)$/);
    await vi.waitFor(() => expect(log.lines.some((l) => /^INFO: Configuration request: GET \S+ -> status 304/.test(l))).toBe(true));
  });

  it('logs a configuration fetched and a configuration update, and a failed request', async () => {
    const log = sink();
    let version = 0;
    const config = JSON.parse(CONFIG) as { dateModified: number };
    const fetching = {
      sendRequest: async ({ requestType }: { requestType: string }) => {
        if (requestType !== 'configuration') throw new TypeError('offline');
        return new Response(JSON.stringify({ ...config, dateModified: config.dateModified + version++ }), { status: 200 });
      },
    };
    const client = new fullNode.KameleoonClient({ siteCode: 'fetched', configuration: { updateInterval: 1 }, externals: { logger: log, requester: fetching } });
    clients.push(client);
    client.setLogLevel(Level.INFO);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      await client.initialize();
      expect(log.lines).toContain(`INFO: Configuration loaded from network (${CONFIG_FLAGS} feature flags)`);
      expect(log.lines.some((l) => /^INFO: Configuration request: GET \S+ -> status 200/.test(l))).toBe(true);
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      expect(log.lines).toContain(`INFO: Configuration updated from network (${CONFIG_FLAGS} feature flags)`);
      await client.getRemoteData('key').catch(() => undefined);
      expect(log.lines.some((l) => /^INFO: Data API request: GET \S+ -> failed: TypeError: offline/.test(l))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says where a visitor code comes from: the cookie, the default given, or new', async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    client.setLogLevel(Level.INFO);
    await client.initialize();
    const response = { setHeader() {}, getHeader: () => undefined };
    client.getVisitorCode({ request: { headers: { cookie: 'kameleoonVisitorCode=fromcookie' } }, response } as never);
    client.getVisitorCode({ request: { headers: {} }, response, defaultVisitorCode: 'given' } as never);
    const fresh = client.getVisitorCode({ request: { headers: {} }, response } as never);
    expect(log.lines.filter((l) => l.includes('Visitor code'))).toEqual([
      'INFO: Visitor code "fromcookie": read from the kameleoonVisitorCode cookie',
      'INFO: Visitor code "given": the default visitor code given',
      `INFO: Visitor code "${fresh}": generated (new visitor)`,
    ]);
  });
});

describe('never a secret, never a throw', () => {
  it('logs no client secret nor token, though the OAuth request and the Data API request are logged', async () => {
    const log = sink();
    const secretRequester = {
      sendRequest: async ({ requestType, url }: { requestType: string; url: string }) => {
        if (requestType === 'configuration') return new Response(null, { status: 304 });
        if (url.includes('oauth')) return new Response(JSON.stringify({ access_token: 'TOKEN-42', expires_in: 3600 }), { status: 200 });
        return new Response('{}', { status: 200 });
      },
    };
    const client = nodeClient(fullNode, log, { credentials: { clientId: 'id-1', clientSecret: 'SECRET-7' }, externals: { logger: log, requester: secretRequester } } as never);
    client.setLogLevel(Level.DEBUG);
    await client.initialize();
    await client.getRemoteData('k');
    expect(log.lines.some((l) => l.includes('Data API request'))).toBe(true);
    expect(log.lines.join('\n')).not.toMatch(/SECRET-7|TOKEN-42/);
    expect(describeValue({ clientId: 'a', clientSecret: 'b', headers: { Authorization: 'Bearer c' } })).toBe('{clientId: "a", clientSecret: ***, headers: {Authorization: ***}}');
  });

  it('a logger that throws, and arguments that cannot be described, break nothing', async () => {
    const client = nodeClient(fullNode, {
      log() {
        throw new Error('broken sink');
      },
    });
    client.setLogLevel(Level.DEBUG);
    await client.initialize();
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    // The client's own error, as the standard client throws it.
    expect(() => nodeClient(standardNode).getVisitorCode(hostile as never)).toThrow('no keys');
    expect(() => client.getVisitorCode(hostile as never)).toThrow('no keys');
    expect(describeValue(hostile)).toBe('?');
    expect(client.getVariation({ visitorCode: 'v1', featureKey: 'new_checkout', track: false }).key).toBe('on');
  });
});

describe('the standard entries', () => {
  it('log at DEBUG what they log at WARNING (no INFO or DEBUG line), and one warning that INFO and DEBUG need /full', async () => {
    const scenario = async (level: LogLevel) => {
      const log = sink();
      const client = nodeClient(standardNode, log);
      client.setLogLevel(level);
      client.setLogLevel(level);
      await client.initialize();
      client.getVisitorCode('v1');
      client.getVariation({ visitorCode: 'v1', featureKey: 'new_checkout' });
      expect(() => client.getVariation({ visitorCode: 'v1', featureKey: 'nope' })).toThrow();
      client.flush({ visitorCode: 'v1', instant: true });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Object.hasOwn(client, 'getVariation')).toBe(false);
      return log.lines;
    };
    const atWarning = await scenario(Level.WARNING);
    expect(await scenario(Level.DEBUG)).toEqual([NO_VERBOSE, ...atWarning]);
    expect(await scenario(Level.INFO)).toEqual([NO_VERBOSE, ...atWarning]);
  });

  it('KameleoonLogger.setLogLevel(INFO or DEBUG) warns in the standard build, not in /full', () => {
    const global = sink();
    standardNode.KameleoonLogger.setLogger(global);
    standardNode.KameleoonLogger.setLogLevel(Level.DEBUG);
    expect(global.lines).toEqual([NO_VERBOSE]);
    standardNode.KameleoonLogger.setLogLevel(Level.WARNING);
    fullNode.KameleoonLogger.setLogLevel(Level.DEBUG);
    fullBrowser.KameleoonLogger.setLogLevel(Level.INFO);
    expect(global.lines).toHaveLength(1);
    expect(standardNode.KameleoonLogger.checkLevel(Level.INFO)).toBe(true);
    expect(() => fullNode.KameleoonLogger.setLogLevel(9 as never)).toThrow(standardNode.InvalidArgument);
  });

  it('a /full client at DEBUG does not warn, and its own messages (errors, warnings) still come', async () => {
    const log = sink();
    const client = nodeClient(fullNode, log);
    client.setLogLevel(Level.DEBUG);
    expect(log.lines.filter((l) => l.startsWith('WARNING'))).toEqual([]);
    expect(() => client.setLogLevel(7 as never)).toThrow(standardNode.InvalidArgument);
    client.setLogLevel(Level.ERROR);
    client.getVisitorCode('v1');
    expect(log.lines.filter((l) => l.includes('Visitor code'))).toEqual([]);
  });
});
