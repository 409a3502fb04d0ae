import { readFileSync } from 'node:fs';
import { KameleoonClient, type SDKParameters } from '../../src/node.ts';

/** The synthetic "basic" configuration (13 flags), as a parsed object. */
export function basicConfig(): Record<string, any> {
  return JSON.parse(readFileSync(new URL('../conformance/fixtures/synthetic-configs/basic.json', import.meta.url), 'utf8'));
}

/** An initialized client on `config`, offline, with a silent logger. */
export async function clientFor(config: object = basicConfig(), extra: Partial<SDKParameters> = {}): Promise<KameleoonClient> {
  const client = new KameleoonClient({
    siteCode: 'test-site',
    ...extra,
    configuration: { defaultDataFile: config as never, ...extra.configuration },
    externals: { logger: { log() {} }, ...extra.externals },
  });
  await client.initialize();
  return client;
}
