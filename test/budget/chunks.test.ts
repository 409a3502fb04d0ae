/**
 * A page built by Vite (as the Chromium bench builds it, and as an app would) loads our code in
 * one module request up front. Vite 8 bundles with Rolldown, which moves a module imported both
 * by the entry and by lazy chunks into a chunk of its own when several lazy chunks share it: the
 * tracking chunk importing the data classes, the visitor code or the assignment pool did that, and
 * cost the first warm visit a second request (about 1 ms in Chromium). The tracking chunk takes
 * what it needs from small modules of their own (visitor/encode.ts, kinds.ts, slots.ts) or from
 * its deps; this keeps it that way.
 */
import { describe, expect, it } from 'vitest';
import { bundlePage } from '../bench/browser.ts';

describe('our page built by Vite', () => {
  it('needs one module up front: the entry imports no other chunk statically', async () => {
    const { files, preload } = await bundlePage('ours');
    expect(preload).toEqual([]);
    // The measure is real: tracking and the Data API still load later, from chunks of their own.
    expect([...files.keys()].filter((file) => file !== 'page.js').map((file) => file.replace(/-[\w-]+\.js$/, ''))).toEqual(expect.arrayContaining(['pipeline', 'remote', 'streamLink', 'pageLifecycle']));
  }, 60_000);
});
