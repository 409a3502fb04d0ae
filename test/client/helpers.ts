import { readFileSync } from 'node:fs';
import { KameleoonClient, type SDKParameters } from '../../src/node.ts';

/** The synthetic "basic" configuration (13 flags), as a parsed object. */
export function basicConfig(): Record<string, any> {
  return JSON.parse(readFileSync(new URL('../conformance/fixtures/synthetic-configs/basic.json', import.meta.url), 'utf8'));
}

/**
 * A requester for offline tests: the configuration "has not changed" (304), so the background
 * refresh after `defaultDataFile` keeps it; tracking is accepted and dropped.
 */
export const notModifiedRequester = {
  sendRequest: async ({ requestType }: { requestType: string }) => new Response(null, { status: requestType === 'configuration' ? 304 : 204 }),
};

/** An initialized client on `config`, offline, with a silent logger. */
export async function clientFor(config: object = basicConfig(), extra: Partial<SDKParameters> = {}): Promise<KameleoonClient> {
  const client = new KameleoonClient({
    siteCode: 'test-site',
    ...extra,
    configuration: { defaultDataFile: config as never, ...extra.configuration },
    externals: { logger: { log() {} }, requester: notModifiedRequester, ...extra.externals },
  });
  await client.initialize();
  return client;
}
