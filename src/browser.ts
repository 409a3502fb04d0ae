/** The browser entry: the public API with a client wired to the browser platform. */
import { KameleoonClient as CoreClient } from './client/kameleoonClient.ts';
import type { SDKParameters } from './client/options.ts';
import { createBrowserPlatform } from './platform/browser/browserPlatform.ts';

export * from './index.ts';

/** The Kameleoon client for browsers: cookies through js-cookie, data in localStorage. */
export class KameleoonClient extends CoreClient {
  constructor(params: SDKParameters) {
    super(params, createBrowserPlatform());
  }
}
