/**
 * OAuth client-credentials tokens against a real HTTP server on 127.0.0.1: the request, caching,
 * renewal before expiry (with an injected clock), sharing one request between concurrent callers,
 * 401 handling with a Data API read, and failures that are never cached.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KameleoonError, KameleoonException } from '../../src/errors.ts';
import { DEFAULT_API_BASE_URL, TokenProvider, type TokenProviderOptions } from '../../src/remote/oauth.ts';
import { dataApiUrls, getRemoteData } from '../../src/remote/remoteData.ts';
import { recordingLogger } from '../support/fakes.ts';
import { DataApiTestServer, fetchRequester, type Answer } from './server.ts';

const server = new DataApiTestServer();
let now = 1_700_000_000_000;
const clock = () => now;

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  now = 1_700_000_000_000;
});

/** Token endpoint handing out tok-1, tok-2... with the given lifetime (seconds). */
function issueTokens(expiresIn: unknown = 3600): void {
  let n = 0;
  server.on('/oauth/token', () => ({ json: { access_token: `tok-${++n}`, token_type: 'Bearer', expires_in: expiresIn } }));
}

function provider(extra: Partial<TokenProviderOptions> = {}): TokenProvider {
  return new TokenProvider({ requester: fetchRequester, clientId: 'my id', clientSecret: 's3cr&t=+', apiBaseUrl: server.url, clock, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<KameleoonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KameleoonError);
  return error as KameleoonError;
}

describe('TokenProvider', () => {
  it('POSTs the client credentials as a form to /oauth/token', async () => {
    issueTokens();
    expect(await provider().getToken()).toBe('tok-1');
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/oauth/token');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect([...form]).toEqual([
      ['grant_type', 'client_credentials'],
      ['client_id', 'my id'],
      ['client_secret', 's3cr&t=+'],
    ]);
    expect(req.body).toContain('client_secret=s3cr%26t%3D%2B');
  });

  it('uses https://api.kameleoon.com by default', () => {
    const p = new TokenProvider({ requester: fetchRequester, clientId: 'a', clientSecret: 'b' });
    expect(DEFAULT_API_BASE_URL).toBe('https://api.kameleoon.com');
    expect(p.url).toBe('https://api.kameleoon.com/oauth/token');
    expect(provider({ apiBaseUrl: 'http://x.test/' }).url).toBe('http://x.test/oauth/token');
  });

  it('caches the token', async () => {
    issueTokens();
    const p = provider();
    expect(await p.getToken()).toBe('tok-1');
    now += 30 * 60_000;
    expect(await p.getToken()).toBe('tok-1');
    expect(await p.getToken()).toBe('tok-1');
    expect(server.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('renews the token 60 s before it expires', async () => {
    issueTokens(3600);
    const p = provider();
    expect(await p.getToken()).toBe('tok-1');
    now += 3540_000 - 1;
    expect(await p.getToken()).toBe('tok-1');
    now += 1;
    expect(await p.getToken()).toBe('tok-2');
    expect(server.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('renews a short-lived token a tenth of its lifetime before it expires', async () => {
    issueTokens(100);
    const p = provider();
    expect(await p.getToken()).toBe('tok-1');
    now += 89_999;
    expect(await p.getToken()).toBe('tok-1');
    now += 1;
    expect(await p.getToken()).toBe('tok-2');
  });

  it('accepts expires_in as a numeric string', async () => {
    issueTokens('100');
    const p = provider();
    await p.getToken();
    now += 90_000;
    expect(await p.getToken()).toBe('tok-2');
  });

  it('keeps a token without expires_in until it is invalidated', async () => {
    let n = 0;
    server.on('/oauth/token', () => ({ json: { access_token: `tok-${++n}`, token_type: 'Bearer' } }));
    const p = provider();
    expect(await p.getToken()).toBe('tok-1');
    now += 365 * 24 * 3600_000;
    expect(await p.getToken()).toBe('tok-1');
    p.invalidate();
    expect(await p.getToken()).toBe('tok-2');
  });

  it('concurrent callers share one request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    let n = 0;
    server.on('/oauth/token', async (): Promise<Answer> => {
      arrived();
      await gate;
      return { json: { access_token: `tok-${++n}`, expires_in: 3600 } };
    });
    const p = provider();
    const pending = Array.from({ length: 5 }, () => p.getToken());
    // The single request reaches the server before it is released.
    await reached;
    release();
    expect(await Promise.all(pending)).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1', 'tok-1']);
    expect(server.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('invalidate() forgets the token; invalidate(oldToken) keeps a token renewed meanwhile', async () => {
    issueTokens();
    const p = provider();
    expect(await p.getToken()).toBe('tok-1');
    p.invalidate('tok-1');
    expect(await p.getToken()).toBe('tok-2');
    p.invalidate('tok-1'); // stale: tok-2 stays
    expect(await p.getToken()).toBe('tok-2');
    expect(server.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('a Data API 401 invalidates the token and the read is retried once with a new token', async () => {
    issueTokens();
    server.on('/map/map', (req) => (req.headers.authorization === 'Bearer tok-2' ? { json: { fine: true } } : { status: 401, json: { message: 'token revoked' } }));
    const p = provider();
    const url = dataApiUrls({ siteCode: 's', baseUrl: server.url }).remoteData('k');
    expect(await getRemoteData({ requester: fetchRequester, url, timeoutMs: 5000, token: p })).toEqual({ fine: true });
    expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
      '/oauth/token ',
      '/map/map Bearer tok-1',
      '/oauth/token ',
      '/map/map Bearer tok-2',
    ]);
    // tok-2 is now the cached token.
    expect(await p.getToken()).toBe('tok-2');
  });

  it('a failure is not cached: the next call asks again', async () => {
    server.on('/oauth/token', () => ({ status: 503, json: { message: 'maintenance' } }));
    const p = provider();
    const error = await rejection(p.getToken());
    expect(error.type).toBe(KameleoonException.Credentials);
    expect(error.message).toMatch(/HTTP 503 \(maintenance\)/);
    issueTokens();
    expect(await p.getToken()).toBe('tok-1');
    expect(server.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('refused credentials say so', async () => {
    server.on('/oauth/token', () => ({ status: 401, json: { error: 'invalid_client', error_description: 'Bad client credentials' } }));
    const error = await rejection(provider().getToken());
    expect(error.type).toBe(KameleoonException.Credentials);
    expect(error.message).toMatch(/HTTP 401 \(Bad client credentials\); check clientId and clientSecret/);
  });

  it.each([
    ['no access_token', { json: { expires_in: 3600 } }, /no access_token/],
    ['an empty access_token', { json: { access_token: '', expires_in: 3600 } }, /no access_token/],
    ['a bad expires_in', { json: { access_token: 't', expires_in: -5 } }, /expires_in is not a positive number/],
    ['a non-JSON body', { text: '<html>' }, /not JSON/],
  ] as const)('an answer with %s is an error', async (_, answer, message) => {
    server.on('/oauth/token', () => answer);
    const error = await rejection(provider().getToken());
    expect(error.type).toBe(KameleoonException.Credentials);
    expect(error.message).toMatch(message);
  });

  it('a token endpoint that never answers fails after the timeout, and is asked again next time', async () => {
    server.on('/oauth/token', () => 'hang');
    const p = provider({ timeoutMs: 200 });
    expect((await rejection(p.getToken())).message).toMatch(/no answer within 200 ms/);
    issueTokens();
    expect(await p.getToken()).toBe('tok-1');
  });

  it('a failed renewal falls back to the current token while it is valid, then fails', async () => {
    issueTokens(3600);
    const warnings: string[] = [];
    const p = provider({ logger: recordingLogger(warnings) });
    expect(await p.getToken()).toBe('tok-1');
    server.on('/oauth/token', () => ({ status: 500 }));
    now += 3550_000; // within the renewal margin, not expired
    expect(await p.getToken()).toBe('tok-1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/HTTP 500.*still valid/);
    now += 50_000; // expired
    const error = await rejection(p.getToken());
    expect(error.type).toBe(KameleoonException.Credentials);
    expect(server.requestsTo('/oauth/token')).toHaveLength(3);
  });

  it('needs non-empty credentials', () => {
    for (const [clientId, clientSecret] of [
      ['', 'x'],
      ['x', ''],
      [undefined, 'x'],
    ]) {
      let error: unknown;
      try {
        new TokenProvider({ requester: fetchRequester, clientId: clientId as string, clientSecret: clientSecret as string });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KameleoonError);
      expect((error as KameleoonError).type).toBe(KameleoonException.Credentials);
    }
  });
});
