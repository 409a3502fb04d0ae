/** A jsdom page's `document` and `localStorage` as globals for the enclosing describe (where Node has none). */
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll } from 'vitest';
import { replaceGlobals } from './globals.ts';

export function useJsdomPage(url = 'https://www.example.com/page'): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>', { url });
    // A runtime that has one already (a jsdom environment) keeps its own.
    const missing = (['document', 'localStorage'] as const).filter((name) => !(name in globalThis));
    restore = replaceGlobals(Object.fromEntries(missing.map((name) => [name, dom.window[name]])));
  });
  afterAll(() => restore?.());
}
