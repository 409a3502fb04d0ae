import { RequestType, type IExternalRequester } from '../platform/platform.ts';
import { withDeadline } from '../platform/timers.ts';
import type { Logger } from '../logging/logger.ts';
import type { SendOutcome, TrackingLine } from './outbox.ts';
import { msg } from '../logging/msg.ts';

/** Parameters of {@link createTrackingSender}. */
export interface TrackingSenderOptions {
  requester: IExternalRequester;
  /** `…/visit/events?siteCode=…&sdkName=…&sdkVersion=…`, without `bodyUa`. */
  url: () => string;
  timeoutMs: number;
  logger: Logger;
}

/** The tracking URL of a site: the Data API host, or an `endpoints.tracking` base URL. */
export function trackingUrl(base: string, siteCode: string, sdkName: string, sdkVersion: string): string {
  return `${base.replace(/\/+$/, '')}/visit/events?siteCode=${encodeURIComponent(siteCode)}&sdkName=${encodeURIComponent(sdkName)}&sdkVersion=${encodeURIComponent(sdkVersion)}`;
}

/** The URL of a batch: `bodyUa=true` when a line carries a user agent, as the official SDK says. */
export function batchUrl(url: string, lines: readonly TrackingLine[]): string {
  return lines.some((l) => l.ua) ? `${url}&bodyUa=true` : url;
}

/** Whether a failed status is worth retrying: the server may accept the same lines later. */
function isRetryable(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Sends a batch as the official SDK does (`POST`, a wildcard `Content-Type`, lines joined by `\n`,
 * `bodyUa=true` when a line carries a user agent), through the requester, with a timeout, or until
 * `stop` aborts (the outbox closed). Network errors, timeouts and aborts throw (the outbox retries),
 * a failure with the method and URL after its reason; statuses map to sent, retry or drop.
 */
export function createTrackingSender(options: TrackingSenderOptions): (lines: readonly TrackingLine[], stop?: AbortSignal) => Promise<SendOutcome> {
  return async (lines, stop) => {
    const url = batchUrl(options.url(), lines);
    const response = await withDeadline(options.timeoutMs, stop, (signal) =>
      options.requester.sendRequest({
        requestType: RequestType.Tracking,
        url,
        parameters: { method: 'POST', headers: { 'Content-Type': '*/*' }, body: lines.map((l) => l.text).join('\n'), signal, keepalive: false },
        retryCount: 0,
      }),
    ).catch((err: unknown) => {
      // A failure names the request (a browser's fetch says only "Failed to fetch"); an abort by
      // close() is the outbox's to report.
      throw stop?.aborted ? err : new Error(msg`${(err as Error)?.message ?? String(err)} (POST ${url})`, { cause: err });
    });
    if (response.ok) return 'sent';
    if (isRetryable(response.status)) {
      options.logger.warn(msg`Tracking request to ${url} answered HTTP ${response.status}; it will be retried.`);
      return 'retry';
    }
    options.logger.error(msg`Tracking request to ${url} rejected with HTTP ${response.status}: ${lines.length} line(s) dropped.`);
    return 'drop';
  };
}
