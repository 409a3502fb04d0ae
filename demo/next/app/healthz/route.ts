/**
 * Readiness probe for scripts and tests: answers without touching the SDK (and so tracks nothing).
 * It names the process it answers from (KAMELEOON_DEMO_INSTANCE, set by demo/nextServer.ts), so
 * the starter can tell its own server from another one already on the port.
 */
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response('ok', { headers: { 'Content-Type': 'text/plain', 'X-Kameleoon-Demo-Instance': process.env.KAMELEOON_DEMO_INSTANCE ?? '' } });
}
