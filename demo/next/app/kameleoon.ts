/**
 * The page's Kameleoon client (the Node build): created on the first request, initialized once,
 * shared by every request of this process (kept on globalThis, so that a module evaluated twice by
 * the bundler still finds it). It keeps the configuration the page embeds for the browser up to
 * date through the real-time stream, and decides for the page when the middleware could not.
 */
import { KameleoonClient } from 'kameleoon-ts';
import { endpoints, siteCode } from './settings.ts';

const shared = globalThis as typeof globalThis & { __kameleoonClient?: Promise<KameleoonClient> };

/** The process's client, initialized (a failed initialization is retried by the next request). */
export function kameleoonClient(): Promise<KameleoonClient> {
  shared.__kameleoonClient ??= (async () => {
    const client = new KameleoonClient({ siteCode: siteCode(), configuration: { endpoints: endpoints() } });
    await client.initialize();
    return client;
  })().catch((err: unknown) => {
    shared.__kameleoonClient = undefined;
    throw err;
  });
  return shared.__kameleoonClient;
}
