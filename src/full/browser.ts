/**
 * kameleoon-ts/full, browser build: the browser entry's API, with a client that also logs at INFO
 * (configuration, requests, stream, visitor codes) and DEBUG (every public call and its result),
 * as the official SDK's `/full` bundles do. The standard entries carry none of this code.
 */
import { KameleoonClient as StandardClient } from '../browser.ts';
import type { SDKParameters } from '../client/options.ts';
import { instrument, verbose } from './instrument.ts';

export * from '../browser.ts';
export { KameleoonLogger } from './kameleoonLogger.ts';

/**
 * The Kameleoon client for browsers (see the standard entry's), logging at the INFO and DEBUG
 * levels too: `client.setLogLevel(LogLevel.DEBUG)` or `KameleoonLogger.setLogLevel(LogLevel.DEBUG)`.
 */
export class KameleoonClient extends StandardClient {
  /**
   * @param params - the site code, and optionally `configuration`, `externals` (requester, storage,
   * event source, visitor code manager, logger) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    const { logger, params: withLogging } = verbose(params);
    super(withLogging);
    instrument(this, logger, params);
  }
}
