/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * One library build for every public entry (browser core, Node core, React bindings), plus the
 * vitest configuration. Runtime dependencies stay external: the user's bundler dedupes them.
 */
export default defineConfig({
  build: {
    target: 'es2022', // native #private fields (es2020 would lower them to WeakMaps: slower and larger)
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        browser: 'src/browser.ts',
        node: 'src/node.ts',
        react: 'react/index.ts',
        cli: 'src/cli.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^node:/, 'vite', 'react', 'react/jsx-runtime', 'react-dom', 'zustand', /^zustand\//, 'idb-keyval', 'js-cookie', 'yaml', 'eventsource-parser', /^eventsource-parser\//],
      // Next.js needs the React entry marked as a client module (the directive must come first).
      output: { banner: (chunk) => (chunk.name === 'react' ? "'use client';" : chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 120_000,
    // As tsconfig's paths: code shared with the demo (demo/probes.ts) imports the package by name.
    alias: [
      { find: /^kameleoon-ts$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/react$/, replacement: fileURLToPath(new URL('./react/index.ts', import.meta.url)) },
    ],
    hookTimeout: 60_000,
  },
});
