/** The Node.js entry: the public API with a client wired to the server platform. */
import { KameleoonClient as CoreClient } from './client/kameleoonClient.ts';
import type { SDKParameters } from './client/options.ts';
import { createNodePlatform } from './platform/node/nodePlatform.ts';

export * from './index.ts';

/** The Kameleoon client for Node.js servers: visitors in RAM, cookies through request and response. */
export class KameleoonClient extends CoreClient {
  constructor(params: SDKParameters) {
    super(params, createNodePlatform());
  }
}
