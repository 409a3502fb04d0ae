/**
 * `npm run demo`: the SDK doing its whole job on this machine. Starts a local Kameleoon-compatible
 * dev server on demo/flags.yaml, a React SPA (Vite), a Next.js App Router app rendered on the
 * server, and a plain Node API, prints their URLs, and stops everything on Ctrl-C. Edit
 * demo/flags.yaml while it runs: open pages update through the stream.
 *
 *   npm run demo                 start everything
 *   npm run demo -- --check      the same headless in Chromium: check each app, print a summary, exit 0 or 1
 *   npm run demo -- --table      the decision table of demo/demo-config.json, offline
 *   npm run demo -- --no-next    without the Next.js app (it takes a while to build)
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDevServer, type DevServer } from '../src/devserver/server.ts';
import { startApi } from './api.ts';
import { startSpa } from './spaServer.ts';
import { startNext } from './nextServer.ts';
import { checkDemo } from './check.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean' }, table: { type: 'boolean' }, 'no-next': { type: 'boolean' } } });

if (values.table) {
  await import('./table.ts');
  process.exit(0);
}

const CONFIG = fileURLToPath(new URL('./flags.yaml', import.meta.url));
const headless = values.check === true;
const closers: (() => Promise<void>)[] = [];
const stop = async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
};

let dev: DevServer;
try {
  // Fixed ports for a person (bookmarkable); any free port when checking headless.
  dev = await startDevServer({ config: CONFIG, port: headless ? 0 : 8787, log: headless ? undefined : (m) => console.log(`[dev-server] ${m}`) });
  closers.push(() => dev.close());
  const api = await startApi(dev.url, headless ? 0 : 8788);
  closers.push(() => api.close());
  const spa = await startSpa(headless ? 0 : 5173);
  closers.push(() => spa.close());
  const next = values['no-next'] ? undefined : await startNext(dev.url, headless ? 0 : 3000);
  if (next) closers.push(() => next.close());

  const spaUrl = `${spa.url}/?devServer=${encodeURIComponent(dev.url)}`;
  if (headless) {
    const ok = await checkDemo({ dev, spaUrl, apiUrl: api.url, nextUrl: next?.url });
    await stop();
    process.exit(ok ? 0 : 1);
  }
  console.log(`
kameleoon-ts demo is running:
  dev server (flags, events) ${dev.url}
  React SPA                   ${spaUrl}
  Next.js (server-rendered)   ${next?.url ?? '(skipped: --no-next)'}
  Node API                    ${api.url}/api/flags   (POST ${api.url}/api/convert?goal=1)

Edit ${CONFIG}: open pages update through the stream. Ctrl-C stops everything.
`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nstopping...');
  await stop();
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop();
  process.exit(1);
}
