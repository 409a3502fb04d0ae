import { ConfigurationError, KameleoonError } from '../errors.ts';
import type { IExternalRequester, KameleoonResponseType } from '../platform/platform.ts';
import { requestConfiguration } from './request.ts';
import { withDeadline } from '../platform/timers.ts';
import type { PackageInfo } from '../targeting/types.ts';
import { parseConfiguration, type ParsedConfig } from './parse.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';
import { msg } from '../logging/msg.ts';

/** What a configuration request brought. */
export type FetchResult =
  | { kind: 'updated'; config: ParsedConfig; lastModified: string | undefined }
  | { kind: 'notModified' };

/** Parameters of {@link fetchConfiguration}. */
export interface FetchParams {
  requester: IExternalRequester;
  url: string;
  sdk: PackageInfo;
  timeoutMs: number;
  /** `Last-Modified` of the configuration in force: the server answers 304 when unchanged. */
  ifModifiedSince?: string | undefined;
  /** Aborts the request (the client is closing). */
  signal?: AbortSignal | undefined;
  /** Compiles the REGULAR_EXPRESSION patterns of the configuration. */
  compileRegex: RegexCompiler;
  /** The answer of this request, already started (see InternalsType.configurationResponse): nothing is sent. */
  response?: Promise<KameleoonResponseType> | undefined;
}

function header(response: KameleoonResponseType, name: string): string | undefined {
  const headers = response.headers;
  if (!headers) return undefined;
  if ('get' in headers && typeof headers.get === 'function') return headers.get(name) ?? undefined;
  for (const [key, value] of headers as Iterable<[string, string]>) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/**
 * Fetches and parses the configuration through the requester, with the SDK headers,
 * `If-Modified-Since`, and a timeout enforced by an abort signal. The whole document is validated
 * before anything is returned, so a bad document can never be half applied.
 * @throws ConfigurationError on a network error, a status other than 2xx or 304, a timeout, a
 * truncated or malformed body
 */
export async function fetchConfiguration(params: FetchParams): Promise<FetchResult> {
  const { requester, url, sdk, timeoutMs, ifModifiedSince, signal, compileRegex } = params;
  let answer: { text: string; lastModified: string | undefined } | undefined;
  try {
    answer = await withDeadline(timeoutMs, signal, async (deadline) => {
      const response = await (params.response ?? requestConfiguration(requester, url, sdk, deadline, ifModifiedSince));
      if (response.status === 304) return undefined;
      if (!response.ok) throw new ConfigurationError(msg`The configuration request to ${url} failed with HTTP ${response.status}.`);
      // The official SDK reads json(): a requester written for it (KameleoonUtils.simulateSuccessRequest
      // of the official SDK among them) may answer text() with ''.
      const text = await response.text();
      return { text: text !== '' ? text : JSON.stringify(await response.json()), lastModified: header(response, 'Last-Modified') };
    });
  } catch (err) {
    if (err instanceof KameleoonError) throw err;
    throw new ConfigurationError(msg`The configuration could not be fetched from ${url}: ${(err as Error)?.message ?? String(err)}`, err);
  }
  return answer ? { kind: 'updated', config: parseConfiguration(answer.text, compileRegex), lastModified: answer.lastModified } : { kind: 'notModified' };
}
