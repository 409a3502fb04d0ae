/**
 * A page of an app using the SDK: it renders the variation of flag `switch` as soon as
 * `initialize()` resolves, and records how many configuration requests the SDK had issued by
 * then. The configuration comes from the test server's /cdn endpoint.
 */
import { KameleoonClient } from '../../../src/browser.ts';

declare global {
  interface Window {
    __done?: boolean;
    __currentKey?: () => string;
    __issued?: string[];
  }
}

const issued: string[] = [];
const client = new KameleoonClient({
  siteCode: 'chromium-cache',
  configuration: { endpoints: { configuration: `${location.origin}/cdn` } },
  externals: {
    requester: {
      sendRequest: ({ url, parameters }) => {
        issued.push(url);
        return fetch(url, parameters);
      },
    },
  },
});

const currentKey = () => client.getVariation({ visitorCode: 'page-visitor', featureKey: 'switch', track: false }).key;

try {
  await client.initialize();
  // The first render.
  document.body.dataset.variation = currentKey();
  document.body.dataset.requestsBeforeRender = String(issued.length);
  document.body.dataset.source = client.getConfigurationStatus().source ?? '';
} catch (err) {
  document.body.dataset.error = String(err);
} finally {
  window.__currentKey = currentKey;
  window.__issued = issued;
  window.__done = true;
}
