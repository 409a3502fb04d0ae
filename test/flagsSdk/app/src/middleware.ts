// The precomputed page's entry (/static): the visitor's cookie set on a first visit, its flags
// decided here (the edge build of kameleoon-ts), and the request rewritten to the static page of
// their code.
import { evaluate, serialize } from 'flags/next';
import { ensureVisitorCodeCookie } from 'kameleoon-ts';
import { NextResponse, type NextRequest } from 'next/server';
import { precomputed } from './flags';

export const config = { matcher: ['/static'] };

export async function middleware(request: NextRequest) {
  const cookie = new Response(null);
  const visitorCode = ensureVisitorCodeCookie({ request, response: cookie });
  // A first visit: the decision is made for the code set on the response.
  const headers = new Headers(request.headers);
  if (!request.cookies.has('kameleoonVisitorCode')) headers.set('cookie', [request.headers.get('cookie'), `kameleoonVisitorCode=${visitorCode}`].filter(Boolean).join('; '));
  const values = await evaluate(precomputed, new Request(request.url, { headers }));
  const code = await serialize(precomputed, values);
  const response = NextResponse.rewrite(new URL(`/static/${code}`, request.url));
  const setCookie = cookie.headers.get('set-cookie');
  if (setCookie) response.headers.append('set-cookie', setCookie);
  return response;
}
