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
  typescript: { ignoreBuildErrors: true },
  eslint: { ignoreDuringBuilds: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
