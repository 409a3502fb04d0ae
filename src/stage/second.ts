/**
 * The second stage of the standard browser build: the whole client, which the first stage
 * (first.ts) loads at construction and hands its calls over to. Also what `src/browser.ts`
 * declares, and what tests and the /full entries build on.
 */
import { KameleoonClientBase } from '../client/kameleoonClient.ts';
import type { SDKParameters } from '../client/options.ts';
import { createBrowserPlatform } from '../platform/browser/browserPlatform.ts';
import { onBackOnline, onPageLeave } from '../platform/browser/pageLeave.ts';
import { createPlatformAnalyzer } from '../platform/browser/platformAnalyzer.ts';
import { nativeUserRegExp } from '../targeting/nativeRegex.ts';

/**
 * The Kameleoon client for browsers: cookies through js-cookie, data in localStorage, the visitor's
 * browser, system, device and page collected, tracking loaded after the first configuration.
 */
export class KameleoonClient extends KameleoonClientBase {
  /**
   * @param params - the site code, and optionally `configuration`, `externals` (requester, storage,
   * event source, visitor code manager, logger) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    super(params, {
      platform: createBrowserPlatform(),
      // Tracking (with IndexedDB recovery and beacons) loads once a configuration is in force: the
      // first variation never waits for its code.
      tracking: {
        load: () =>
          Promise.all([import('../tracking/pipeline.ts'), import('../platform/browser/pageLifecycle.ts')]).then(([{ createTracking }, { createPageLifecycle }]) => {
            const page = createPageLifecycle();
            return (deps) => createTracking(deps, page);
          }),
        onLeave: onPageLeave,
        onOnline: onBackOnline,
      },
      // As the official SDK: a pattern of the project's own configuration that backtracks badly can
      // only slow the visitor's own page (the bounded-time compiler would cost 3.5 KB).
      compileRegex: nativeUserRegExp,
      // As the official SDK: the browser, system, device and page of the visitor, for targeting.
      platformAnalyzer: createPlatformAnalyzer(),
      // Diagnostics wait for an idle moment: a page's first variation comes first.
      idle: (work) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => work()) : setTimeout(work, 0)),
    });
  }
}
