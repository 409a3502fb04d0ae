/**
 * Sets the visitor-code cookie on a first visit (ensureVisitorCodeCookie), and hands the code to
 * this request's server components through a request header: the cookie only reaches the server
 * with the next request, and the page must render (and track) for the same visitor the browser
 * will be from now on.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { ensureVisitorCodeCookie } from 'kameleoon-ts';
import { VISITOR_CODE_HEADER } from './app/kameleoon.ts';

export function middleware(request: NextRequest): NextResponse {
  const setCookie = new Headers();
  const visitorCode = ensureVisitorCodeCookie({ request, response: { headers: setCookie } });
  const forwarded = new Headers(request.headers);
  forwarded.set(VISITOR_CODE_HEADER, visitorCode);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const cookie of setCookie.getSetCookie()) response.headers.append('Set-Cookie', cookie);
  return response;
}

export const config = {
  // The SDK's Node entry (node:crypto, node:fs): the Node.js middleware runtime, not the edge one.
  runtime: 'nodejs',
  matcher: ['/((?!_next/|favicon.ico|healthz).*)'],
};
