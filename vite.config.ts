/// <reference types="vitest/config" />
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Relative specifiers of declarations end in .js, as TypeScript versions before 5.7 (and the node10 resolution) need. */
function rewriteSpecifiers(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = `${entry.parentPath}/${entry.name}`;
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.tsx?\2/g, '$1$2$3.js$2');
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

/**
 * The declarations users compile against, written after the bundles: `tsc -p tsconfig.build.json`
 * emits dist/types (ES modules, as the package is "type": "module"), and dist/types-cjs is the same
 * tree marked CommonJS by a package.json of its own, for the `require` conditions and node10.
 */
function declarations(): Plugin {
  return {
    name: 'kameleoon-ts:declarations',
    apply: 'build',
    closeBundle: {
      sequential: true,
      handler() {
        const tsc = fileURLToPath(new URL('./node_modules/typescript/bin/tsc', import.meta.url));
        execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
        rewriteSpecifiers(`${root}dist/types`);
        rmSync(`${root}dist/types-cjs`, { recursive: true, force: true });
        cpSync(`${root}dist/types`, `${root}dist/types-cjs`, { recursive: true });
        writeFileSync(`${root}dist/types-cjs/package.json`, '{ "type": "commonjs" }\n');
      },
    },
  };
}

/** The entries marked as client modules for Next.js. */
const REACT_ENTRIES = new Set(['react', 'react-sdk', 'react-full', 'react-sdk-full']);

/**
 * One library build for every public entry (browser core, Node core, React bindings, dev server),
 * as ES modules and CommonJS, plus the vitest configuration. Runtime dependencies stay external:
 * the user's bundler dedupes them.
 */
export default defineConfig({
  plugins: [declarations()],
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
        edge: 'src/edge.ts',
        react: 'react/index.ts',
        'react-sdk': 'react/sdk/index.ts',
        // The /full entries (INFO and DEBUG logging): only they import src/full/.
        'full-browser': 'src/full/browser.ts',
        'full-node': 'src/full/node.ts',
        'react-full': 'react/full.tsx',
        'react-sdk-full': 'react/sdk/full.tsx',
        devserver: 'src/devserver/index.ts',
        cli: 'src/cli.ts',
      },
      formats: ['es', 'cjs'],
      fileName: (format, name) => `${name}.${format === 'es' ? 'js' : 'cjs'}`,
    },
    rollupOptions: {
      external: [/^node:/, 'vite', 'react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'react-dom', 'zustand', /^zustand\//, 'idb-keyval', 'js-cookie', 'yaml', 'eventsource-parser', /^eventsource-parser\//],
      // Next.js needs the React entries marked as client modules (the directive must come first).
      output: { banner: (chunk) => (REACT_ENTRIES.has(chunk.name) ? "'use client';" : chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
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
      { find: /^kameleoon-ts\/react-sdk$/, replacement: fileURLToPath(new URL('./react/sdk/index.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/full$/, replacement: fileURLToPath(new URL('./src/full/node.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/react\/full$/, replacement: fileURLToPath(new URL('./react/full.tsx', import.meta.url)) },
      { find: /^kameleoon-ts\/react-sdk\/full$/, replacement: fileURLToPath(new URL('./react/sdk/full.tsx', import.meta.url)) },
    ],
    hookTimeout: 60_000,
  },
});
