/**
 * Runs the demo's Cloudflare Worker (demo/worker/worker.ts) in the real workerd, through
 * miniflare, without the `nodejs_compat` flag, on 127.0.0.1. The Worker is bundled first as
 * wrangler bundles one (esbuild, conditions `workerd`, `worker`, `browser`), from this
 * repository's sources: `kameleoon-ts` is the source of the build those conditions pick from the
 * package's exports (src/edge.ts; see ../packageSource.mjs). Used by the demo runner and
 * test/demo/worker.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';
import { bindFirstFree } from '../../src/devserver/listen.ts';
import { packageSource } from '../packageSource.mjs';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Wrangler's conditions for a Worker. */
export const WORKER_CONDITIONS = ['workerd', 'worker', 'browser'] as const;
/** The Workers compatibility date the demo runs under (no compatibility flags). */
const COMPATIBILITY_DATE = '2025-09-01';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The dev server's base URL: every endpoint of the Worker's client (binding KAMELEOON_DEV_SERVER). */
  devServerUrl: string;
  /** Port on 127.0.0.1, or the next free one above it; 0 (default): a free one. */
  port?: number;
  /** Site code (binding KAMELEOON_SITE_CODE). Default `demo-site`. */
  siteCode?: string;
  /** Receives what workerd writes (the Worker's console, runtime errors), line by line. Default: dropped. */
  log?: (line: string) => void;
}

/** A Worker running in workerd. */
export interface WorkerServer {
  /** Origin, e.g. `http://127.0.0.1:8790`, without a trailing slash. */
  url: string;
  /** The source file the bundle took for `kameleoon-ts` (src/edge.ts). */
  sdkSource: string;
  /** Stops workerd (the requests' waitUntil work is not waited for) and removes the bundle. */
  close(): Promise<void>;
}

/** Resolves `kameleoon-ts` to the source of the build the bundle's conditions pick. */
const sdkFromSource = (source: string): Plugin => ({
  name: 'kameleoon-ts-from-source',
  setup(b) {
    b.onResolve({ filter: /^kameleoon-ts$/ }, () => ({ path: source }));
  },
});

/**
 * Bundles the Worker into `outdir/worker.js`: an ES module of Web APIs only (the `neutral`
 * platform: a Node built-in in the graph fails the bundle); `cloudflare:workers` is the runtime's.
 */
export async function bundleWorker(outdir: string): Promise<{ file: string; sdkSource: string }> {
  const sdkSource = packageSource(WORKER_CONDITIONS);
  const file = join(outdir, 'worker.js');
  await build({
    entryPoints: [WORKER],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: [...WORKER_CONDITIONS],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    external: ['cloudflare:workers'],
    plugins: [sdkFromSource(sdkSource)],
    outfile: file,
    logLevel: 'silent',
  });
  return { file, sdkSource };
}

/** Lines of a stream, to `log`. */
function lines(stream: Readable, log: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) log(line);
  });
}

/**
 * `create()`, without the signal listeners Miniflare adds to the process: on SIGINT and SIGTERM
 * they end it at once (exit 130 or 143), before its owner (the demo runner) could stop its other
 * servers and flush their tracking. The owner stops the Worker with close(); Miniflare's `exit`
 * listener stays, so workerd never outlives the process.
 */
function withoutSignalExit<T>(create: () => T): T {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const created = create();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
  }
  return created;
}

/**
 * `create()` with the temporary folder (os.tmpdir(), read from TMPDIR) at `dir`: Miniflare makes
 * its working folder there as it is constructed, and dispose() removes it without waiting for the
 * removal, which a process that exits at once never finishes. Made in a folder of ours, it goes
 * with that folder.
 */
export function withTmpdir<T>(dir: string, create: () => T): T {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return create();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** workerd could not listen because the port is taken: an EADDRINUSE error for bindFirstFree. */
function portTaken(error: unknown, output: string[]): boolean {
  const text = `${error instanceof Error ? error.message : String(error)}\n${output.join('\n')}`;
  return /EADDRINUSE|address already in use/i.test(text);
}

/**
 * Bundles the Worker and starts it in workerd on the first free port from `port` upward (0: any
 * free port), resolved once it listens.
 * @throws Error when the bundle fails or workerd does not start
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerServer> {
  const { devServerUrl, port = 0, siteCode = 'demo-site', log } = options;
  const outdir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-worker-'));
  // Miniflare's own working folders too (withTmpdir), whose removal may still be under way.
  const removeBundle = () => rm(outdir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  try {
    const { file, sdkSource } = await bundleWorker(outdir);
    const attempt = async (tryPort: number) => {
      // An attempt's lines reach `log` once it listens: a port found taken is not news.
      const output: string[] = [];
      let forward: ((line: string) => void) | undefined;
      const mf = withoutSignalExit(() => withTmpdir(outdir, () => new Miniflare({
        modules: true,
        scriptPath: file,
        modulesRoot: outdir,
        compatibilityDate: COMPATIBILITY_DATE, // and no compatibilityFlags: no nodejs_compat
        bindings: { KAMELEOON_DEV_SERVER: devServerUrl, KAMELEOON_SITE_CODE: siteCode },
        host: '127.0.0.1',
        port: tryPort,
        handleRuntimeStdio(stdout: Readable, stderr: Readable) {
          for (const stream of [stdout, stderr]) lines(stream, (line) => (forward ? forward(line) : output.push(line)));
        },
      })));
      try {
        const url = await mf.ready;
        forward = log ?? (() => undefined);
        for (const line of output.splice(0)) forward(line);
        return { port: Number(url.port), close: () => mf.dispose() };
      } catch (error) {
        await mf.dispose().catch(() => undefined);
        throw portTaken(error, output) ? Object.assign(new Error(`port ${tryPort} is taken`), { code: 'EADDRINUSE', cause: error }) : error;
      }
    };
    const running = await bindFirstFree(port, attempt);
    return {
      url: `http://127.0.0.1:${running.port}`,
      sdkSource,
      close: () => running.close().finally(removeBundle),
    };
  } catch (error) {
    await removeBundle();
    throw error;
  }
}
