/**
 * A page whose client switches to visitor `?visitor=V` without tracking anything, its activity tick
 * shortened to `?tick=MS` (the official 4.24's is 60 s). The browser's own browser, system, device
 * and page are left out: the visitor's activity is then an `eventType=activity` line. The CDN and
 * the tracking endpoint are the test server's /cdn and /track.
 */
import { KameleoonClient } from '../../../src/browser.ts';

declare global {
  interface Window {
    __done?: boolean;
    __client?: KameleoonClient;
  }
}

const params = new URLSearchParams(location.search);
const client = new KameleoonClient({
  siteCode: 'chromium-activity',
  configuration: { endpoints: { configuration: `${location.origin}/cdn`, tracking: `${location.origin}/track` } },
  _internals: { platformAnalyzer: { getResult: () => ({}) }, trackingLimits: { activityMs: Number(params.get('tick') ?? 60_000) } },
});

try {
  await client.initialize();
  client.getVariation({ visitorCode: params.get('visitor') ?? 'nobody', featureKey: 'switch', track: false });
} catch (err) {
  document.body.dataset.error = String(err);
} finally {
  window.__client = client;
  window.__done = true;
}
