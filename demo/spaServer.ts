/**
 * Serves the demo's React SPA (demo/spa) with Vite, from the SDK's sources, on 127.0.0.1.
 */
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';
import { listenFirstFree } from '../src/devserver/listen.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const requireFromRoot = createRequire(new URL('../package.json', import.meta.url));

/** With HMR off, Vite's client script only fails to connect: the page runs without it. */
const withoutViteClient: Plugin = {
  name: 'demo:without-vite-client',
  transformIndexHtml: { order: 'post', handler: (html) => html.replace(/<script type="module" src="\/@vite\/client"><\/script>\s*/, '') },
};

export interface SpaServer {
  /** Origin, e.g. http://127.0.0.1:5173. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the SPA's dev server on the first free port from `port` upward (0: any free port).
 * Dependencies are pre-bundled up front (React is CommonJS) and discovery is off, so a first load
 * never triggers a re-bundle and reload.
 *
 * Vite runs in middleware mode behind our own HTTP server: its listen() probes the port on the
 * wildcard addresses before binding and has its own port search (`strictPort`), while ours binds
 * and holds (listenFirstFree), so the port printed is the one served.
 */
export async function startSpa(port = 0): Promise<SpaServer> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-spa-'));
  const removeCache = () => rm(cacheDir, { recursive: true, force: true });
  const vite = await createServer({
    root: join(REPO_ROOT, 'demo/spa'),
    configFile: false,
    envFile: false,
    logLevel: 'silent',
    clearScreen: false,
    cacheDir,
    appType: 'spa', // index.html served and transformed in middleware mode too
    optimizeDeps: { noDiscovery: true, include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'react/jsx-runtime', 'zustand', 'js-cookie', 'idb-keyval', 'eventsource-parser'] },
    // The repository's react/ directory holds the bindings: 'react' must mean the package.
    resolve: { alias: [{ find: /^react$/, replacement: requireFromRoot.resolve('react') }] },
    plugins: [withoutViteClient],
    server: { middlewareMode: true, hmr: false, ws: false, watch: null, fs: { allow: [REPO_ROOT] } },
  }).catch(async (err: unknown) => {
    await removeCache();
    throw err;
  });
  const listening = await listenFirstFree(createHttpServer(vite.middlewares), port).catch(async (err: unknown) => {
    await vite.close().finally(removeCache);
    throw err;
  });
  return {
    url: `http://127.0.0.1:${listening.port}`,
    close: () => listening.close().finally(() => vite.close()).finally(removeCache),
  };
}
