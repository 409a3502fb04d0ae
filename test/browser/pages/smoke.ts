/**
 * Smoke page: the browser build of the SDK, run from its TypeScript sources, initialized offline
 * on the configuration served at /fixtures/config.json. It reports to the test through
 * `document.body.dataset` (visitor code, variations as JSON, or an error), then sets
 * `window.__done`.
 */
import { CustomData, KameleoonClient } from '../../../src/browser.ts';
import { offlineRequester } from './offlineRequester.ts';
import { SMOKE_FLAGS, SMOKE_PLAN } from './smokeFlags.ts';

declare global {
  interface Window {
    /** Set once the page has written its results (or its error) into the body's dataset. */
    __done?: boolean;
  }
}

async function run(): Promise<void> {
  const response = await fetch('/fixtures/config.json');
  if (!response.ok) throw new Error(`GET /fixtures/config.json answered HTTP ${response.status}.`);
  const configuration = await response.text();
  const client = new KameleoonClient({
    siteCode: 'smoke',
    configuration: { defaultDataFile: configuration },
    externals: { requester: offlineRequester(configuration) },
  });
  await client.initialize();
  const visitorCode = client.getVisitorCode();
  client.addData(visitorCode, new CustomData(0, SMOKE_PLAN));
  const variations = Object.fromEntries(
    SMOKE_FLAGS.map((featureKey) => [featureKey, client.getVariation({ visitorCode, featureKey, track: false }).key]),
  );
  document.body.dataset.visitorCode = visitorCode;
  document.body.dataset.variations = JSON.stringify(variations);
}

run()
  .catch((err: unknown) => {
    document.body.dataset.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  })
  .finally(() => {
    window.__done = true;
  });
