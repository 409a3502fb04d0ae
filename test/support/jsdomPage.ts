/** A jsdom page's `document` and `localStorage` as globals for the enclosing describe (where Node has none). */
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll } from 'vitest';

export function useJsdomPage(url = 'https://www.example.com/page'): void {
  const installed: string[] = [];
  beforeAll(() => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>', { url });
    for (const name of ['document', 'localStorage'] as const) {
      if (name in globalThis) continue;
      Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
      installed.push(name);
    }
  });
  afterAll(() => {
    for (const name of installed) delete (globalThis as Record<string, unknown>)[name];
  });
}
