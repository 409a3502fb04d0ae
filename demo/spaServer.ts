/**
 * Serves the demo's React SPA (demo/spa) with Vite, from the SDK's sources, on 127.0.0.1.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';

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
 * Starts the SPA's dev server (port 0: any free port). Dependencies are pre-bundled up front
 * (React is CommonJS) and discovery is off, so a first load never triggers a re-bundle and reload.
 */
export async function startSpa(port = 0): Promise<SpaServer> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-spa-'));
  const server = await createServer({
    root: join(REPO_ROOT, 'demo/spa'),
    configFile: false,
    envFile: false,
    logLevel: 'silent',
    clearScreen: false,
    cacheDir,
    optimizeDeps: { noDiscovery: true, include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'react/jsx-runtime', 'zustand', 'js-cookie', 'idb-keyval', 'eventsource-parser'] },
    // The repository's react/ directory holds the bindings: 'react' must mean the package.
    resolve: { alias: [{ find: /^react$/, replacement: requireFromRoot.resolve('react') }] },
    plugins: [withoutViteClient],
    server: { host: '127.0.0.1', port, strictPort: port !== 0, hmr: false, ws: false, watch: null, fs: { allow: [REPO_ROOT] } },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the SPA server is not listening');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => server.close().finally(() => rm(cacheDir, { recursive: true, force: true })),
  };
}
