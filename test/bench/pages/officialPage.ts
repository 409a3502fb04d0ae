/**
 * Bench page of the official `@kameleoon/javascript-sdk`. It has no endpoint options, so its
 * `externals` route it to the local dev server: the requester is the SDK's own (`fetch(url,
 * parameters)`) and the event source the SDK's own (a native `EventSource` listening for the
 * event type it is given), each with the URL's origin replaced by the dev server's. Storage,
 * cookies and everything else are the SDK's browser defaults.
 */
import { EventType, KameleoonClient } from '@kameleoon/javascript-sdk';
import { benchSettings, runBenchPage } from './benchPage.ts';

const settings = benchSettings();
/** `https://sdk-config.kameleoon.eu/v3/site?ts=1` → `<dev server>/v3/site?ts=1`. */
const local = (url: string) => {
  const parsed = new URL(url);
  return `${settings.devServer}${parsed.pathname}${parsed.search}`;
};

let opened!: () => void;
const streamOpen = new Promise<void>((resolve) => (opened = resolve));
let source: EventSource | undefined;

const client = new KameleoonClient({
  siteCode: settings.siteCode,
  externals: {
    requester: { sendRequest: ({ url, parameters }) => fetch(local(url), parameters) },
    eventSource: {
      open({ url, eventType, onEvent }) {
        source = new EventSource(local(url));
        source.addEventListener(eventType, onEvent);
        source.addEventListener('open', () => opened());
      },
      close: () => source?.close(),
      onError(callback) {
        if (source) source.onerror = callback;
      },
    },
  },
});

void runBenchPage({
  // The official SDK's documented way: getVariation after initialize() resolved.
  ready: async () => void (await client.initialize()),
  variation: () => client.getVariation({ visitorCode: settings.visitorCode, featureKey: settings.featureKey, track: false }).key,
  streamOpen: () => streamOpen,
  onUpdate: (listener) => client.onEvent(EventType.ConfigurationUpdate, listener),
});
