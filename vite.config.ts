/// <reference types="vitest/config" />
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const ROOT_DIR = root;

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

/** A message's code: FNV-1a of its text (the values left out), 6 base-36 characters. */
function codeOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36).padStart(7, '0').slice(-6);
}

/**
 * The standard browser build's messages: each `` msg`text ${value}` `` of the source (see
 * src/logging/msg.ts) becomes `(process.env.NODE_ENV !== 'production' ? msg`text ${value}` :
 * `kameleoon-ts #code ${value}`)`, which an application's bundler resolves: development builds keep
 * the text, production bundles carry the code and the values only. `table` collects code → text
 * (`{0}` for the values), written to dist/messages.json for `npx kameleoon-ts message <code>`.
 * @returns the module's code, or undefined when it has no message
 */
export async function messageCodes(source: string, file: string, table: Map<string, string>): Promise<{ code: string; map: ReturnType<MagicString['generateMap']> } | undefined> {
  if (!source.includes('msg`')) return undefined;
  const ts = (await import('typescript')).default;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const isMsg = (n: import('typescript').Node): n is import('typescript').TaggedTemplateExpression => ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 'msg';
  /** The source of `node` (from `start`), with the messages inside it rewritten. */
  const rewritten = (node: import('typescript').Node, start = node.getStart(sf)): string => {
    let out = '';
    let pos = start;
    const visit = (n: import('typescript').Node): void => {
      if (isMsg(n)) {
        out += source.slice(pos, n.getStart(sf)) + production(n);
        pos = n.getEnd();
      } else ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    return out + source.slice(pos, node.getEnd());
  };
  const production = (node: import('typescript').TaggedTemplateExpression): string => {
    const t = node.template;
    const parts = ts.isNoSubstitutionTemplateLiteral(t) ? [t.text] : [t.head.text, ...t.templateSpans.map((span) => span.literal.text)];
    const values = ts.isNoSubstitutionTemplateLiteral(t) ? [] : t.templateSpans.map((span) => (isMsg(span.expression) ? production(span.expression) : rewritten(span.expression)));
    const code = codeOf(parts.join('\u0000'));
    const text = parts.map((part, i) => (i ? `{${i - 1}}${part}` : part)).join('');
    if (table.has(code) && table.get(code) !== text) throw new Error(`messageCodes: two messages share the code ${code}: ${JSON.stringify(table.get(code))} and ${JSON.stringify(text)}`);
    table.set(code, text);
    const short = values.length ? `\`kameleoon-ts #${code} ${values.map((v) => `\${${v}}`).join(' | ')}\`` : `'kameleoon-ts #${code}'`;
    return `(process.env.NODE_ENV !== 'production' ? ${rewritten(node)} : ${short})`;
  };
  const out = new MagicString(source);
  const visit = (n: import('typescript').Node): void => {
    if (isMsg(n)) out.overwrite(n.getStart(sf), n.getEnd(), production(n));
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: file }) } : undefined;
}

/** The standard browser build's message codes (see messageCodes), and dist/messages.json. */
export function messageCodesPlugin(): Plugin {
  const table = new Map<string, string>();
  return {
    name: 'kameleoon-ts:message-codes',
    enforce: 'pre',
    apply: 'build',
    async transform(code, id) {
      if (!/\.tsx?$/.test(id) || id.includes('/node_modules/')) return undefined;
      return messageCodes(code, id, table);
    },
    generateBundle() {
      const sorted = Object.fromEntries([...table].sort(([a], [b]) => a.localeCompare(b)));
      this.emitFile({ type: 'asset', fileName: 'messages.json', source: `${JSON.stringify(sorted, null, 1)}\n` });
    },
  };
}

/**
 * The standard browser build's two stages: `src/browser.ts` (which declares the API, and which
 * tests and the /full entries build on) is replaced by `src/stage/entry.ts`, whose client answers
 * the first variations and loads the rest (see src/stage/first.ts).
 */
export function twoStageEntry(root = ROOT_DIR): Plugin {
  const declared = `${root}src/browser.ts`;
  return {
    name: 'kameleoon-ts:two-stage-entry',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith('browser.ts')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === declared && existsSync(`${root}src/stage/entry.ts`) ? `${root}src/stage/entry.ts` : null;
    },
  };
}

/** The entries marked as client modules for Next.js. */
const REACT_ENTRIES = new Set(['react', 'react-sdk', 'react-full', 'react-sdk-full']);

/** The standard browser entries: built apart, with message codes (see messageCodes). */
const BROWSER_ENTRIES = { browser: 'src/browser.ts', react: 'react/index.ts', 'react-sdk': 'react/sdk/index.ts' };
/** Every other entry: servers (texts in full, whatever NODE_ENV), the /full entries, the dev server, the CLI. */
const OTHER_ENTRIES = {
  node: 'src/node.ts',
  edge: 'src/edge.ts',
  // The /full entries (INFO and DEBUG logging, every message's text): only they import src/full/.
  'full-browser': 'src/full/browser.ts',
  'full-node': 'src/full/node.ts',
  'react-full': 'react/full.tsx',
  'react-sdk-full': 'react/sdk/full.tsx',
  devserver: 'src/devserver/index.ts',
  // The shared store of a fleet on Redis: the only entry that imports ioredis (an optional peer dependency).
  redis: 'src/redis.ts',
  cli: 'src/cli.ts',
  // Adapters to other flag APIs: they import the client from the package's main entry (external
  // below, so the application's runtime or bundler resolves its build), and only the types of
  // OpenFeature and of the Flags SDK. The web provider is browser-safe that way; it stays out of
  // the browser-mode pass (message codes) as it holds a few messages only.
  openfeature: 'src/openfeature/index.ts',
  'flags-sdk': 'src/flagsSdk/index.ts',
};

/**
 * The library, in two builds (`npm run build`): `vite build --mode browser` for the standard
 * browser entries (message codes in production bundles), then `vite build` for every other entry,
 * as ES modules and CommonJS, with the declarations; plus the vitest configuration. Runtime
 * dependencies stay external: the user's bundler dedupes them.
 */
export default defineConfig(({ mode }) => ({
  plugins: mode === 'browser' ? [messageCodesPlugin(), twoStageEntry()] : [declarations()],
  build: {
    target: 'es2022', // native #private fields (es2020 would lower them to WeakMaps: slower and larger)
    outDir: 'dist',
    emptyOutDir: mode === 'browser',
    sourcemap: true,
    minify: false,
    lib: {
      entry: mode === 'browser' ? BROWSER_ENTRIES : OTHER_ENTRIES,
      formats: ['es', 'cjs'],
      fileName: (format, name) => `${name}.${format === 'es' ? 'js' : 'cjs'}`,
    },
    rollupOptions: {
      external: [/^node:/, /^kameleoon-ts$/, /^@openfeature\//, /^flags($|\/)/, 'vite', 'react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'react-dom', 'zustand', /^zustand\//, 'idb-keyval', 'js-cookie', 'yaml', 'eventsource-parser', /^eventsource-parser\//, 'ioredis'],
      // Next.js needs the React entries marked as client modules (the directive must come first).
      output: { banner: (chunk) => (REACT_ENTRIES.has(chunk.name) ? "'use client';" : chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Each run writes its temporary files in a folder of its own, which must be empty at the end.
    globalSetup: ['test/tmpGuard.ts'],
    testTimeout: 120_000,
    // As tsconfig's paths: code shared with the demo (demo/probes.ts) imports the package by name.
    alias: [
      { find: /^kameleoon-ts$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/react$/, replacement: fileURLToPath(new URL('./react/index.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/react-sdk$/, replacement: fileURLToPath(new URL('./react/sdk/index.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/full$/, replacement: fileURLToPath(new URL('./src/full/node.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/react\/full$/, replacement: fileURLToPath(new URL('./react/full.tsx', import.meta.url)) },
      { find: /^kameleoon-ts\/react-sdk\/full$/, replacement: fileURLToPath(new URL('./react/sdk/full.tsx', import.meta.url)) },
      { find: /^kameleoon-ts\/openfeature$/, replacement: fileURLToPath(new URL('./src/openfeature/index.ts', import.meta.url)) },
      { find: /^kameleoon-ts\/flags-sdk$/, replacement: fileURLToPath(new URL('./src/flagsSdk/index.ts', import.meta.url)) },
    ],
    hookTimeout: 60_000,
  },
}));
