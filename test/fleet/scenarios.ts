/** Scenarios the fleet tests run against one redis-server and against a Redis Cluster. */
import { expect } from 'vitest';
import type { KameleoonClient } from '../../src/node.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';

/**
 * Two processes each load and evaluate, tracked, the same visitors' `layout` flag: every
 * exposure reaches the tracking server once, from the process that claimed it, and the other
 * counts each as a claim lost.
 */
export async function expectEachExposureOnce(a: KameleoonClient, b: KameleoonClient, codes: string[], cdn: KameleoonTestServer): Promise<void> {
  const before = cdn.trackingLines.length;
  for (const code of codes) {
    await a.prepareVisitor(code);
    a.getVariation({ visitorCode: code, featureKey: 'layout' });
    await b.prepareVisitor(code);
    b.getVariation({ visitorCode: code, featureKey: 'layout' });
  }
  await Promise.all([a.flushInstant(), b.flushInstant()]);
  const lines = cdn.trackingLines.slice(before).filter((line) => line.includes('eventType=experiment') && line.includes('id=2002'));
  for (const code of codes) expect(lines.filter((line) => new RegExp(`visitorCode=${code}(&|$)`).test(line)), code).toHaveLength(1);
  expect(a.getSharedStoreStatus().claimsLost + b.getSharedStoreStatus().claimsLost).toBe(codes.length);
}
