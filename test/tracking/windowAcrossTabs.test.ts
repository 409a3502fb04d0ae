/**
 * Two tabs of one site share the window of VISITOR-scope custom data through storage, as the
 * official SDK's tabs share `kameleoonDataInfo`: a tab built before another one opened the window
 * does not open it again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomData } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { CHROME_ANALYZER, ONE_VISITOR_SCOPE_CONFIG, ourBrowserClient } from '../support/browserMode.ts';

const MIN = 60_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('the VISITOR-scope window across tabs', () => {
  it('a tab does not send the value again within a window another tab opened after it was built', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-05T09:00:00Z') });
    // Each tab reports a browser (CHROME_ANALYZER): composing a visitor always sends something.
    const storage = createMemoryStorage();
    const [one, two] = [[] as string[], [] as string[]];
    const backend = { siteCode: 'tabs', config: ONE_VISITOR_SCOPE_CONFIG };
    const tabs = [ourBrowserClient(backend, one, CHROME_ANALYZER as never, storage), ourBrowserClient(backend, two, CHROME_ANALYZER as never, storage)];
    await Promise.all(tabs.map((tab) => tab.initialize()));
    const sent = async (lines: string[], run: () => void) => {
      const before = lines.length;
      run();
      await vi.waitUntil(() => lines.length > before);
      return lines.slice(before).filter((line) => line.startsWith('eventType=customData'));
    };
    try {
      expect(await sent(one, () => (tabs[0].addData('A', new CustomData(0, 'gold')), tabs[0].flush({ visitorCode: 'A', instant: true })))).toHaveLength(1);
      vi.setSystemTime(Date.now() + 35 * MIN);
      // Tab one opens the next window for A...
      expect(await sent(one, () => tabs[0].flush({ visitorCode: 'A', instant: true }))).toHaveLength(1);
      // ...so tab two, reading A (still due) from storage, finds it open and sends no custom data.
      expect(await sent(two, () => tabs[1].flush({ visitorCode: 'A', instant: true }))).toEqual([]);
    } finally {
      await Promise.all(tabs.map((tab) => tab.close()));
    }
  });
});
