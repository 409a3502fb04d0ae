/**
 * A page whose client is given a mistyped option (`configuration.endpoint`, for `endpoints`) and
 * tracks one exposure; its logger's lines (`level: message`) go to `window.__logs`. The
 * configuration and the tracking endpoint are the test server's /cdn and /track, or the tracking
 * base URL given as `?tracking=` (one where nothing listens).
 */
import { KameleoonClient, type LogLevel } from '../../../src/browser.ts';

declare global {
  interface Window {
    __logs: string[];
    __ready?: boolean;
  }
}

window.__logs = [];
const logger = { log: (level: LogLevel, message: string) => void window.__logs.push(`${level}: ${message}`) };
const endpoints = { configuration: `${location.origin}/cdn`, tracking: new URLSearchParams(location.search).get('tracking') ?? `${location.origin}/track` };
const client = new KameleoonClient({ siteCode: 'chromium-options', configuration: { endpoints, endpoint: endpoints } as never, externals: { logger } });
await client.initialize();
client.getVariation({ visitorCode: 'visitor-1', featureKey: 'switch', track: true });
await client.flush();
window.__ready = true;
