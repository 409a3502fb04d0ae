/**
 * The browser's path comes from CHROMIUM_PATH (default /usr/bin/chromium), for the browser tests
 * (launchBrowser) and the demo's --check alike (demo/chromium.ts): a Chromium elsewhere is found
 * through the variable, and a wrong path is named in the error.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumPath } from '../../demo/chromium.ts';
import { launchBrowser } from '../browser/harness.ts';

const saved = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

describe('CHROMIUM_PATH', () => {
  it('names the executable; unset or empty, Debian’s', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: ' ' })).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chromium/chrome' })).toBe('/opt/chromium/chrome');
  });

  it('launchBrowser starts the Chromium it names, and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-chromium-'));
    try {
      process.env.CHROMIUM_PATH = join(dir, 'missing');
      await expect(launchBrowser()).rejects.toThrow(`there is none at ${join(dir, 'missing')}: install it (Debian: apt-get install chromium, which .ci/run does) or set CHROMIUM_PATH`);
      // A Chromium found only through the variable: a link elsewhere to the installed one.
      symlinkSync(chromiumPath({ CHROMIUM_PATH: saved }), join(dir, 'my-chromium'));
      process.env.CHROMIUM_PATH = join(dir, 'my-chromium');
      const browser = await launchBrowser();
      try {
        expect(browser.version()).toMatch(/^\d+\./);
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
