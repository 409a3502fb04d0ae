/**
 * A browser client wired to in-memory fakes for React tests: a configuration the test can change,
 * an event source the test can fire, tracking lines recorded.
 */
import { expect, vi } from 'vitest';
import { KameleoonClient, type SDKParameters } from '../../src/browser.ts';
import { switchConfig } from '../delivery/server.ts';

/** Two flags, `alpha` and `beta`, each a targeted delivery of one variation to everyone. */
export function twoFlags(alpha: string, beta: string, realTimeUpdate = true): object {
  const a = switchConfig(alpha, realTimeUpdate) as { featureFlags: Record<string, unknown>[]; configuration: object };
  const b = switchConfig(beta, realTimeUpdate) as { featureFlags: Record<string, any>[] };
  const beta0: Record<string, any> = { ...b.featureFlags[0], id: 2, featureKey: 'beta' };
  beta0.rules = [{ ...beta0.rules[0], id: 12, experimentId: 22, variationByExposition: [{ ...beta0.rules[0].variationByExposition[0], variationId: 32 }] }];
  return { ...a, featureFlags: [{ ...a.featureFlags[0], featureKey: 'alpha', variations: [{ key: 'off', variables: [] }, { key: alpha, variables: [{ key: 'label', type: 'STRING', value: `label-${alpha}` }] }] }, beta0] };
}

export interface FakeBackend {
  /** What the next configuration request returns. */
  config: object;
  configRequests: number;
  trackingLines: string[];
  /** Fires a configuration-update event once the stream is open (its code loads after the first configuration). */
  push(ts: number): Promise<void>;
  params(extra?: Partial<SDKParameters>): SDKParameters;
}

export function fakeBackend(config: object): FakeBackend {
  let deliver: ((data: string) => void) | undefined;
  const backend: FakeBackend = {
    config,
    configRequests: 0,
    trackingLines: [],
    push: async (ts) => {
      await vi.waitFor(() => expect(deliver).toBeDefined());
      deliver!(JSON.stringify({ siteCode: 'react-site', ts }));
    },
    params: (extra = {}) => ({
      siteCode: 'react-site',
      ...extra,
      configuration: { trackingInterval: 100, ...extra.configuration },
      _internals: { minTrackingInterval: 100, ...extra._internals }, // ticks faster than the official 1000 ms floor
      externals: {
        logger: { log() {} },
        requester: {
          sendRequest: async ({ requestType, parameters }) => {
            if (requestType === 'configuration') {
              backend.configRequests++;
              return new Response(JSON.stringify(backend.config), { status: 200 });
            }
            backend.trackingLines.push(...String(parameters.body).split('\n'));
            return new Response(null, { status: 204 });
          },
        },
        eventSource: { open: ({ onEvent }) => void (deliver = onEvent), close: () => void (deliver = undefined) },
        ...extra.externals,
      },
    }),
  };
  return backend;
}

export function newClient(backend: FakeBackend, extra?: Partial<SDKParameters>): KameleoonClient {
  return new KameleoonClient(backend.params(extra));
}
