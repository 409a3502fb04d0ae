/**
 * The official SDK and ours side by side in one page, on the configuration of platformConfig.ts
 * (flags that target the browser, device, operating system, page and visits). Both SDKs use their browser defaults (user agent,
 * page, localStorage); only requests are stubbed: the configuration is served from here and
 * tracking bodies are kept. `Date.now` is stepped by hand, so that both see the same clock.
 *
 * Three visitors take turns through the flags (each turn switches visitor, as a page showing
 * several visitors would), the page moves to another URL and title midway (history.pushState),
 * a later round comes after 31 minutes (a new visit); every decision is recorded, then each
 * visitor is flushed and the tracking lines of both SDKs are kept for the test to compare.
 */
import { KameleoonClient as OfficialClient } from '@kameleoon/javascript-sdk';
import { KameleoonClient } from '../../../src/browser.ts';
import { PLATFORM_FLAGS, platformConfig } from './platformConfig.ts';

declare global {
  interface Window {
    __done?: boolean;
    __results?: PlatformResults;
  }
}

/** What the page reports: decisions (`round visitor flag → key`) and tracking lines, per SDK. */
export interface PlatformResults {
  flags: string[];
  decisions: { official: string[]; ours: string[] };
  lines: { official: string[]; ours: string[] };
}

const configText = JSON.stringify(platformConfig(location.href));

/** A requester that serves the configuration and keeps the lines of tracking bodies. */
function requester(lines: string[]) {
  return {
    async sendRequest({ requestType, parameters }: { requestType: string; parameters: { body?: unknown } }) {
      if (requestType === 'tracking' && typeof parameters.body === 'string') lines.push(...parameters.body.split('\n'));
      return requestType === 'configuration'
        ? new Response(configText, { status: 200, headers: { 'Content-Type': 'application/json' } })
        : new Response(null, { status: 204 });
    },
  };
}

let now = Date.now();
Date.now = () => now;

const results: PlatformResults = { flags: PLATFORM_FLAGS, decisions: { official: [], ours: [] }, lines: { official: [], ours: [] } };
const official = new OfficialClient({ siteCode: 'platform', externals: { requester: requester(results.lines.official) as never } });
const ours = new KameleoonClient({ siteCode: 'platform', configuration: { defaultDataFile: configText }, externals: { requester: requester(results.lines.ours) } });
const visitors = ['visitor-a', 'visitor-b', 'visitor-c'];

try {
  await Promise.all([official.initialize(), ours.initialize()]);
  // Ours loads its tracking code after the configuration; until then a flush is composed later
  // (at a later clock), which the summary line's figures would show.
  while (!ours.getTrackingStatus().loaded) await new Promise((resolve) => setTimeout(resolve, 10));
  for (let round = 0; round < 4; round++) {
    if (round === 2) {
      history.pushState(null, '', `${location.pathname}?step=2`);
      document.title = 'Cart – Platform';
    }
    // A new visit for everyone before the last round.
    now += round === 3 ? 31 * 60_000 : 1_000;
    for (const visitorCode of visitors) {
      for (const featureKey of PLATFORM_FLAGS) {
        now += 10;
        results.decisions.official.push(`${round} ${visitorCode} ${featureKey} → ${official.getVariation({ visitorCode, featureKey, track: false }).key}`);
        results.decisions.ours.push(`${round} ${visitorCode} ${featureKey} → ${ours.getVariation({ visitorCode, featureKey, track: false }).key}`);
      }
    }
  }
  for (const visitorCode of visitors) {
    now += 1_000;
    official.flush({ visitorCode, instant: true });
    ours.flush({ visitorCode, instant: true });
  }
} catch (err) {
  document.body.dataset.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
} finally {
  window.__results = results;
  window.__done = true;
}
