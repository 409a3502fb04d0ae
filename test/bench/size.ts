/**
 * `npm run size`: what each SDK costs a browser page, bundled the same way for all of them — an
 * application module that re-exports the SDK's entry, bundled by esbuild for the browser,
 * minified, with the SDK's own dependencies included and React left out (the page has it), then
 * gzipped. Ours: the core entry, and core + React bindings; the official Kameleoon JavaScript and
 * React SDKs; GrowthBook and GrowthBook + React, the smallest full-featured peer.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { messageCodes } from '../../vite.config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One measured bundle. */
export interface BundleSize {
  name: string;
  /** What the page loads up front: the entry chunk and the chunks it imports statically. */
  minified: number;
  gzipped: number;
  /** Everything the bundle may load, the chunks loaded with import() on first use included. */
  totalMinified: number;
  totalGzipped: number;
  /** Source files in the up-front chunks (paths relative to the repository). */
  initialInputs: string[];
  /** Minified bytes of each source file in the output, and whether it is up front. */
  modules: { path: string; bytes: number; upFront: boolean }[];
}

/** The bundles measured: an application entry each. */
export const BUNDLES: { name: string; source: string }[] = [
  { name: 'kameleoon-ts core', source: `export * from './src/browser.ts';` },
  { name: 'kameleoon-ts core + react', source: `export * from './react/index.ts';` },
  { name: '@kameleoon/javascript-sdk', source: `export * from '@kameleoon/javascript-sdk';` },
  { name: '@kameleoon/react-sdk', source: `export * from '@kameleoon/react-sdk';` },
  { name: '@growthbook/growthbook', source: `export * from '@growthbook/growthbook';` },
  { name: '@growthbook/growthbook-react', source: `export * from '@growthbook/growthbook-react';` },
];

const ENGINE = [
  `export { parseConfiguration } from './src/config/parse.ts';`,
  `export { evaluateFlag } from './src/evaluation/evaluate.ts';`,
  `export { HashMemo } from './src/hashing/memo.ts';`,
];
const VISITOR = [
  `export * from './src/visitor/data.ts';`,
  `export { VisitorStore } from './src/visitor/visitorStore.ts';`,
  `export { applyData } from './src/visitor/applyData.ts';`,
  `export { createStoragePersistence } from './src/visitor/persistence.ts';`,
  `export { VisitorCodeCookies } from './src/visitor/visitorCode.ts';`,
  `export { createBrowserPlatform } from './src/platform/browser/browserPlatform.ts';`,
];

/** The public names of the browser entry, without its client. */
const NAMES = [`export * from './src/names.ts';`, `export { createSnapshot, visitorCodeFromCookies, ensureVisitorCodeCookie } from './src/platform/browser/serverOnly.ts';`].join('\n');

/**
 * Parts of our core bundled alone, to show where the up-front bytes go: the engine (configuration
 * parsing and validation, every targeting condition, evaluation, hashing), then with the visitor's
 * data types, store, persistence and cookie. A browser's first variation from the cache, with the
 * official SDK's decisions, needs both before any client API, options or errors.
 */
export const PARTS: { name: string; source: string }[] = [
  { name: 'engine', source: ENGINE.join('\n') },
  { name: 'engine + visitor', source: [...ENGINE, ...VISITOR].join('\n') },
  // What no up-front design goes below: the public names, every one exported as the measure does.
  { name: 'public names', source: NAMES },
  // The public names and the least a first variation from the cache needs (test/bench/floor.ts):
  // the first stage's own client comes on top.
  { name: 'first-variation floor', source: `${NAMES}\nexport { FloorClient } from './test/bench/floor.ts';` },
  // The full client alone, with no first stage: its total is what the client costs a session.
  { name: 'one stage (full client)', source: `${NAMES}\nexport { KameleoonClient } from './src/stage/second.ts';` },
];

/**
 * Our sources as the standard browser build ships them (see messageCodes in vite.config.ts): each
 * message behind `process.env.NODE_ENV`, which the measure sets to production as an app's
 * production bundle does.
 */
const standardBuild = (root: string): Plugin => ({
  name: 'kameleoon-ts:message-codes',
  setup(b) {
    const ours = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(src|react)/.*\\.tsx?$`);
    const table = new Map<string, string>();
    b.onLoad({ filter: ours }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      return { contents: (await messageCodes(source, path, table))?.code ?? source, loader: path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
});

/** The standard browser build's two stages (see twoStageEntry in vite.config.ts): src/browser.ts becomes src/stage/entry.ts. */
const twoStages = (root: string): Plugin => ({
  name: 'kameleoon-ts:two-stage-entry',
  setup(b) {
    b.onResolve({ filter: /browser\.ts$/ }, ({ path, resolveDir }) => (resolve(resolveDir, path) === `${root}src/browser.ts` && existsSync(`${root}src/stage/entry.ts`) ? { path: `${root}src/stage/entry.ts` } : undefined));
  },
});

/** Bundles, minifies and gzips one application entry (from the repository at `root`: this one, or a `--before` checkout). */
export async function bundleSize(name: string, source: string, root = ROOT): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    splitting: true,
    outdir: '/virtual',
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [twoStages(root), standardBuild(root)],
  });
  // What the page loads up front: the entry chunk and what it imports statically. Code loaded
  // with import() after the first variation (tracking, the event stream, remote data) is counted
  // apart, in the totals.
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint !== undefined)!;
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const imported of outputs[file]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  // Metafile paths are relative to the working directory; output files carry absolute paths.
  const wanted = new Set([...files].map((file) => resolve(file)));
  const code = result.outputFiles.filter((f) => wanted.has(f.path)).map((f) => f.text).join('\n');
  const all = result.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => f.text).join('\n');
  const initialInputs = [...files].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));
  const modules = Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js'))
    .flatMap(([file, output]) => Object.entries(output.inputs).map(([path, input]) => ({ path, bytes: input.bytesInOutput, upFront: files.has(file) })))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    name,
    minified: Buffer.byteLength(code),
    gzipped: gzipSync(code, { level: 9 }).length,
    totalMinified: Buffer.byteLength(all),
    totalGzipped: gzipSync(all, { level: 9 }).length,
    initialInputs,
    modules,
  };
}

/** Every bundle of {@link BUNDLES}. */
export async function measureBundles(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const { name, source } of BUNDLES) sizes.push(await bundleSize(name, source));
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`${'bundle'.padEnd(30)} ${'up front: min'.padStart(14)} ${'min+gzip'.padStart(9)}   ${'with lazy chunks: min'.padStart(22)} ${'min+gzip'.padStart(9)}`);
  const parts = await Promise.all(PARTS.map(({ name, source }) => bundleSize(`ours: ${name} alone`, source)));
  const bundles = await measureBundles();
  for (const s of [...bundles, ...parts]) {
    console.log(`${s.name.padEnd(30)} ${kb(s.minified).padStart(14)} ${kb(s.gzipped).padStart(9)}   ${kb(s.totalMinified).padStart(22)} ${kb(s.totalGzipped).padStart(9)}`);
  }
  // `npm run size -- --modules`: where our core's minified bytes are, module by module.
  if (process.argv.includes('--modules')) {
    const core = bundles.find((b) => b.name === 'kameleoon-ts core')!;
    console.log(`\nkameleoon-ts core, minified bytes per module (up front, then loaded later):`);
    for (const m of core.modules) console.log(`${String(m.bytes).padStart(8)}  ${m.upFront ? 'up front' : 'later   '}  ${m.path}`);
  }
}
