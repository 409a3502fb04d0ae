import { ConfigurationError, KameleoonError } from '../errors.ts';
import { RequestType, type IExternalRequester } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';
import { parseConfiguration, type ParsedConfig } from './parse.ts';

/**
 * Fetches and parses the configuration at `url` through the requester, with the SDK headers and
 * a timeout enforced by an abort signal.
 * @throws ConfigurationError on a network error, a non-2xx status, a timeout or a bad document
 */
export async function fetchConfiguration(requester: IExternalRequester, url: string, sdk: PackageInfo, timeoutMs: number): Promise<ParsedConfig> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await requester.sendRequest({
      requestType: RequestType.Configuration,
      url,
      parameters: {
        method: 'GET',
        headers: { 'X-Kameleoon-SDK-Type': sdk.type.toLowerCase(), 'X-Kameleoon-SDK-Version': sdk.version },
        signal: controller.signal,
      },
      retryCount: 0,
    });
    if (!response.ok) throw new ConfigurationError(`The configuration request to ${url} failed with HTTP ${response.status}.`);
    return parseConfiguration(await response.text());
  } catch (err) {
    if (err instanceof KameleoonError) throw err;
    throw new ConfigurationError(`The configuration could not be fetched from ${url}: ${(err as Error)?.message ?? String(err)}`, err);
  } finally {
    clearTimeout(timer);
  }
}
