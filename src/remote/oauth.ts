/**
 * Server authentication with the Kameleoon API (OAuth 2 client credentials): the access token
 * that Data API requests carry as `Authorization: Bearer <token>`.
 */
import { KameleoonError, KameleoonException } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import { RequestType, type IExternalRequester, type KameleoonResponseType } from '../platform/platform.ts';
import { withDeadline } from '../platform/timers.ts';
import type { AccessTokenSource } from './remoteData.ts';

/** Default base URL of the Kameleoon API. */
export const DEFAULT_API_BASE_URL = 'https://api.kameleoon.com';

/** A token is renewed this long before it expires, at most... */
const MAX_RENEWAL_MARGIN_MS = 60_000;
/** ...and at most this fraction of its lifetime before. */
const RENEWAL_MARGIN_FRACTION = 0.1;

/** Options of {@link TokenProvider}. */
export interface TokenProviderOptions {
  requester: IExternalRequester;
  clientId: string;
  clientSecret: string;
  /** Base URL of the API (the token URL is `<apiBaseUrl>/oauth/token`). Default `https://api.kameleoon.com`. */
  apiBaseUrl?: string | undefined;
  /** Milliseconds before a token request is abandoned. Default 10 000. */
  timeoutMs?: number | undefined;
  /** Epoch milliseconds now. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Where a renewal failure that is covered by the still-valid token is reported. */
  logger?: Logger | undefined;
}

interface CachedToken {
  token: string;
  /** Epoch ms when the server stops accepting it; Infinity when the server gave no lifetime. */
  expiresAt: number;
  /** Epoch ms from which a new token is fetched. */
  renewAt: number;
}

/**
 * Obtains and caches an access token with `client_id` / `client_secret`:
 * `POST <apiBaseUrl>/oauth/token` with the form body
 * `grant_type=client_credentials&client_id=…&client_secret=…`, answered with
 * `{ access_token, expires_in }` (seconds).
 *
 * - The token is reused until shortly before it expires: 60 s, or a tenth of its lifetime when
 *   that is shorter. A response without `expires_in` gives a token that is kept until
 *   {@link invalidate} (the server refuses it with 401).
 * - Concurrent callers share one request.
 * - A failed request is never cached: the next call tries again. While the previous token has
 *   not actually expired, a failed renewal returns that token instead of failing.
 */
export class TokenProvider implements AccessTokenSource {
  readonly #options: TokenProviderOptions;
  readonly #clock: () => number;
  readonly #url: string;
  #cached: CachedToken | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: TokenProviderOptions) {
    if (typeof options?.clientId !== 'string' || options.clientId === '' || typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new KameleoonError(KameleoonException.Credentials, 'Server authentication needs a non-empty clientId and clientSecret.');
    }
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#url = `${(options.apiBaseUrl || DEFAULT_API_BASE_URL).replace(/\/+$/, '')}/oauth/token`;
  }

  /** The token endpoint. */
  get url(): string {
    return this.#url;
  }

  /**
   * A valid access token: the cached one, or a new one.
   * @throws KameleoonError `Credentials` when no token could be obtained (network error, timeout,
   * refused credentials, malformed answer)
   */
  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#clock() < cached.renewAt) return Promise.resolve(cached.token);
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * Forgets the cached token (the server answered 401), so the next {@link getToken} fetches a
   * new one. With `token`, only that token is forgotten: a token already renewed by a concurrent
   * caller is kept.
   */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.token === token) this.#cached = undefined;
  }

  async #renew(): Promise<string> {
    try {
      const fresh = await this.#fetch();
      this.#cached = fresh;
      return fresh.token;
    } catch (err) {
      const previous = this.#cached;
      if (previous && this.#clock() < previous.expiresAt) {
        this.#options.logger?.warn(`${(err as Error).message} The current access token, still valid, is used meanwhile.`);
        return previous.token;
      }
      this.#cached = undefined;
      throw err;
    }
  }

  async #fetch(): Promise<CachedToken> {
    const { requester, clientId, clientSecret, timeoutMs = 10_000 } = this.#options;
    const url = this.#url;
    const fail = (reason: string, cause?: unknown) =>
      new KameleoonError(KameleoonException.Credentials, `Could not obtain an access token from ${url}: ${reason}.`, cause === undefined ? undefined : { cause });
    let answer: { response: KameleoonResponseType; text: string };
    try {
      answer = await withDeadline(timeoutMs, undefined, async (signal) => {
        const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
        const response = await requester.sendRequest({
          requestType: RequestType.RemoteData,
          url,
          parameters: { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body, signal },
          retryCount: 0,
        });
        return { response, text: await response.text() };
      });
    } catch (err) {
      throw fail((err as Error)?.message ?? String(err), err);
    }
    const { response, text } = answer;
    if (!response.ok) {
      let detail = '';
      try {
        const json = JSON.parse(text) as { error_description?: unknown; error?: unknown; message?: unknown };
        const d = json?.error_description ?? json?.message ?? json?.error;
        if (typeof d === 'string') detail = d;
      } catch {
        detail = text.slice(0, 200);
      }
      const refused = response.status === 400 || response.status === 401 || response.status === 403;
      throw fail(`HTTP ${response.status}${detail ? ` (${detail})` : ''}${refused ? '; check clientId and clientSecret' : ''}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw fail('the answer is not JSON', err);
    }
    const { access_token: token, expires_in: expiresIn } = (json ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof token !== 'string' || token === '') throw fail('the answer has no access_token');
    const now = this.#clock();
    if (expiresIn === undefined || expiresIn === null) return { token, expiresAt: Infinity, renewAt: Infinity };
    const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) throw fail(`expires_in is not a positive number (${String(expiresIn)})`);
    const lifetime = seconds * 1000;
    const margin = Math.min(MAX_RENEWAL_MARGIN_MS, lifetime * RENEWAL_MARGIN_FRACTION);
    return { token, expiresAt: now + lifetime, renewAt: now + lifetime - margin };
  }
}
