/**
 * Each migration app file differs from its official form (`<file>.official` beside it) only by:
 * - its import lines, one for one, the same names imported: `@kameleoon/nodejs-sdk` →
 *   `kameleoon-ts`, the official helper packages (`@kameleoon/nodejs-event-source`,
 *   `nodejs-requester`, `nodejs-visitor-code-manager`, `nextjs-visitor-code-manager`, whose classes
 *   kameleoon-ts's Node entry exports under their names) → `kameleoon-ts/node` (typed as the Node
 *   build under any moduleResolution, Next.js's `bundler` included), `@kameleoon/react-sdk` →
 *   `kameleoon-ts/react-sdk`;
 * - the lines that point the SDK at the dev server (`endpoints`, `DEV_SERVER`);
 * - blank lines.
 * Every other app file imports no SDK at all (it reaches the client through a file checked here),
 * so it is the same in both versions. The leading comment of each file is not compared.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPS_DIR } from './servers.ts';

/** Official package → ours. */
const PACKAGES: Record<string, string> = {
  '@kameleoon/nodejs-sdk': 'kameleoon-ts',
  '@kameleoon/react-sdk': 'kameleoon-ts/react-sdk',
  '@kameleoon/nodejs-event-source': 'kameleoon-ts/node',
  '@kameleoon/nodejs-requester': 'kameleoon-ts/node',
  '@kameleoon/nodejs-visitor-code-manager': 'kameleoon-ts/node',
  '@kameleoon/nextjs-visitor-code-manager': 'kameleoon-ts/node',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The lines after the leading comment (and the blank lines around it). */
function body(text: string): string[] {
  const lines = text.split('\n');
  let start = 0;
  while (start < lines.length && (lines[start].startsWith('//') || lines[start].trim() === '')) start++;
  return lines.slice(start);
}

/** A line diff (longest common subsequence): the lines only in `a` and only in `b`, with their index. */
function diffLines(a: string[], b: string[]): { removed: [number, string][]; added: [number, string][] } {
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed: [number, string][] = [];
  const added: [number, string][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) added.push([j, b[j++]]);
    else removed.push([i, a[i++]]);
  }
  return { removed, added };
}

const IMPORT = /^import (type )?(\{[^}]*\}|\w+) from '([^']+)';$/;

/** The names an import line brings in, in order. */
const namesOf = (clause: string) => clause.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean);

/** What is wrong with the difference between an app file and its official form (nothing: []). */
function unexplained(official: string[], ours: string[]): { problems: string[] } {
  const { removed, added } = diffLines(official, ours);
  const problems: string[] = [];
  // Our import lines that stand for an official one: the same names, from the mapped module.
  const oursImports = added.filter(([, line]) => IMPORT.test(line)).map(([, line]) => {
    const m = IMPORT.exec(line)!;
    return `${m[1] ?? ''}${JSON.stringify(namesOf(m[2]))} from ${m[3]}`;
  });
  for (const [index, line] of removed) {
    const m = IMPORT.exec(line);
    if (!m || !(m[3] in PACKAGES)) {
      if (line.trim() !== '') problems.push(`official line ${index + 1} not in ours: ${line}`);
      continue;
    }
    const at = oursImports.indexOf(`${m[1] ?? ''}${JSON.stringify(namesOf(m[2]))} from ${PACKAGES[m[3]]}`);
    if (at < 0) problems.push(`official: ${line}\n  ours imports no such line from '${PACKAGES[m[3]]}'`);
    else oursImports.splice(at, 1);
  }
  for (const left of oursImports) problems.push(`ours imports ${left}, which no official import line stands for`);
  for (const [index, line] of added) {
    const endpoint = /^const DEV_SERVER = process\.env\.KAMELEOON_DEV_SERVER;/.test(line) || /^\s*(configuration: \{ )?endpoints: \{( \w+: DEV_SERVER,?)+ \}( \})?,$/.test(line);
    if (!IMPORT.test(line) && !endpoint && line.trim() !== '') problems.push(`ours, line ${index + 1}, not in the official form: ${line}`);
  }
  return { problems };
}

const officialForms = filesUnder(APPS_DIR).filter((path) => path.endsWith('.official'));
const appFiles = filesUnder(APPS_DIR).filter((path) => /\.(ts|tsx|mjs)$/.test(path));

describe('each app file differs from its official form by imports and endpoints only', () => {
  it('there is an official form for each of the five apps (4 files)', () => {
    expect(officialForms.map((path) => relative(APPS_DIR, path)).sort()).toEqual([
      'next/src/app/react-hooks/_components/pageExperiment.tsx.official',
      'next/src/app/react-hooks/_providers/provider.tsx.official',
      'next/src/kameleoon.ts.official',
      'node-http/server.mjs.official',
    ]);
  });

  it.each(officialForms.map((path) => [relative(APPS_DIR, path.replace(/\.official$/, '')), path]))('%s', (_, officialPath) => {
    const official = body(readFileSync(officialPath, 'utf8'));
    const ours = body(readFileSync(officialPath.replace(/\.official$/, ''), 'utf8'));
    expect(official.some((line) => /from '@kameleoon\//.test(line))).toBe(true);
    expect(ours.some((line) => /from '@kameleoon\//.test(line))).toBe(false);
    const { problems } = unexplained(official, ours);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('every other app file imports no SDK (it is the same in both versions)', () => {
    const withOfficialForm = new Set(officialForms.map((path) => path.replace(/\.official$/, '')));
    const importing = appFiles.filter((path) => !withOfficialForm.has(path) && /from '(kameleoon-ts|@kameleoon\/)/.test(readFileSync(path, 'utf8')));
    expect(importing.map((path) => relative(APPS_DIR, path))).toEqual([]);
    expect(appFiles.length).toBeGreaterThanOrEqual(12);
  });

  it('the comparison finds a changed line that is not an import or an endpoint', () => {
    const official = ["import { KameleoonClient } from '@kameleoon/nodejs-sdk';", 'const client = new KameleoonClient({', "  siteCode: 'a',", '});'];
    const ours = ["import { KameleoonClient } from 'kameleoon-ts';", 'const client = new KameleoonClient({', "  siteCode: 'b',", '});'];
    expect(unexplained(official, ours).problems).toHaveLength(2);
    expect(unexplained(official, [ours[0], ...official.slice(1)]).problems).toEqual([]);
    // A dropped externals block is a change; so is an import of other names, or an extra import.
    const withExternals = [...official.slice(0, 3), '  externals: {', '    requester: new KameleoonRequester(),', '  },', '});'];
    expect(unexplained(withExternals, [ours[0], ...official.slice(1)]).problems).toHaveLength(3);
    expect(unexplained(official, ["import { KameleoonClient, CustomData } from 'kameleoon-ts';", ...official.slice(1)]).problems).toHaveLength(2);
    expect(unexplained(official, [ours[0], "import { KameleoonRequester } from 'kameleoon-ts/node';", ...official.slice(1)]).problems).toHaveLength(1);
  });
});
