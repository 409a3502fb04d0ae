/**
 * The ```ts and ```tsx blocks of README.md, compiled as users would paste them. Which project a
 * block goes to:
 *
 * - a block whose first line names a file (`// app/page.tsx: ...`, `// middleware.ts`) is that
 *   file of the README's Next.js app: the `nextjs` project, at that path, so the app's files
 *   import each other as the README shows;
 * - any other ```tsx block: the bundler + React project (`bundler-react`);
 * - any other ```ts block: the ES-module nodenext project (`esm`: Node types, top-level await).
 *
 * An unnamed block is its own module (`export {}` is appended, so top-level await works and
 * names do not clash between blocks). A block whose info string adds `partial` (```ts partial,
 * ```tsx partial) is a deliberate excerpt: counted, not compiled.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from './harness.ts';

export type ReadmeProject = 'esm' | 'bundler-react' | 'nextjs';

export interface ReadmeBlock {
  lang: 'ts' | 'tsx';
  partial: boolean;
  /** 1-based README line of the opening fence. */
  fenceLine: number;
  code: string;
  project: ReadmeProject;
  /** Where it is written, relative to its project. */
  file: string;
}

export function readmeBlocks(readme: string): ReadmeBlock[] {
  const lines = readme.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const [, lang, rest] = open;
    if (lang === 'ts' || lang === 'tsx') {
      const fenceLine = i + 1;
      const code = lines.slice(i + 1, end).join('\n');
      const named = /^\/\/\s*([\w.-]+(?:\/[\w.-]+)*\.tsx?)\b/.exec(lines[i + 1] ?? '');
      const project: ReadmeProject = named ? 'nextjs' : lang === 'tsx' ? 'bundler-react' : 'esm';
      const file = named ? named[1] : `src/readme/readme-L${fenceLine}.${lang}`;
      blocks.push({ lang, partial: /\bpartial\b/.test(rest), fenceLine, code, project, file });
    }
    i = end;
  }
  return blocks;
}

/** Writes the blocks to compile into their projects. */
export function writeBlocks(blocks: ReadmeBlock[], projects: Record<ReadmeProject, string>): void {
  for (const block of blocks) {
    if (block.partial) continue;
    const path = join(projects[block.project], block.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, block.project === 'nextjs' ? `${block.code}\n` : `${block.code}\nexport {};\n`);
  }
}

/** A diagnostic of a block's file, located in the README (the code starts the line after the fence). */
export function readmeLocation(block: ReadmeBlock, diagnostic: Diagnostic): string {
  return `README.md:${block.fenceLine + diagnostic.line} (the \`\`\`${block.lang} block at line ${block.fenceLine}, compiled in ${block.project}): ${diagnostic.code}: ${diagnostic.message}`;
}

export function readReadme(repo: string): string {
  return readFileSync(join(repo, 'README.md'), 'utf8');
}
