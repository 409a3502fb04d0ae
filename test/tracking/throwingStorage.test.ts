/**
 * A browser whose storage throws (a user's `externals.storage`, a quota) still tracks: the
 * window of VISITOR-scope custom data (kept in storage across pages) starts afresh, and no
 * visitor's lines are held back by a failed write.
 */
import { describe, expect, it, vi } from 'vitest';
import { CustomData } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IExternalStorage } from '../../src/platform/platform.ts';
import { ONE_VISITOR_SCOPE_CONFIG, byVisitor, ourBrowserClient } from '../support/browserMode.ts';

describe('tracking with a storage that throws', () => {
  it('sends the data of a visitor with a VISITOR-scope custom data', async () => {
    const memory = createMemoryStorage();
    const storage: IExternalStorage = {
      read: (key) => {
        if (key.endsWith('nextVisit')) throw new Error('storage read failed');
        return memory.read(key);
      },
      write: (key, value) => {
        if (key.endsWith('nextVisit')) throw new Error('storage write failed');
        memory.write(key, value);
      },
    };
    const lines: string[] = [];
    const client = ourBrowserClient({ siteCode: 'site-t', config: ONE_VISITOR_SCOPE_CONFIG }, lines, { getResult: () => ({}) }, storage);
    await client.initialize();
    client.addData('A', new CustomData(0, 'gold'));
    client.flush({ visitorCode: 'A', instant: true });
    await vi.waitUntil(() => lines.length > 0);
    await client.close();
    expect(byVisitor(lines).A).toEqual(expect.arrayContaining([expect.stringMatching(/^eventType=customData&index=0&valuesCountMap=%7B%22gold%22%3A1%7D/)]));
  });
});
