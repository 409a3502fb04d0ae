// App 1: a route handler that decides before anything renders (Next.js App Router), with the
// visitor code from the `cookies` function of next/headers. No SDK import: ../../kameleoon.ts
// holds the client.
import { NextResponse } from 'next/server';
import { cookies } from 'next/headers';
import { initClient } from '../../kameleoon';

export async function GET(request: Request) {
  const client = await initClient();

  const visitorCode = client.getVisitorCode({ cookies });

  const isActive = client.isFeatureFlagActive({
    visitorCode,
    featureKey: 'new_design', // Your feature key
  });

  const target = isActive ? '/route-handler/newdesign' : '/route-handler/olddesign';

  // Redirect before any rendering starts
  return NextResponse.redirect(new URL(target, request.url));
}
