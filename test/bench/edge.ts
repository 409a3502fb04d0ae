/**
 * Edge rows of `npm run bench` (issue 19): the per-request app of test/edge/apps, installed from
 * the packed tarball, in each real runtime that test/edge runs it in (workerd through miniflare,
 * Vercel's edge-runtime, Deno, Bun), and for comparison in a plain `node:http` server with the
 * package's Node build (apps/node.mjs, the same app), all against our dev server on 127.0.0.1:
 *
 * - start: from starting a fresh runtime (a new workerd process, a new EdgeRuntime context, a new
 *   deno/bun/node process) to its server listening;
 * - cold first request: from listening to the first response of a request without a cookie (the
 *   isolate fetches the configuration from the dev server, evaluates, sets the cookie, answers);
 *   medians of {@link EDGE_STARTS} fresh starts per runtime;
 * - evaluation per call: apps/timing.mjs's `GET /__timing?n=N` runs N x (`getVisitorCode` +
 *   `getVariation`, track false) for N new visitors inside one request and reports the loop's
 *   `performance.now()` time in `Server-Timing`; the figure is that divided by N, median of
 *   {@link EVAL_REQUESTS} requests after {@link EVAL_WARMUP} uncounted ones. A loop because one call
 *   takes microseconds and runtimes coarsen their clock: workerd to 1 ms here, and in production
 *   it does not advance between I/O at all (Spectre mitigation);
 * - warm request: a request with the visitor's cookie, from sending it to the whole body read
 *   (the app's full path: initialize, refreshDataFileIfStale, getVisitorCode, getVariation with
 *   tracking, flushInstant in waitUntil), median (and 90th percentile) of {@link WARM_REQUESTS}
 *   requests one after another.
 * Every request's answer is checked (status, cookie, visitor kept); any error the runtime or the
 * SDK says fails the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer } from '../../src/devserver/server.ts';
import { buildAndPack, REPO } from '../package/harness.ts';
import { bun, createEdgeProject, deno, nodeServer, vercelEdge, workerd, type EdgeRuntimeUnderTest, type EdgeServer } from '../edge/runtimes.ts';
import type { BenchRow } from './bench.ts';
import { NEW_DESIGN_YAML } from '../support/newDesignFlags.ts';

/** Fresh starts per runtime: one cold first request each. */
export const EDGE_STARTS = 5;
/** Evaluations in one timing request. */
export const EVAL_N = 5_000;
/** Counted timing requests per runtime (after {@link EVAL_WARMUP} uncounted ones). */
export const EVAL_REQUESTS = 15;
export const EVAL_WARMUP = 5;
/** Warm requests with the cookie per runtime (after {@link WARM_WARMUP} uncounted ones). */
export const WARM_REQUESTS = 200;
export const WARM_WARMUP = 20;

const COOKIE = 'kameleoonVisitorCode';

/** One runtime's figures, in ms (samples as measured). */
export interface EdgeRuntimeReport {
  name: string;
  version: string;
  /** The package file `kameleoon-ts` resolved to (`dist/edge.js`, `dist/node.js`). */
  resolved: string;
  startMs: number[];
  firstMs: number[];
  /** Per call of getVisitorCode + getVariation, from each timing request. */
  evalUs: number[];
  warmMs: number[];
  /** Variation keys the timing requests' visitors got (the 50/50 split, as a check). */
  keys: Record<string, number>;
}

export interface EdgeReport {
  buildSeconds: number;
  runtimes: EdgeRuntimeReport[];
}

const NODE = 'node (http)';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below);
}
const median = (values: number[]) => quantile(values, 0.5);

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function binVersion(bin: string): string {
  const out = execFileSync(join(REPO, 'node_modules/.bin', bin), ['--version'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return out.split('\n')[0].replace(/^deno /, '').trim();
}

/** The runtimes, in table order, with the version each one is. */
function runtimesOf(project: string): { runtime: EdgeRuntimeUnderTest; version: string }[] {
  return [
    { runtime: nodeServer(project), version: process.version },
    { runtime: workerd(project), version: `workerd ${packageVersion('workerd')}, miniflare ${packageVersion('miniflare')}` },
    { runtime: vercelEdge(project), version: `edge-runtime ${packageVersion('edge-runtime')}` },
    { runtime: deno(project), version: `deno ${binVersion('deno')}` },
    { runtime: bun(project), version: `bun ${binVersion('bun')}` },
  ];
}

/** Errors the runtime or the SDK said (as test/edge checks). */
function errorsIn(server: EdgeServer): string[] {
  return server.output.filter((line) => /\bERROR\b|Uncaught|waitUntil rejected|request failed|^error: /.test(line));
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

async function get(url: string, cookie?: string): Promise<Answer> {
  const from = performance.now();
  const response = await fetch(url, { headers: cookie ? { cookie } : {} });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, ms: performance.now() - from };
}

function cookieCode(answer: Answer): string | undefined {
  for (const line of answer.headers.getSetCookie()) {
    const match = new RegExp(`^${COOKIE}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** Throws with the runtime's output unless `ok`. */
function check(ok: boolean, what: string, server: EdgeServer, answer?: Answer): void {
  if (ok) return;
  const said = answer ? `\nanswered ${answer.status}: ${answer.text.slice(0, 300)}` : '';
  throw new Error(`edge bench: ${what}${said}\nruntime output:\n${server.output.join('\n')}`);
}

/** The first request without a cookie: answers 200 with a new visitor's cookie. */
async function firstRequest(server: EdgeServer): Promise<{ answer: Answer; code: string }> {
  const answer = await get(server.url);
  const code = cookieCode(answer);
  check(answer.status === 200 && !!code, 'the first request did not answer 200 with a visitor cookie', server, answer);
  return { answer, code: code! };
}

/** One timing request: the loop's time per call, in µs. */
async function timing(server: EdgeServer, keys: Record<string, number>): Promise<number> {
  const answer = await get(`${server.url}/__timing?n=${EVAL_N}`);
  check(answer.status === 200, 'the timing route failed', server, answer);
  const dur = /\bdur=([\d.]+)/.exec(answer.headers.get('server-timing') ?? '');
  check(!!dur, 'the timing route gave no Server-Timing duration', server, answer);
  const body = JSON.parse(answer.text) as { n: number; keys: Record<string, number> };
  check(body.n === EVAL_N && Object.values(body.keys).reduce((a, b) => a + b, 0) === EVAL_N, `the timing route did not evaluate ${EVAL_N} visitors`, server, answer);
  for (const [key, count] of Object.entries(body.keys)) keys[key] = (keys[key] ?? 0) + count;
  return (Number(dur![1]) * 1000) / EVAL_N;
}

async function measureRuntime(runtime: EdgeRuntimeUnderTest, version: string, progress: (msg: string) => void): Promise<EdgeRuntimeReport> {
  // Bundles (workerd, edge-runtime) or starts once (deno, bun, node: their module caches warm),
  // so that the starts below measure a fresh isolate or process, not a first deployment.
  const resolved = await runtime.resolved();
  const report: EdgeRuntimeReport = { name: runtime.name, version, resolved, startMs: [], firstMs: [], evalUs: [], warmMs: [], keys: {} };
  for (let i = 0; i < EDGE_STARTS; i++) {
    progress(`edge: ${runtime.name}, fresh start ${i + 1}/${EDGE_STARTS}...`);
    const from = performance.now();
    const server = await runtime.start();
    try {
      report.startMs.push(performance.now() - from);
      const { answer, code } = await firstRequest(server);
      report.firstMs.push(answer.ms);
      if (i === EDGE_STARTS - 1) {
        progress(`edge: ${runtime.name}, ${WARM_REQUESTS} warm requests and ${EVAL_REQUESTS} x ${EVAL_N} evaluations...`);
        const cookie = `${COOKIE}=${code}`;
        const body = answer.text;
        for (let r = 0; r < WARM_WARMUP + WARM_REQUESTS; r++) {
          const again = await get(server.url, cookie);
          check(again.status === 200 && again.text === body, 'a warm request did not keep the visitor and the variation', server, again);
          if (r >= WARM_WARMUP) report.warmMs.push(again.ms);
        }
        for (let r = 0; r < EVAL_WARMUP + EVAL_REQUESTS; r++) {
          const us = await timing(server, report.keys);
          if (r >= EVAL_WARMUP) report.evalUs.push(us);
        }
      }
      check(errorsIn(server).length === 0, 'the runtime or the SDK said an error', server);
    } finally {
      await server.close();
    }
  }
  return report;
}

/** Builds and packs the package, then measures every runtime in turn against one dev server. */
export async function measureEdge(progress: (msg: string) => void): Promise<EdgeReport> {
  const configDir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-edge-bench-'));
  writeFileSync(join(configDir, 'flags.yaml'), NEW_DESIGN_YAML);
  const dev = await startDevServer({ config: join(configDir, 'flags.yaml'), port: 0 });
  progress('edge: npm run build + npm pack...');
  const from = performance.now();
  const packed = await buildAndPack();
  try {
    const buildSeconds = (performance.now() - from) / 1000;
    const project = await createEdgeProject(packed, dev.url, { timing: true });
    const runtimes: EdgeRuntimeReport[] = [];
    for (const { runtime, version } of runtimesOf(project)) runtimes.push(await measureRuntime(runtime, version, progress));
    return { buildSeconds, runtimes };
  } finally {
    packed.dispose();
    await dev.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

interface Figures {
  start: number;
  first: number;
  eval: number;
  warm: number;
}

function figures(r: EdgeRuntimeReport): Figures {
  return { start: median(r.startMs), first: median(r.firstMs), eval: median(r.evalUs), warm: median(r.warmMs) };
}

/** The section's header lines and table (times: lower is better; `x Node` > 1 = slower than the Node build). */
export function edgeTable(report: EdgeReport): string[] {
  const node = figures(report.runtimes.find((r) => r.name === NODE)!);
  const vsNode = (value: number, base: number, isNode: boolean) => (isNode ? '' : ` (${(value / base).toFixed(2)}x)`);
  const rows = report.runtimes.map((r) => {
    const f = figures(r);
    const isNode = r.name === NODE;
    return [
      r.name,
      r.resolved,
      `${f.start.toFixed(0)} ms${vsNode(f.start, node.start, isNode)}`,
      `${f.first.toFixed(1)} ms${vsNode(f.first, node.first, isNode)}`,
      `${(f.start + f.first).toFixed(0)} ms`,
      `${f.eval.toFixed(2)} µs${vsNode(f.eval, node.eval, isNode)}`,
      `${f.warm.toFixed(2)} ms${vsNode(f.warm, node.warm, isNode)}`,
      `${quantile(r.warmMs, 0.9).toFixed(2)} ms`,
    ];
  });
  const table = [
    ['runtime', 'kameleoon-ts', 'start to listening', 'cold first request', 'start + first', 'getVisitorCode + getVariation', 'warm request p50', 'p90'],
    ...rows,
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const keys = report.runtimes.map((r) => `${r.name} ${Object.entries(r.keys).sort().map(([k, n]) => `${k} ${n}`).join('/')}`).join(', ');
  return [
    `edge runtimes (test/edge's per-request app from the packed tarball, build + pack ${report.buildSeconds.toFixed(1)} s; dev server on 127.0.0.1; ` +
      `versions: ${report.runtimes.map((r) => r.version).join('; ')}):`,
    `  start to listening and cold first request (no cookie: the configuration fetched from the dev server, evaluated, cookie set): medians of ${EDGE_STARTS} fresh isolates/processes ` +
      `(workerd: a new workerd process through miniflare; edge-runtime: a new EdgeRuntime context and server inside the bench's Node process; deno, bun, node: a new process);`,
    `  getVisitorCode + getVariation: per call, from the app's Server-Timing (performance.now() around ${EVAL_N} calls for ${EVAL_N} new visitors, track=false, in one request: ` +
      `runtimes coarsen the clock, workerd to 1 ms, and workerd in production freezes it between I/O), median of ${EVAL_REQUESTS} requests;`,
    `  warm request: a returning visitor (cookie), the app's full path with tracking, sent to body read by Node's fetch, over ${WARM_REQUESTS} requests one after another;`,
    `  (Nx) = the Node build's figure times N (>1 = slower than Node); the Node row is a node:http server adapting to the same Fetch app ` +
      `(its cold first request includes Node loading its fetch implementation, undici, on first use of Headers/fetch);`,
    `  variation split of the timed visitors: ${keys}`,
    '',
    line(table[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
  ];
}

/**
 * The section as rows for `--json`: `ours` is the runtime's figure, `official` the Node build's
 * (`baseline: 'node'`), `ratio` Node's / the runtime's (>1 = faster than Node); no target.
 */
export function edgeRows(report: EdgeReport): BenchRow[] {
  const node = figures(report.runtimes.find((r) => r.name === NODE)!);
  const out: BenchRow[] = [];
  for (const r of report.runtimes) {
    const f = figures(r);
    const row = (metric: string, ours: number, base: number, unit: string) =>
      out.push({ name: `edge, ${r.name}: ${metric}`, ours, official: base, ratio: base / ours, unit, target: 0, pass: true, baseline: 'node' });
    row('start to listening', f.start, node.start, 'ms');
    row('cold first request', f.first, node.first, 'ms');
    row('getVisitorCode + getVariation per call', f.eval, node.eval, 'µs');
    row('warm request p50', f.warm, node.warm, 'ms');
  }
  return out;
}
