/**
 * The edge apps (apps/) as users deploy them, each in its real runtime installed from npm:
 *   - Cloudflare Workers: workerd through miniflare, the Worker bundled as wrangler bundles it
 *     (esbuild, conditions `workerd`, `worker`, `browser`), WITHOUT the `nodejs_compat` flag;
 *   - Vercel Edge: edge-runtime's `EdgeRuntime` + `runServer`, the script bundled as Next.js
 *     bundles for the edge (conditions `edge-light`, `worker`, `browser`);
 *   - Deno: `deno run` of a `Deno.serve` script, the package from node_modules (Deno's own
 *     resolution, condition `deno`);
 *   - Bun: `bun` of a `Bun.serve` script, the package from node_modules (condition `bun`);
 *   - and, for comparison (npm run bench), Node.js: a `node:http` server with the Node build.
 * The project is one folder: the apps copied, the packed tarball unpacked as
 * `node_modules/kameleoon-ts` and its dependencies linked (test/package/harness.ts), and
 * `endpoint.mjs` with the dev server's URL; every entry serves `served.mjs` (the app, or with the
 * `timing` option the app plus the bench's timing route, apps/timing.mjs). Every server listens on 127.0.0.1, on a free port.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EdgeRuntime, runServer } from 'edge-runtime';
import { Miniflare } from 'miniflare';
import { linkDependencies, REPO, unpack, type Packed } from '../package/harness.ts';
import { startChildServer } from '../support/childServer.ts';
import { withTmpdir } from '../../demo/worker/server.ts';

/** The apps' folder (copied into the project). */
export const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url));

/** A running instance of an app: a fresh isolate or process. */
export interface EdgeServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What the runtime and the app wrote (stdout and stderr, or the console), line by line. */
  output: string[];
  /** Stops the runtime (waits for its pending `waitUntil` work where the runtime tells). */
  close(): Promise<void>;
}

/** One runtime the apps are tested in. */
export interface EdgeRuntimeUnderTest {
  name: string;
  /** Starts a fresh isolate or process serving the app. */
  start(): Promise<EdgeServer>;
  /** The file of the package `kameleoon-ts` resolved to, relative to the package folder (e.g. `dist/edge.js`). */
  resolved(): Promise<string>;
}

/** What {@link createEdgeProject} adds to the apps. */
export interface EdgeProjectOptions {
  /**
   * Serve apps/timing.mjs (the app plus the bench's `GET /__timing?n=N` route) instead of the
   * app alone: `served.mjs`, which every entry imports, re-exports it. Default false.
   */
  timing?: boolean;
  /** The project's folder under `packed.root`; default `edge`. */
  name?: string;
}

/** The edge project in `<packed.root>/edge`, the apps pointed at `devUrl`. */
export async function createEdgeProject(packed: Packed, devUrl: string, options: EdgeProjectOptions = {}): Promise<string> {
  const project = join(packed.root, options.name ?? 'edge');
  cpSync(APPS_DIR, project, { recursive: true });
  writeFileSync(join(project, 'endpoint.mjs'), `export const DEV = ${JSON.stringify(devUrl)};\n`);
  if (options.timing) writeFileSync(join(project, 'served.mjs'), `export { default } from './timing.mjs';\n`);
  await unpack(packed, join(project, 'node_modules/kameleoon-ts'));
  linkDependencies(join(project, 'node_modules'));
  return project;
}

/** `file` relative to the installed package (`dist/edge.js`), or as it is when outside it. */
function inPackage(project: string, file: string): string {
  const from = join(project, 'node_modules/kameleoon-ts') + sep;
  return file.startsWith(from) ? file.slice(from.length).split(sep).join('/') : file;
}

interface Bundle {
  file: string;
  /** Absolute paths of the package's files in the bundle. */
  packageFiles: string[];
}

/**
 * Bundles `entry` of the project for a platform of Web APIs, as the platform's own tooling does:
 * esbuild with the `neutral` platform (a `node:` import or any Node built-in fails the bundle)
 * and the platform's conditions.
 */
async function bundle(project: string, entry: string, format: 'esm' | 'iife', conditions: string[]): Promise<Bundle> {
  const outfile = join(project, 'out', entry.replace(/\.mjs$/, '.js'));
  mkdirSync(join(project, 'out'), { recursive: true });
  const result = await build({
    absWorkingDir: project,
    entryPoints: [join(project, entry)],
    bundle: true,
    format,
    platform: 'neutral',
    conditions,
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  const packageFiles = Object.keys(result.metafile.inputs)
    .map((input) => join(project, input))
    .filter((file) => relative(join(project, 'node_modules/kameleoon-ts'), file).split(sep)[0] !== '..');
  return { file: outfile, packageFiles };
}

function once<T>(work: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= work());
}

/** The package file a bundle took for `kameleoon-ts`: the one entry of the package it imports (its chunks aside). */
function entryOf(project: string, b: Bundle): string {
  const entries = b.packageFiles.map((file) => inPackage(project, file)).filter((file) => /^dist\/[a-z-]+\.js$/.test(file));
  return entries.join(', ');
}

/** Cloudflare Workers: the Worker module in workerd (miniflare), no compatibility flags. */
export function workerd(project: string): EdgeRuntimeUnderTest {
  const bundled = once(() => bundle(project, 'worker.mjs', 'esm', ['workerd', 'worker', 'browser']));
  return {
    name: 'workerd (miniflare)',
    resolved: async () => entryOf(project, await bundled()),
    async start() {
      const { file } = await bundled();
      const output: string[] = [];
      // Miniflare's working folder in the project's, removed with it (see withTmpdir).
      const tmp = join(project, 'miniflare-tmp');
      mkdirSync(tmp, { recursive: true });
      const mf = withTmpdir(tmp, () => new Miniflare({
        modules: true,
        scriptPath: file,
        modulesRoot: join(project, 'out'),
        compatibilityDate: '2025-09-01', // and no compatibilityFlags: no nodejs_compat
        host: '127.0.0.1',
        port: 0,
        handleRuntimeStdio(stdout: Readable, stderr: Readable) {
          for (const [name, stream] of [['stdout', stdout], ['stderr', stderr]] as const) {
            stream.setEncoding('utf8');
            stream.on('data', (chunk: string) => output.push(...chunk.trimEnd().split('\n').map((line) => `${name}: ${line}`)));
          }
        },
      }));
      try {
        const url = await mf.ready;
        return { url: url.origin, output, close: () => mf.dispose() };
      } catch (error) {
        await mf.dispose().catch(() => undefined);
        // workerd says why (an uncaught error at global scope, say) on its stderr.
        throw new Error(`the Worker did not start: ${(error as Error).message}\n${output.join('\n')}`);
      }
    },
  };
}

/** Vercel's edge-runtime: the script in an `EdgeRuntime` context, served by `runServer`. */
export function vercelEdge(project: string): EdgeRuntimeUnderTest {
  const bundled = once(() => bundle(project, 'edge-light.mjs', 'iife', ['edge-light', 'worker', 'browser']));
  return {
    name: 'edge-runtime (Vercel)',
    resolved: async () => entryOf(project, await bundled()),
    async start() {
      const { file } = await bundled();
      const output: string[] = [];
      const say = (name: string) => (...args: unknown[]) => output.push(`${name}: ${args.map((a) => (a instanceof Error ? String(a) : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
      const runtime = new EdgeRuntime({
        initialCode: readFileSync(file, 'utf8'),
        // The app's console (the SDK's logger writes there), kept as a child process's output is.
        extend: (context) => Object.assign(context, { console: { ...context.console, log: say('log'), info: say('info'), debug: say('debug'), warn: say('warn'), error: say('error') } }),
      });
      const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
      // close() waits for every waitUntil promise, then stops listening.
      return { url: new URL(server.url).origin, output, close: () => server.close() };
    },
  };
}

const BIN = join(REPO, 'node_modules/.bin');

/** Deno: `deno run` with network access to 127.0.0.1 only; no read, env or other permission. */
export function deno(project: string): EdgeRuntimeUnderTest {
  const start = () =>
    startProcess(
      join(BIN, 'deno'),
      ['run', '--allow-net=127.0.0.1', '--no-lock', '--node-modules-dir=manual', '--no-prompt', 'deno.mjs'],
      { cwd: project, env: { ...baseEnv(), DENO_DIR: join(project, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } },
    );
  return { name: 'deno', start, resolved: () => resolvedBy(project, start) };
}

/** Bun: `bun` running the script, nothing installed on the fly. */
export function bun(project: string): EdgeRuntimeUnderTest {
  const start = () =>
    startProcess(join(BIN, 'bun'), ['--no-install', 'bun.mjs'], {
      cwd: project,
      env: { ...baseEnv(), DO_NOT_TRACK: '1', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', BUN_INSTALL_CACHE_DIR: join(project, '.bun'), NO_COLOR: '1' },
    });
  return { name: 'bun', start, resolved: () => resolvedBy(project, start) };
}

/** Node.js, for comparison: apps/node.mjs, a node:http server with the package's Node build. */
export function nodeServer(project: string): EdgeRuntimeUnderTest {
  const start = () => startProcess(process.execPath, ['node.mjs'], { cwd: project, env: { ...baseEnv(), NO_COLOR: '1' } });
  return { name: 'node (http)', start, resolved: () => resolvedBy(project, start) };
}

/** What the script's `/__resolved` says `import.meta.resolve('kameleoon-ts')` gives, in a process of its own. */
async function resolvedBy(project: string, start: () => Promise<EdgeServer>): Promise<string> {
  const server = await start();
  try {
    const response = await fetch(`${server.url}/__resolved`);
    return inPackage(project, fileURLToPath(await response.text()));
  } finally {
    await server.close();
  }
}

/** The environment of a runtime process: this one's without vitest's variables. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'TEST') delete env[name];
  return env;
}

/** Starts `file args` and resolves once it prints `Listening on http://127.0.0.1:<port>` (see startChildServer). */
function startProcess(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<EdgeServer> {
  return startChildServer(file, args, { ...options, ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/, url: (match) => match[1], timeoutMs: 20_000 });
}
