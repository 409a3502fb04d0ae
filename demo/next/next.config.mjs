// @ts-check
/**
 * The demo's Next.js App Router app. It runs the SDK from this repository's sources: `kameleoon-ts`
 * is the source of the build each of Next's compilers would take from the published package by its
 * conditions (../packageSource.mjs): `edge-light` for the middleware (src/edge.ts), `node` for the
 * server components (src/node.ts), `browser` for the client bundle (src/browser.ts);
 * tsconfig.json maps `kameleoon-ts/react` to ../../react/index.ts (Next applies tsconfig `paths`
 * to its bundler), and `externalDir` lets Next compile TypeScript from outside this folder. The
 * sources import each other with explicit `.ts` extensions, which the bundler resolves as plain
 * file paths.
 */
import { fileURLToPath } from 'node:url';
import { packageSource } from '../packageSource.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  experimental: { externalDir: true },
  // The repository is the workspace: no separate lockfile here.
  outputFileTracingRoot: repoRoot,
  // `npm test` type-checks this folder with the repository's tsconfig; the build does not repeat it.
  // A test run's build (distDir above) gets a copy of tsconfig.json, which Next rewrites to include
  // that folder's types, so the committed one stays as it is.
  typescript: { ignoreBuildErrors: true, tsconfigPath: process.env.KAMELEOON_NEXT_TSCONFIG || 'tsconfig.json' },
  eslint: { ignoreDuringBuilds: true },
  // A build of its own per test run (demo/nextServer.ts, distDir), so that two runs never share one.
  distDir: process.env.KAMELEOON_NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  webpack(config, { isServer, nextRuntime }) {
    // Next's conditions for the compiler (the edge one: `edge-light`, then webpack's defaults),
    // with webpack's defaults for the target written out where Next leaves them implicit ('...').
    const own = (config.resolve?.conditionNames ?? []).filter((/** @type {string} */ name) => name !== '...');
    const defaults = isServer && nextRuntime !== 'edge' ? ['node', 'module'] : ['browser', 'module'];
    config.resolve.alias = { ...config.resolve.alias, 'kameleoon-ts$': packageSource([...own, ...defaults]) };
    return config;
  },
};

export default nextConfig;
