import { RequestType, type IExternalRequester, type KameleoonResponseType } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';

/** Sends the configuration request as the official SDK does: `GET` with the SDK's headers and, when one is in force, `If-Modified-Since`. */
export function requestConfiguration(requester: IExternalRequester, url: string, sdk: PackageInfo, signal: AbortSignal, ifModifiedSince?: string): Promise<KameleoonResponseType> {
  const headers: Record<string, string> = { 'X-Kameleoon-SDK-Type': sdk.type.toLowerCase(), 'X-Kameleoon-SDK-Version': sdk.version };
  if (ifModifiedSince) headers['If-Modified-Since'] = ifModifiedSince;
  return requester.sendRequest({ requestType: RequestType.Configuration, url, parameters: { method: 'GET', headers, signal }, retryCount: 0 });
}
