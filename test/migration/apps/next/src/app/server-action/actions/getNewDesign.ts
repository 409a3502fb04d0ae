'use server';
// App 2: server actions (Next.js App Router) reading the visitor with the `cookies` function of
// next/headers. No SDK import: ../../../kameleoon.ts holds the client.
import { cookies } from 'next/headers';
import { initClient } from '../../../kameleoon';

export async function getNewDesign() {
  const client = await initClient();

  const visitorCode = client.getVisitorCode({ cookies });

  const isActive = client.isFeatureFlagActive({
    visitorCode,
    featureKey: 'new_design', // Your feature key
  });

  return isActive;
}
