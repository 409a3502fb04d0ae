/**
 * Bench page of our SDK: the browser entry with every endpoint on the local dev server, and the
 * browser platform's defaults otherwise (fetch, the fetch-based event source, localStorage cache).
 */
import { EventType, KameleoonClient } from '../../../src/browser.ts';
import { benchSettings, runBenchPage } from './benchPage.ts';

const settings = benchSettings();
const dev = settings.devServer;
const client = new KameleoonClient({
  siteCode: settings.siteCode,
  configuration: { endpoints: { configuration: dev, realTime: dev, tracking: dev, dataApi: dev } },
});

void runBenchPage({
  async ready() {
    const initializing = client.initialize();
    // A configuration from a fresh cache is in force as soon as initialize() is called (README,
    // "Configuration delivery"): the app can render from it without waiting for the promise. On a
    // cold start the app renders once one is in force, as the React bindings do (the status
    // changes): the browser's first stage answers from it while the rest of the client loads.
    if (client.isInitialized()) return;
    await new Promise<void>((resolve, reject) => {
      const off = client.onStatusChange(() => {
        if (client.isInitialized()) resolve();
      });
      initializing.then(() => resolve(), reject).finally(off);
    });
  },
  variation: () => client.getVariation({ visitorCode: settings.visitorCode, featureKey: settings.featureKey, track: false }).key,
  streamOpen: () =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (client.getConfigurationStatus().streaming) resolve();
      };
      client.onStatusChange(check);
      check();
    }),
  onUpdate: (listener) => client.onEvent(EventType.ConfigurationUpdate, listener),
});
