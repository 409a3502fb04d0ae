/**
 * The OpenFeature tests' configuration (the synthetic "basic" one, streamed, plus `ff_values`,
 * whose `on` variation holds false, 0, '' and a JSON variable) and clients pointed at a local
 * configuration, tracking and event-stream server on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KameleoonClient, type SDKParameters } from '../../src/node.ts';
import { KameleoonTestServer } from '../delivery/server.ts';

export const SITE_CODE = 'of-site';

/** The synthetic "basic" configuration (read by path: jsdom's URL is not Node's). */
function basicConfig(): Record<string, any> {
  return JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../conformance/fixtures/synthetic-configs/basic.json'), 'utf8'));
}

/** `basicConfig()` with real-time updates and the `ff_values` flag (`label` of `on` as given; `on` for everyone unless `active` is false: no rule). */
export function openFeatureConfig(label = '', active = true): Record<string, any> {
  const config = basicConfig();
  config.configuration = { ...config.configuration, realTimeUpdate: true };
  config.featureFlags.push({
    id: 90,
    featureKey: 'ff_values',
    environmentEnabled: true,
    defaultVariationKey: 'off',
    variations: [
      { key: 'off', variables: [] },
      {
        key: 'on',
        variables: [
          { key: 'enabled', type: 'BOOLEAN', value: 'false' },
          { key: 'count', type: 'NUMBER', value: '0' },
          { key: 'label', type: 'STRING', value: label },
          { key: 'payload', type: 'JSON', value: '{"items":[1,2],"ok":false}' },
        ],
      },
    ],
    rules: active ? [{ id: 9001, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: 9101, respoolTime: null, segmentId: null, variationByExposition: [{ variationKey: 'on', variationId: 9201, exposition: 1 }] }] : [],
  });
  return config;
}

/** The client's parameters for the test server: every endpoint there, a silent logger, a fast tracking tick. */
export function serverParams(server: KameleoonTestServer, extra: Partial<SDKParameters> = {}): SDKParameters {
  return {
    siteCode: SITE_CODE,
    ...extra,
    configuration: { endpoints: { configuration: server.url, realTime: server.url, tracking: server.url }, requestTimeout: 2_000, trackingInterval: 100, ...extra.configuration },
    externals: { logger: { log() {} }, ...extra.externals },
    _internals: { minTrackingInterval: 100, ...extra._internals },
  };
}

export async function startServer(config: object = openFeatureConfig()): Promise<KameleoonTestServer> {
  return new KameleoonTestServer(config).start();
}

export function newClient(server: KameleoonTestServer, extra?: Partial<SDKParameters>): KameleoonClient {
  return new KameleoonClient(serverParams(server, extra));
}
