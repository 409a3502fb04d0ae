/** Readiness probe for scripts and tests: answers without touching the SDK (and so tracks nothing). */
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response('ok', { headers: { 'Content-Type': 'text/plain' } });
}
