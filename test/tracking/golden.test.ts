/**
 * Tracking requests against the official engine's recorded output
 * (fixtures/golden-js-core-5.17.1/tracking.json and holdout-consent.json): the same calls give
 * the same URL, headers and body, nonces aside (each SDK draws its own).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Browser, BrowserType, Conversion, CustomData, Device, DeviceType, GeolocationData, KameleoonClient, OperatingSystem, OperatingSystemType, PageView, UserAgent } from '../../src/node.ts';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../conformance/fixtures/${path}`, import.meta.url), 'utf8'));
const tracking = fixture('golden-js-core-5.17.1/tracking.json');
const holdout = fixture('golden-js-core-5.17.1/holdout-consent.json');

interface Sent {
  url: string;
  method: string | undefined;
  headers: unknown;
  body: string;
}

const maskNonces = (body: string) => body.replace(/&nonce=[0-9A-F]{16}/g, '&nonce=<nonce>');

/** A server client on `config` whose tracking requests are recorded (and answered 204). */
async function recordingClient(config: unknown): Promise<{ client: KameleoonClient; sent: Sent[]; requests: (count: number) => Promise<void> }> {
  const sent: Sent[] = [];
  const client = new KameleoonClient({
    siteCode: 'testsite',
    configuration: { defaultDataFile: config as never },
    externals: {
      logger: { log() {} },
      requester: {
        sendRequest: async ({ requestType, url, parameters }) => {
          if (requestType !== 'tracking') return new Response(null, { status: 304 });
          sent.push({ url, method: parameters.method, headers: parameters.headers, body: String(parameters.body) });
          return new Response(null, { status: 204 });
        },
      },
    },
  });
  await client.initialize();
  return {
    client,
    sent,
    /** Until `count` tracking requests have been made (an instant flush sends one request). */
    requests: async (count) => {
      await vi.waitUntil(() => sent.length >= count);
    },
  };
}

describe('golden tracking requests (official engine 5.17.1)', () => {
  it('a visitor with every kind of data: URL, headers and body as the official engine sent them', async () => {
    const { client, sent, requests } = await recordingClient(fixture('synthetic-configs/basic.json'));
    const visitor = 'visitor1';
    client.addData(
      visitor,
      new UserAgent('Mozilla/5.0 (X11; Linux x86_64) Test/1.0'),
      new CustomData(0, 'premium'),
      new CustomData(1, 'v "quoted"', 'v2'),
      new PageView({ urlAddress: 'https://example.com/a?b=c&d=é', title: 'Title & more', referrers: [1, 2] }),
      new Conversion({ goalId: 42, revenue: 10.5 }),
      new Device(DeviceType.Desktop),
      new Browser(BrowserType.Chrome, 120.5),
      new OperatingSystem(OperatingSystemType.Mac),
      new GeolocationData({ country: 'France', region: 'Île-de-France', city: 'Paris', postalCode: '75001', coordinates: [48.85, 2.35] }),
    );
    expect(client.getVariation({ visitorCode: visitor, featureKey: 'ff_50_50', track: true }).key).toBe(tracking.capture.variation);
    expect(client.getEngineTrackingCode(visitor)).toBe(tracking.capture.engineTrackingCode);
    client.flush({ visitorCode: visitor, instant: true });
    await requests(1);
    client.flush({ visitorCode: 'lonely-visitor', instant: true });
    await requests(2);
    await client.close();

    const expected = tracking.capture.trackingRequests as Sent[];
    expect(sent).toHaveLength(expected.length);
    sent.forEach((request, i) => {
      // The harness that recorded the golden data called itself version 0.0.0-harness.
      expect(request.url).toBe(expected[i].url.replace('sdkVersion=0.0.0-harness', 'sdkVersion=5.17.1'));
      expect(request.method).toBe('POST');
      expect(request.headers).toEqual(expected[i].headers);
      expect(maskNonces(request.body)).toBe(maskNonces(expected[i].body));
    });
  });

  it('holdout exposures of ten visitors in one body', async () => {
    const { client, sent, requests } = await recordingClient(fixture('synthetic-configs/holdout.json'));
    for (const row of holdout.holdout as { visitorCode: string; ff_50_50: string }[]) {
      expect(client.getVariation({ visitorCode: row.visitorCode, featureKey: 'ff_50_50', track: true }).key).toBe(row.ff_50_50);
    }
    client.flush({ instant: true });
    await requests(1);
    await client.close();
    expect(sent.map((r) => maskNonces(r.body))).toEqual((holdout.holdoutTrackingBody as string[]).map(maskNonces));
  });
});
