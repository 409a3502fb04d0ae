// @ts-check
/**
 * The demo's Next.js App Router app. It runs the SDK from this repository's sources: tsconfig.json
 * maps `kameleoon-ts` to ../../src/node.ts and `kameleoon-ts/react` to ../../react/index.ts (Next
 * applies tsconfig `paths` to its bundler), and `externalDir` lets Next compile TypeScript from
 * outside this folder. The sources import each other with explicit `.ts` extensions, which the
 * bundler resolves as plain file paths.
 */
import { fileURLToPath } from 'node:url';

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
};

export default nextConfig;
