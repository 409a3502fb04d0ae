/**
 * Demo ports, on 127.0.0.1 with real sockets: the "first free port from N upward" helper skips a
 * port that is taken and holds the one it returns; and `npm run demo` run the way a person runs it
 * (`node --import tsx demo/run.ts --no-next --port P`, or KAMELEOON_DEMO_PORT=P) with its base
 * port taken moves on, prints the URLs it really serves (the Worker's too, in workerd), and stops
 * on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { leftovers } from '../tmpGuard.ts';
import { bindFirstFree, isPortTaken, listenFirstFree, listenLocally, type LocalServer } from '../../src/devserver/listen.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Cleanups of the running test, run after it (last first) whether it passed or not. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Occupies a free port of 127.0.0.1 (a plain TCP listener that never answers) until the test ends. */
async function occupyPort(): Promise<number> {
  const holder: NetServer = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(0, '127.0.0.1', () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  return (holder.address() as AddressInfo).port;
}

/** A plain HTTP server answering `body`, closed when the test ends. */
function httpServer(body: string) {
  const server = createHttpServer((_req, res) => res.end(body));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

describe('bindFirstFree / listenFirstFree', () => {
  it('skips a taken port, serves on the one it returns and holds it', async () => {
    const taken = await occupyPort();
    const local: LocalServer = await listenFirstFree(httpServer('here'), taken);
    cleanups.push(() => local.close());

    expect(local.port).toBeGreaterThan(taken);
    expect(await (await fetch(`http://127.0.0.1:${local.port}/`)).text()).toBe('here');
    // Held, not just probed: nobody else can bind it now.
    const err = await listenLocally(httpServer('other'), local.port).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPortTaken(err)).toBe(true);
  });

  it('tries each port from the start upward, only while they are taken', async () => {
    const taken = await occupyPort();
    const server = httpServer('x');
    const ownListeners = { connection: server.listenerCount('connection'), listening: server.listenerCount('listening') };
    const tried: number[] = [];
    const local = await bindFirstFree(taken, (port) => {
      tried.push(port);
      return listenLocally(server, port);
    });
    cleanups.push(() => local.close());
    expect(tried[0]).toBe(taken);
    expect(tried.at(-1)).toBe(local.port);
    expect(tried).toEqual(tried.map((_, i) => taken + i)); // consecutive, none skipped untried
    // The failed attempts left nothing on the server: one connection tracker, no stale callback.
    expect(server.listenerCount('connection')).toBe(ownListeners.connection + 1);
    expect(server.listenerCount('listening')).toBe(ownListeners.listening);
  });

  it('throws the last EADDRINUSE once its tries are used up, and any other error at once', async () => {
    const taken = await occupyPort();
    await expect(bindFirstFree(taken, (port) => listenLocally(httpServer('x'), port), 1)).rejects.toMatchObject({ code: 'EADDRINUSE' });

    let calls = 0;
    const other = Object.assign(new Error('permission denied'), { code: 'EACCES' });
    await expect(
      bindFirstFree(taken, async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });

  it('port 0 is any free port, asked once', async () => {
    const tried: number[] = [];
    const local = await bindFirstFree(0, (port) => {
      tried.push(port);
      return listenLocally(httpServer('x'), port);
    });
    cleanups.push(() => local.close());
    expect(tried).toEqual([0]);
    expect(local.port).toBeGreaterThan(0);
  });
});

/** The demo process, started the way a person starts it, in its own process group. */
function startDemo(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_ENV; // vitest's `test`: a person's shell has none
  delete childEnv.KAMELEOON_DEMO_PORT;
  childEnv.TSX_DISABLE_CACHE = '1'; // as `npm run demo` starts it: no compile cache left in the temporary folder
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts', ...args], { cwd: REPO_ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  });
  return { child, output: () => text };
}

/** Resolves with the output once it matches `pattern`; rejects if the process ends first. */
function outputMatching(demo: { child: ChildProcess; output: () => string }, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(demo.output())) return;
      demo.child.stdout?.off('data', check);
      demo.child.off('close', ended);
      resolve(demo.output());
    };
    const ended = (code: number | null, signal: string | null) => {
      demo.child.stdout?.off('data', check);
      reject(new Error(`the demo ended (${code ?? signal}) before printing its URLs:\n${demo.output()}`));
    };
    // After the output collector (registered first), so output() includes the chunk.
    demo.child.stdout?.on('data', check);
    demo.child.once('close', ended);
    check();
  });
}

/** The URL printed after `label`. */
function printed(output: string, label: RegExp): URL {
  const match = new RegExp(`${label.source}\\s+(http://\\S+)`).exec(output);
  expect(match, `no URL after ${label} in:\n${output}`).not.toBeNull();
  return new URL(match![1]);
}

describe('npm run demo with its base port taken', () => {
  it.each([
    ['the --port flag', (port: number) => ({ args: ['--no-next', '--port', String(port)], env: {} })],
    ['KAMELEOON_DEMO_PORT', (port: number) => ({ args: ['--no-next'], env: { KAMELEOON_DEMO_PORT: String(port) } })],
    // The flag wins over the variable (read, this one would stop the demo with an error).
    ['--port over KAMELEOON_DEMO_PORT', (port: number) => ({ args: ['--no-next', '--port', String(port)], env: { KAMELEOON_DEMO_PORT: 'not-a-port' } })],
  ])('takes the next free ports from the base given by %s and serves on the URLs it prints', async (_how, invocation) => {
    const base = await occupyPort();
    const { args, env } = invocation(base);
    // A temporary folder of the demo's own: it must be empty once the demo has stopped.
    const temp = mkdtempSync(join(tmpdir(), 'kameleoon-ts-demo-tmp-'));
    cleanups.push(() => rmSync(temp, { recursive: true, force: true }));
    const demo = startDemo(args, { ...env, TMPDIR: temp });
    const output = await outputMatching(demo, /Ctrl-C stops everything/);
    // It said what it was doing before it was ready.
    expect(output.indexOf('[demo] starting the dev server')).toBeGreaterThanOrEqual(0);
    expect(output.indexOf('[demo] React SPA ready on')).toBeLessThan(output.indexOf('Ctrl-C stops everything'));
    // The SPA's Vite cache and the Worker's build live there while it runs.
    expect(leftovers(temp).length).toBeGreaterThan(0);

    const dev = printed(output, /dev server \(flags, events\)/);
    const spa = printed(output, /React SPA/);
    const api = printed(output, /Node API/);
    const worker = printed(output, /Cloudflare Worker \(workerd\)/);
    const ports = [dev, api, spa, worker].map((url) => Number(url.port));
    for (const url of [dev, spa, api, worker]) expect(url.hostname).toBe('127.0.0.1');
    // The dev server moved on from the taken base; the others follow it, in order, each above the one before.
    expect(ports[0]).toBeGreaterThan(base);
    expect(ports[1]).toBeGreaterThan(ports[0]);
    expect(ports[2]).toBeGreaterThan(ports[1]);
    expect(ports[3]).toBeGreaterThan(ports[2]);
    expect(output).toContain(`${dev.origin}   (${base} was taken)`);

    // Each URL printed is served by the demo's own server.
    const page = await fetch(`${dev.origin}/`);
    expect(await page.text()).toContain('kameleoon-ts dev server');
    const flags = (await (await fetch(`${api.origin}/api/flags`)).json()) as { visitorCode: string; flags: Record<string, string> };
    expect(Object.keys(flags.flags).length).toBeGreaterThan(0);
    const spaPage = await (await fetch(spa.href)).text();
    expect(spaPage).toContain('kameleoon-ts demo: React SPA');
    expect(spa.searchParams.get('devServer')).toBe(dev.origin);
    const entry = await fetch(new URL('/main.tsx', spa.origin));
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toMatch(/javascript/);
    const fromWorker = await fetch(new URL('/api/flags', worker.origin));
    expect(fromWorker.headers.get('set-cookie')).toMatch(/^kameleoonVisitorCode=/);
    const workerFlags = (await fromWorker.json()) as { build: string; flags: Record<string, string> };
    expect(workerFlags.build).toBe('edge');
    expect(Object.keys(workerFlags.flags).sort()).toEqual(Object.keys(flags.flags).sort());

    // Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops it cleanly.
    const closed = new Promise<number | null>((resolve) => demo.child.once('close', (code) => resolve(code)));
    process.kill(-demo.child.pid!, 'SIGINT');
    expect(await closed).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});
