/**
 * What `npm run demo -- --check` and the end-to-end tests both ask of the demo apps: the SDK's own
 * decisions for a visitor, to compare with what a page shows, and the flags the SPA shows.
 */
import type { Page } from 'playwright-core';
import { KameleoonClient, type ConfigurationJson } from 'kameleoon-ts';

/** The variation key of each flag the SDK gives `visitorCode` on `config` (no tracking). */
export async function sdkDecisions(config: ConfigurationJson, visitorCode: string): Promise<Record<string, string>> {
  const client = new KameleoonClient({
    siteCode: 'demo-site',
    configuration: { defaultDataFile: config as never },
    externals: { requester: { sendRequest: async () => new Response(null, { status: 304 }) }, logger: { log() {} } },
  });
  await client.initialize();
  const keys = Object.fromEntries([...client.getVariations({ visitorCode, track: false })].map(([key, v]) => [key, v.key]));
  await client.close();
  return keys;
}

/** The flags the SPA's table shows: feature key → variation key. */
export async function shownFlags(page: Page): Promise<Record<string, string>> {
  return Object.fromEntries(await page.$$eval('#flags [data-flag]', (rows) => rows.map((r) => [r.getAttribute('data-flag')!, r.querySelector('.variation')?.textContent ?? ''])));
}
