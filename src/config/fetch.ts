import { ConfigurationError, KameleoonError } from '../errors.ts';
import { RequestType, type IExternalRequester, type KameleoonResponseType } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';
import { parseConfiguration, type ParsedConfig } from './parse.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';

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
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  try {
    const headers: Record<string, string> = { 'X-Kameleoon-SDK-Type': sdk.type.toLowerCase(), 'X-Kameleoon-SDK-Version': sdk.version };
    if (ifModifiedSince) headers['If-Modified-Since'] = ifModifiedSince;
    const response = await requester.sendRequest({
      requestType: RequestType.Configuration,
      url,
      parameters: { method: 'GET', headers, signal: controller.signal },
      retryCount: 0,
    });
    if (response.status === 304) return { kind: 'notModified' };
    if (!response.ok) throw new ConfigurationError(`The configuration request to ${url} failed with HTTP ${response.status}.`);
    const text = await response.text();
    // The body is read under the same timeout: a server that stalls mid-body is a failure too.
    if (controller.signal.aborted) throw controller.signal.reason;
    return { kind: 'updated', config: parseConfiguration(text, compileRegex), lastModified: header(response, 'Last-Modified') };
  } catch (err) {
    if (err instanceof KameleoonError) throw err;
    const reason = controller.signal.aborted && !signal?.aborted ? `no answer within ${timeoutMs} ms` : ((err as Error)?.message ?? String(err));
    throw new ConfigurationError(`The configuration could not be fetched from ${url}: ${reason}`, err);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
