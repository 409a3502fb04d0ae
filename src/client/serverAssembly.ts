import { createNodePlatform } from '../platform/node/nodePlatform.ts';
import { TokenProvider } from '../remote/oauth.ts';
import { compileUserRegExp } from '../targeting/regex.ts';
import { createTracking } from '../tracking/pipeline.ts';
import { ServerVisitorCodeCookies } from '../visitor/exchange.ts';
import type { ClientAssembly } from './assembly.ts';

/**
 * What the Node and edge builds assemble a client from: the Node SDK's platform identity, the
 * tracking pipeline built with the client, patterns run in bounded time (one visitor's text must
 * not stall the process or the isolate), the cookie through requests, responses and Next.js's
 * cookies, and the Data API's OAuth client.
 */
export function serverAssembly(): ClientAssembly {
  return {
    platform: createNodePlatform(),
    tracking: { create: createTracking },
    compileRegex: compileUserRegExp,
    cookies: ServerVisitorCodeCookies,
    oauth: TokenProvider,
  };
}
