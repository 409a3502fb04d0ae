/**
 * `npm run demo`: the SDK doing its whole job on this machine. Starts a local Kameleoon-compatible
 * dev server on demo/flags.yaml, a React SPA (Vite), a Next.js App Router app (flags decided in its
 * edge middleware, rendered on the server), a plain Node API and a Cloudflare Worker (in workerd,
 * through miniflare), prints their URLs, and stops everything on Ctrl-C. Edit demo/flags.yaml
 * while it runs: open pages update through the stream.
 *
 *   npm run demo                 start everything: dev server on 8787, API 8788, SPA 5173, Next.js 3000, Worker 8789
 *   npm run demo -- --port 9000  consecutive ports from 9000: dev server, API, SPA, Next.js, Worker
 *   KAMELEOON_DEMO_PORT=9000 npm run demo      the same (the flag wins over the variable)
 *   npm run demo -- --check      the same headless in Chromium: check each app, print a summary, exit 0 or 1
 *   npm run demo -- --table      the decision table of demo/demo-config.json, offline
 *   npm run demo -- --no-next    without the Next.js app (it takes a while to build)
 *
 * A port that is taken is skipped: each server takes the first free port from its own upward, and
 * the URLs printed are the ones in use. With a base port, each server starts looking just above
 * the port of the one before. `--check` uses any free ports, unless given a base port.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDevServer, type DevServer } from '../src/devserver/server.ts';
import { bindFirstFree } from '../src/devserver/listen.ts';
import { startApi } from './api.ts';
import { startSpa } from './spaServer.ts';
import { startNext } from './nextServer.ts';
import { startWorker } from './worker/server.ts';
import { checkDemo } from './check.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean' }, table: { type: 'boolean' }, 'no-next': { type: 'boolean' }, port: { type: 'string' } } });

/** The base port: `--port`, else KAMELEOON_DEMO_PORT, else none (undefined). */
function basePort(): number | undefined {
  const [source, text] = values.port !== undefined ? ['--port', values.port] : ['KAMELEOON_DEMO_PORT', process.env.KAMELEOON_DEMO_PORT];
  if (text === undefined || text.trim() === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`${source}: expected a port number from 1 to 65535, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

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

const base = basePort();
const portOf = (url: string): number => Number(new URL(url).port);
/**
 * Where a server starts looking for a free port: with a base port, the base for the first one and
 * just above the port of the one before (`after`) for the others; otherwise its fixed default for
 * a person (bookmarkable), or any free port (0) when checking headless.
 */
const from = (defaultPort: number, after?: string): number => (base === undefined ? (headless ? 0 : defaultPort) : after ? portOf(after) + 1 : base);
/** " (5173 was taken)" when a server had to move on from where it started looking. */
const moved = (wanted: number, url: string): string => (wanted !== 0 && portOf(url) !== wanted ? `   (${wanted} was taken)` : '');

/** What the demo is doing, as it does it: starting takes a while (the Next.js build most of all). */
const progress = (line: string) => console.log(`[demo] ${line}`);

let dev: DevServer;
try {
  progress(`starting the dev server on ${CONFIG}...`);
  const log = headless ? undefined : (m: string) => console.log(`[dev-server] ${m}`);
  const devPort = from(8787);
  // startDevServer binds (listenLocally) before it starts anything else: a taken port costs nothing.
  dev = await bindFirstFree(devPort, (port) => startDevServer({ config: CONFIG, port, log }));
  closers.push(() => dev.close());
  progress(`dev server ready on ${dev.url}; starting the Node API...`);
  const apiPort = from(8788, dev.url);
  const api = await startApi(dev.url, apiPort);
  closers.push(() => api.close());
  progress(`Node API ready on ${api.url}; starting the React SPA (Vite)...`);
  const spaPort = from(5173, api.url);
  const spa = await startSpa(spaPort);
  closers.push(() => spa.close());
  progress(`React SPA ready on ${spa.url}`);
  const nextPort = from(3000, spa.url);
  if (!values['no-next']) progress('building the Next.js app (next build: about 20 s on two cores, longer on a busy machine; --no-next skips it)...');
  const nextStarted = Date.now();
  const building = setInterval(() => progress(`still building the Next.js app (${Math.round((Date.now() - nextStarted) / 1000)} s)...`), 10_000);
  const next = values['no-next'] ? undefined : await startNext(dev.url, nextPort).finally(() => clearInterval(building));
  clearInterval(building);
  if (next) {
    closers.push(() => next.close());
    progress(`Next.js app built in ${Math.round(next.timings.buildMs / 1000)} s, ready on ${next.url} (${Math.round((Date.now() - nextStarted) / 1000)} s in all); starting the Cloudflare Worker (workerd)...`);
  } else {
    progress('starting the Cloudflare Worker (workerd)...');
  }
  const workerPort = from(8789, next?.url ?? spa.url);
  const workerLog: string[] = [];
  const worker = await startWorker({ devServerUrl: dev.url, port: workerPort, log: headless ? (line) => workerLog.push(line) : (line) => console.log(`[worker] ${line}`) });
  closers.push(() => worker.close());

  const spaUrl = `${spa.url}/?devServer=${encodeURIComponent(dev.url)}`;
  progress(`Worker ready on ${worker.url}`);
  if (headless) {
    progress('checking each app in headless Chromium...');
    const ok = await checkDemo({ dev, spaUrl, apiUrl: api.url, nextUrl: next?.url, workerUrl: worker.url, workerLog });
    await stop();
    process.exit(ok ? 0 : 1);
  }
  console.log(`
kameleoon-ts demo is running:
  dev server (flags, events) ${dev.url}${moved(devPort, dev.url)}
  React SPA                   ${spaUrl}${moved(spaPort, spa.url)}
  Next.js (server-rendered)   ${next ? next.url + moved(nextPort, next.url) : '(skipped: --no-next)'}
  Node API                    ${api.url}/api/flags   (POST ${api.url}/api/convert?goal=1)${moved(apiPort, api.url)}
  Cloudflare Worker (workerd) ${worker.url}/   (JSON: ${worker.url}/api/flags)${moved(workerPort, worker.url)}

Try this: open the React SPA and press "Become premium" (promo_banner turns on); then edit
${CONFIG} (say traffic: 0 on new_checkout's rule) and watch the open pages change without a
reload, and the dev server's page count the exposures and conversions. Ctrl-C stops everything.
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
