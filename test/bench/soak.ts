/**
 * `npm run soak`: the long soak. A Node client evaluates and tracks new visitors as fast as it
 * can (three flags, custom data, a conversion for one in four) against a tracking server on
 * 127.0.0.1 in a child process, while a simulated clock runs `--rate` visitors per simulated
 * second, for `--seconds` of real time or `--visitors` visitors. Prints visitors per second, the
 * visitors held and the memory (heap + ArrayBuffers after GC) at each session boundary, and the
 * lines delivered (counted by nonce on the server). Exits 1 if a line is lost or duplicated, or
 * the visitors in memory exceed one session's worth.
 *
 *   npm run soak -- [--seconds 60] [--visitors N] [--rate 1000] [--session 1] [--json]
 *   node --expose-gc --import tsx test/bench/soak.ts [same options]   (the same; without --expose-gc the
 *   flag is set at run time)
 *
 * The client reads the simulated clock through Date.now (installed before it is created);
 * timers, requests and the measured rate are real.
 */
import { parseArgs } from 'node:util';
import { runSoak, startTrackingServer } from '../hardening/fixtures/soakDriver.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    visitors: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    session: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const session = Number(values.session);
const visitors = values.visitors === undefined ? Number.MAX_SAFE_INTEGER : Number(values.visitors);

const realNow = Date.now;
let now = Date.parse('2026-11-21T08:00:00Z');
const server = await startTrackingServer();
Date.now = () => now;
let result;
try {
  result = await runSoak(server, {
    visitors,
    durationMs: values.visitors === undefined ? seconds * 1000 : undefined,
    visitorsPerSimulatedSecond: rate,
    sessionMinutes: session,
    clock: { now: () => now, set: (ms) => void (now = ms) },
    onSample: (s) => {
      if (!values.json) console.log(`  t=${String(s.simulatedSeconds).padStart(6)} s simulated  visitors ${String(s.visitors).padStart(9)}  held ${String(s.visitorCount).padStart(7)}  memory ${s.memoryMiB.toFixed(1).padStart(6)} MiB`);
    },
  });
} finally {
  Date.now = realNow;
  await server.stop();
}

const total = result.warmUpLines + result.expectedLines;
const bound = Math.ceil(rate * (session * 60 + 2)) + 1;
const plateau = Math.max(...result.samples.map((s) => s.memoryMiB), result.baselineMiB);
const exactlyOnce = result.server.unique === total && result.server.lines === total && result.server.duplicates === 0 && result.client.sentLines === total;
const bounded = result.peakVisitorCount <= bound && result.finalVisitorCount === 1;
const report = {
  visitors: result.visitors,
  seconds: Math.round(result.elapsedMs / 100) / 10,
  visitorsPerSecond: result.visitorsPerSecond,
  simulatedMinutes: Math.round((result.visitors / rate / 60) * 10) / 10,
  sessionMinutes: session,
  peakVisitorsHeld: result.peakVisitorCount,
  visitorBound: bound,
  memoryMiB: { baseline: round(result.baselineMiB), plateauMax: round(plateau), final: round(result.finalMiB) },
  lines: { expected: total, received: result.server.lines, unique: result.server.unique, duplicates: result.server.duplicates, byEvent: result.server.byEvent, requests: result.server.requests },
  client: result.client,
  exactlyOnce,
  bounded,
};
if (values.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(`
${report.visitors.toLocaleString('en-US')} visitors in ${report.seconds} s: ${report.visitorsPerSecond.toLocaleString('en-US')} visitors/s (evaluated on 3 flags, tracked, delivered), ${report.simulatedMinutes} simulated minutes of ${session}-minute sessions
visitors held: at most ${report.peakVisitorsHeld.toLocaleString('en-US')} (bound ${bound.toLocaleString('en-US')}, one session at ${rate}/s), ${result.finalVisitorCount} after all expired
memory (heap + ArrayBuffers after GC): ${report.memoryMiB.baseline} MiB at start, at most ${report.memoryMiB.plateauMax} MiB at session boundaries, ${report.memoryMiB.final} MiB after all expired
lines: ${total.toLocaleString('en-US')} expected, ${result.server.lines.toLocaleString('en-US')} received in ${result.server.requests} requests, ${result.server.unique.toLocaleString('en-US')} unique nonces, ${result.server.duplicates} duplicates, dropped ${result.client.droppedOverflow + result.client.droppedRejected}
${exactlyOnce && bounded ? 'OK: every line delivered exactly once, memory bounded' : 'FAILED'}`);
}
if (!exactlyOnce || !bounded) process.exitCode = 1;

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
