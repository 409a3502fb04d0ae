/**
 * `npm run size`: the minified + gzipped size of each public entry as an application would ship
 * it (the entry and every chunk it imports; dependencies such as react, zustand and js-cookie are
 * external and not counted), and what the React bindings add over the browser core.
 */
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Rollup } from 'vite';

/** Sizes of one entry. */
export interface EntrySize {
  entry: string;
  minified: number;
  gzipped: number;
}

/** Builds the library minified into a temporary directory and measures each entry with its chunks. */
export async function measureEntries(): Promise<EntrySize[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-size-'));
  try {
    const result = (await build({ logLevel: 'silent', build: { outDir, minify: true, sourcemap: false, write: false } })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
    const chunks = new Map(outputs.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    const closure = (chunk: Rollup.OutputChunk, seen = new Set<string>()): Set<string> => {
      if (seen.has(chunk.fileName)) return seen;
      seen.add(chunk.fileName);
      for (const dep of chunk.imports) {
        const next = chunks.get(dep);
        if (next) closure(next, seen);
      }
      return seen;
    };
    return [...chunks.values()]
      .filter((c) => c.isEntry)
      .map((entry) => {
        const code = [...closure(entry)].map((file) => chunks.get(file)!.code).join('\n');
        return { entry: entry.name, minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length };
      })
      .sort((a, b) => a.entry.localeCompare(b.entry));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measureEntries();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const s of sizes) console.log(`${s.entry.padEnd(8)} ${kb(s.minified).padStart(9)} min  ${kb(s.gzipped).padStart(8)} min+gzip`);
  const core = sizes.find((s) => s.entry === 'browser');
  const react = sizes.find((s) => s.entry === 'react');
  if (core && react) console.log(`react bindings over the browser core: +${kb(react.gzipped - core.gzipped)} min+gzip`);
}
