/**
 * Builds and starts the demo's Next.js App Router app (demo/next) as a child process, against a
 * given Kameleoon dev server: `next build` (production, webpack), then `next start` on 127.0.0.1.
 * Used by the end-to-end test (test/e2e/next.test.ts) and the demo runner.
 *
 * The child runs in its own process group, which close() ends (SIGTERM, then SIGKILL); the group
 * is also killed if this process exits first, so no server is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindFirstFree, isPortTaken } from '../src/devserver/listen.ts';

/** The Next.js app's folder. */
export const NEXT_APP_DIR = fileURLToPath(new URL('./next/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const NEXT_BIN = createRequire(new URL('../package.json', import.meta.url)).resolve('next/dist/bin/next');

/** Options of {@link startNextApp}. */
export interface NextAppOptions {
  /** The dev server's base URL (`startDevServer(...).url`): every endpoint of both SDK clients. */
  devServerUrl: string;
  /** Port on 127.0.0.1, or the next free one above it; 0 (default): a free one. */
  port?: number;
  /** Site code of both clients. Default `demo-site`. */
  siteCode?: string;
  /** Run `next build` first (default true): the build compiles the SDK's current sources. */
  build?: boolean;
  /** Receives the app's output (build and server), line by line. Default: kept, shown only on failure. */
  log?: (line: string) => void;
  /** How long the server may take to answer once started (ms). Default 30 000. */
  startTimeoutMs?: number;
  /**
   * The build's folder inside demo/next (Next's `distDir`). Default `.next`; a test run uses one of
   * its own, so that parallel runs do not build into the same folder.
   */
  distDir?: string;
}

/** A running Next.js app. */
export interface NextApp {
  /** Origin, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** Milliseconds taken by `next build` (0 when not built) and by `next start` until it answered. */
  timings: { buildMs: number; startMs: number };
  /** Stops the server (its whole process group). */
  close(): Promise<void>;
}

/**
 * Environment of the Next.js processes: no telemetry, no lockfile patching (it would run npm), and
 * no inherited NODE_ENV (vitest sets `test`): `next build` and `next start` set `production`.
 */
function nextEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_IGNORE_INCORRECT_LOCKFILE: '1', ...extra };
  delete env.NODE_ENV;
  return env as NodeJS.ProcessEnv;
}

/** Kills a detached child's process group; true when there was one to signal. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Runs `next <args>` in its own process group, collecting its output. */
function spawnNext(args: string[], env: NodeJS.ProcessEnv, output: string[], log: ((line: string) => void) | undefined): ChildProcess {
  const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        log?.(line);
      }
    });
  }
  return child;
}

/**
 * `next build` of demo/next (about 20 s on two cores). It reads no dev-server URL: the app reads
 * KAMELEOON_DEV_SERVER when it serves, so one build serves any dev server.
 * @throws Error with the build's output when it fails
 */
export async function buildNextApp(options: { log?: (line: string) => void; distDir?: string } = {}): Promise<number> {
  const started = Date.now();
  const output: string[] = [];
  const child = spawnNext(['build', NEXT_APP_DIR], nextEnv(distDirEnv(options.distDir)), output, options.log);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.join('\n')}`);
  return Date.now() - started;
}

/**
 * The environment that points next.config.mjs at a build folder (none: the default `.next`), with
 * a tsconfig of its own beside the committed one (Next adds the folder's types to it).
 */
function distDirEnv(distDir: string | undefined): Record<string, string> {
  if (!distDir) return {};
  const tsconfig = `tsconfig.${distDir.replace(/^\./, '')}.json`;
  if (!existsSync(join(NEXT_APP_DIR, tsconfig))) copyFileSync(join(NEXT_APP_DIR, 'tsconfig.json'), join(NEXT_APP_DIR, tsconfig));
  return { KAMELEOON_NEXT_DIST_DIR: distDir, KAMELEOON_NEXT_TSCONFIG: tsconfig };
}

/** Removes a build made with `distDir` (its folder and its tsconfig copy). */
export function removeNextBuild(distDir: string): void {
  rmSync(join(NEXT_APP_DIR, distDir), { recursive: true, force: true });
  rmSync(join(NEXT_APP_DIR, `tsconfig.${distDir.replace(/^\./, '')}.json`), { force: true });
}

/** A free TCP port on 127.0.0.1 (free when asked: someone else may bind it before the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The header by which /healthz names its process (demo/next/app/healthz/route.ts). */
const INSTANCE_HEADER = 'x-kameleoon-demo-instance';

/** Tries (for port 0: with a fresh free port) when `next start` finds its port taken. */
const ANY_PORT_TRIES = 5;

/**
 * Builds (unless `build: false`) and starts the Next.js app against the dev server, and resolves
 * once it answers `/healthz`. The page is `/`; the server's one Kameleoon client is created and
 * initialized on the first page request.
 *
 * `next start` binds in its own process, so the port cannot be bound and held here and handed
 * over. Each attempt is the real bind instead: when the port is taken, `next start` exits with
 * EADDRINUSE and the next port is tried (bindFirstFree); with port 0, a port found free a moment
 * before (freePort: probe, then bind, which can race) and, if someone took it meanwhile, another
 * one. `/healthz` must answer with this attempt's instance id, so a server already listening on
 * the port is never taken for ours.
 * @throws Error with the app's output when it fails to build or start in time
 */
export async function startNextApp(options: NextAppOptions): Promise<NextApp> {
  const { build = true, log } = options;
  const buildMs = build ? await buildNextApp({ log, distDir: options.distDir }) : 0;
  const started = Date.now();
  const attempt = (port: number) => startNextOn(port, options);
  let app: { url: string; close: () => Promise<void> } | undefined;
  if (options.port) {
    app = await bindFirstFree(options.port, attempt);
  } else {
    for (let tries = 1; !app; tries++) {
      try {
        app = await attempt(await freePort());
      } catch (err) {
        if (!isPortTaken(err) || tries >= ANY_PORT_TRIES) throw err;
      }
    }
  }
  return { ...app, timings: { buildMs, startMs: Date.now() - started } };
}

/**
 * `next start` on `port`, resolved once its /healthz answers as this process.
 * @throws Error with code EADDRINUSE when the port is taken (`next start` exited saying so)
 */
async function startNextOn(port: number, options: NextAppOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const { devServerUrl, siteCode = 'demo-site', log, startTimeoutMs = 30_000 } = options;
  const url = `http://127.0.0.1:${port}`;
  const instance = randomUUID();
  const output: string[] = [];
  const started = Date.now();
  const env = nextEnv({ KAMELEOON_DEV_SERVER: devServerUrl, KAMELEOON_SITE_CODE: siteCode, KAMELEOON_DEMO_INSTANCE: instance, ...distDirEnv(options.distDir) });
  const child = spawnNext(['start', NEXT_APP_DIR, '--hostname', '127.0.0.1', '--port', String(port)], env, output, log);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const close = async () => {
    if (!killGroup(child, 'SIGTERM')) return;
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // anything of the group still around
  };

  const deadline = started + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited; // all of its output read
      const text = output.join('\n');
      const err = new Error(`next start exited (${child.exitCode ?? child.signalCode}) before answering on ${url}:\n${text}`);
      if (/\bEADDRINUSE\b/.test(text)) Object.assign(err, { code: 'EADDRINUSE' });
      throw err;
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok && response.headers.get(INSTANCE_HEADER) === instance) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`next start did not answer on ${url} within ${startTimeoutMs} ms:\n${output.join('\n')}`);
    }
    // The next poll, or at once when the process exits.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  return { url, close };
}

/** The demo runner's shape: `startNext(devServerUrl, port)` builds and starts the app (on `port` or the next free one above). */
export function startNext(devServerUrl: string, port = 0, log?: (line: string) => void): Promise<NextApp> {
  return startNextApp({ devServerUrl, port, log });
}
