/**
 * A page that tracks: `?tag=T` evaluates flag `switch` (tracked) and adds a custom data item for
 * five visitors T-0..T-4 and flushes them (`&instant` sends at once; otherwise the next tick, one
 * second away, would); without `tag` it only starts the SDK. `&convert` also tracks a conversion
 * of goal 11 for each, `&consent` gives each its legal consent. `&first`: the page goes on once a
 * configuration is in force, without awaiting initialize() (the browser build's first stage). The CDN and the tracking endpoint
 * are the test server's /cdn and /track.
 */
import { CustomData, KameleoonClient } from '../../../src/browser.ts';

declare global {
  interface Window {
    __done?: boolean;
    __client?: KameleoonClient;
  }
}

const params = new URLSearchParams(location.search);
const client = new KameleoonClient({
  siteCode: 'chromium-tracking',
  configuration: { endpoints: { configuration: `${location.origin}/cdn`, tracking: `${location.origin}/track` }, trackingInterval: 1000 },
  // Delivery is under test here, with a known number of lines per visitor: the browser's own
  // browser, system, device and page lines are left out (see platform.test.ts for those).
  _internals: { platformAnalyzer: { getResult: () => ({}) } },
});

try {
  if (params.has('first')) {
    // As the React bindings: on as soon as a configuration is in force (the first stage answers).
    const initializing = client.initialize();
    initializing.catch(() => undefined);
    if (!client.isInitialized()) await new Promise<void>((resolve) => client.onStatusChange(() => client.isInitialized() && resolve()));
  } else {
    await client.initialize();
  }
  const tag = params.get('tag');
  if (tag) {
    for (let i = 0; i < 5; i++) {
      const visitorCode = `${tag}-${i}`;
      client.getVariation({ visitorCode, featureKey: 'switch', track: true });
      client.addData(visitorCode, new CustomData(0, `${tag} ${i}`));
      if (params.has('convert')) client.trackConversion({ visitorCode, goalId: 11, revenue: i });
      if (params.has('consent')) client.setLegalConsent(visitorCode, true);
      client.flush({ visitorCode, instant: params.has('instant') });
    }
  }
} catch (err) {
  document.body.dataset.error = String(err);
} finally {
  window.__client = client;
  window.__done = true;
}
