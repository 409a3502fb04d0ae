/**
 * Issue 15, "Proof": the package works the way users get it. Once per run: `npm run build`,
 * `npm pack`, and consumer projects in the temporary directory with the tarball unpacked as
 * `node_modules/kameleoon-ts` (harness.ts; dependencies are symlinked from this repository's
 * node_modules, since tests may not reach the registry). Then:
 *
 * - each consumer project (ES modules nodenext, bundler + React TSX, CommonJS nodenext, node10 +
 *   React TSX; strict, skipLibCheck false so the package's declarations are checked too) compiles
 *   the official SDK's documented forms (consumers/) with no diagnostic, and its `*.fail.ts(x)`
 *   file gives exactly the errors its `expect TSxxxx` comments name;
 * - every ```ts/```tsx block of README.md compiles (readme.ts says where);
 * - every entry, imported and required by Node.js (also with `--conditions=browser`), exports at
 *   run time exactly the values its declarations declare for that resolution (exports.ts);
 * - a client built from `defaultDataFile` answers without the network, compiled as ES module and
 *   as CommonJS;
 * - attw and publint accept the tarball;
 * - API Extractor's reports of the entries equal test/package/api/*.api.md (regenerate them
 *   with `npx tsx test/package/updateApi.ts`), and carry no documentation problem: no public
 *   member without TSDoc, no internal type reachable from a public signature, no link that does
 *   not resolve, no malformed TSDoc.
 */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ENTRIES, apiReports, prepareApiFolder, type ApiEntry, type ApiReportResult } from './apiReport.ts';
import { declaredExports, ENTRIES, type DeclaredExports, type ExportQuery } from './exports.ts';
import {
  buildAndPack,
  createProject,
  describeRun,
  formatDiagnostic,
  HERE,
  limiter,
  REPO,
  run,
  typeCheck,
  type Diagnostic,
  type Packed,
  type RunResult,
} from './harness.ts';
import { readmeBlocks, readmeLocation, readReadme, writeBlocks, type ReadmeBlock, type ReadmeProject } from './readme.ts';

type ProjectName = 'esm' | 'bundler-react' | 'cjs' | 'node10-react';

/** A run-time probe of every entry and the declarations it must agree with. */
interface RuntimeCheck {
  label: string;
  probe: 'exports.mjs' | 'exports.cjs';
  /** `node --conditions=...` */
  conditions: string[];
  /** How the project's TypeScript resolves the same entries. */
  types: ExportQuery;
  /** The build "." must resolve to, in types and at run time. */
  dot: 'node' | 'browser' | 'edge';
}

const PROJECTS: Record<ProjectName, { shared: string[]; failFile: string; runtime: RuntimeCheck[] }> = {
  esm: {
    shared: ['node-common'],
    failFile: 'src/checks.fail.ts',
    runtime: [
      { label: 'import', probe: 'exports.mjs', conditions: [], types: { mode: 'import', conditions: [] }, dot: 'node' },
      { label: 'import, --conditions=browser', probe: 'exports.mjs', conditions: ['browser'], types: { mode: 'import', conditions: ['browser'] }, dot: 'browser' },
      // Edge runtimes' conditions (Workers, Vercel Edge, Deno) resolve the edge build, before node or browser.
      { label: 'import, --conditions=workerd', probe: 'exports.mjs', conditions: ['workerd'], types: { mode: 'import', conditions: ['workerd'] }, dot: 'edge' },
      { label: 'import, --conditions=edge-light', probe: 'exports.mjs', conditions: ['edge-light'], types: { mode: 'import', conditions: ['edge-light'] }, dot: 'edge' },
      { label: 'import, --conditions=deno', probe: 'exports.mjs', conditions: ['deno'], types: { mode: 'import', conditions: ['deno'] }, dot: 'edge' },
    ],
  },
  'bundler-react': {
    shared: ['react-common'],
    failFile: 'src/checks.fail.tsx',
    // Bundlers building for browsers take the `browser` condition; TypeScript's bundler
    // resolution takes `default`, which must be the same build.
    runtime: [{ label: 'import, --conditions=browser', probe: 'exports.mjs', conditions: ['browser'], types: { mode: 'import', conditions: [] }, dot: 'browser' }],
  },
  cjs: {
    shared: ['node-common'],
    failFile: 'src/checks.fail.ts',
    runtime: [
      { label: 'require', probe: 'exports.cjs', conditions: [], types: { mode: 'require', conditions: [] }, dot: 'node' },
      { label: 'require, --conditions=browser', probe: 'exports.cjs', conditions: ['browser'], types: { mode: 'require', conditions: ['browser'] }, dot: 'browser' },
      { label: 'import', probe: 'exports.mjs', conditions: [], types: { mode: 'import', conditions: [] }, dot: 'node' },
    ],
  },
  // node10 ignores "exports": typesVersions (and "types" for ".") must match what Node.js requires.
  'node10-react': {
    shared: ['react-common'],
    failFile: 'src/checks.fail.tsx',
    runtime: [{ label: 'require', probe: 'exports.cjs', conditions: [], types: { mode: 'require', conditions: [] }, dot: 'node' }],
  },
};
const NAMES = Object.keys(PROJECTS) as ProjectName[];

/** A comment `expect TS2554: why` (a line comment, or a block comment in JSX) names the error of the next line. */
function expectedErrors(source: string): string[] {
  const expected: string[] = [];
  source.split('\n').forEach((line, i) => {
    const match = /(?:\/\/|\/\*)\s*expect (TS\d+)\b/.exec(line);
    if (match) expected.push(`line ${i + 2}: ${match[1]}`);
  });
  return expected;
}

const started = performance.now();
const timings: string[] = [];
const time = <T>(label: string, promise: Promise<T & { ms: number }>): Promise<T & { ms: number }> =>
  promise.then((value) => {
    timings.push(`${label} ${(value.ms / 1000).toFixed(1)} s`);
    return value;
  });

let packed: Packed | undefined;
const projects = {} as Record<ProjectName | 'nextjs', string>;
let blocks: ReadmeBlock[] = [];
const checks = new Map<ProjectName | 'nextjs', Promise<{ result: RunResult; diagnostics: Diagnostic[] }>>();
let attw: Promise<RunResult>;
let publint: Promise<RunResult>;

beforeAll(async () => {
  packed = await buildAndPack();
  timings.push(`npm run build ${(packed.buildMs / 1000).toFixed(1)} s`, `npm pack ${(packed.packMs / 1000).toFixed(1)} s`);
  const p = packed;
  await Promise.all(
    NAMES.map(async (name) => {
      projects[name] = await createProject(p, name, PROJECTS[name].shared);
      for (const probe of readdirSync(join(HERE, 'consumers/probes'))) cpSync(join(HERE, 'consumers/probes', probe), join(projects[name], probe));
    }),
  );
  projects.nextjs = await createProject(p, 'nextjs');
  blocks = readmeBlocks(readReadme(REPO));
  writeBlocks(blocks, projects);
  // Two tools at a time on 2 cores; they run while the tests below do their own work.
  const slot = limiter(2);
  attw = time('attw', slot(() => run(join(REPO, 'node_modules/.bin/attw'), [p.tarball])));
  publint = time('publint', slot(() => run(join(REPO, 'node_modules/.bin/publint'), ['--strict', p.tarball])));
  const toCheck: (ProjectName | 'nextjs')[] = [...NAMES];
  if (blocks.some((b) => b.project === 'nextjs' && !b.partial)) toCheck.push('nextjs');
  for (const name of toCheck) {
    const check = slot(() => typeCheck(projects[name])).then((done) => {
      timings.push(`tsc ${name} ${(done.result.ms / 1000).toFixed(1)} s`);
      return done;
    });
    checks.set(name, check);
  }
}, 240_000);

afterAll(() => {
  console.log(`[package] ${timings.join(', ')}; total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  packed?.dispose();
});

describe('the packed tarball', () => {
  it('holds package.json, README.md, LICENSE and dist/ only, under package/', async () => {
    const list = await run('tar', ['-tzf', packed!.tarball]);
    expect(list.code, describeRun('tar -t', list)).toBe(0);
    const top = new Set(list.stdout.trim().split('\n').map((path) => path.split('/').slice(0, 2).join('/')));
    expect([...top].sort()).toEqual(['package/LICENSE', 'package/README.md', 'package/dist', 'package/package.json']);
  });

  it('attw (are the types wrong?) finds no problem for node10, node16 (CJS and ESM) and bundlers', async () => {
    const result = await attw;
    expect(result.code, describeRun('attw', result)).toBe(0);
  });

  it('publint --strict finds no problem', async () => {
    const result = await publint;
    expect(result.code, describeRun('publint', result)).toBe(0);
  });

  it('the edge build, and every chunk it imports, uses Web APIs only: no node: module, no Buffer, no process', () => {
    const dist = join(projects.esm, 'node_modules/kameleoon-ts/dist');
    const seen = new Set<string>();
    const problems: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      // Static imports start a line in the build; dynamic ones are import("...") calls.
      for (const match of code.matchAll(/^(?:import|export)\b[^;]*?["']([^"']+)["'];?$|\bimport\(\s*["']([^"']+)["']\s*\)/gm)) {
        const specifier = match[1] ?? match[2];
        if (specifier.startsWith('./')) visit(specifier.slice(2));
        else if (specifier.startsWith('node:') || !['zustand', 'zustand/vanilla', 'eventsource-parser', 'js-cookie', 'idb-keyval'].includes(specifier)) problems.push(`${file} imports ${specifier}`);
      }
      for (const global of code.matchAll(/\b(Buffer|process|require|__dirname|setImmediate)\b(?=\s*[.(])/g)) problems.push(`${file} uses ${global[1]}`);
    };
    visit('edge.js');
    expect(seen.size).toBeGreaterThan(1);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

describe('run-time exports equal the declared value exports', () => {
  const declared = new Map<ProjectName, DeclaredExports[][]>();
  const cases = NAMES.flatMap((project) => PROJECTS[project].runtime.map((check, index) => ({ project, check, index, label: check.label })));

  it.each(cases)('$project: $label', async ({ project, check, index }) => {
    if (!declared.has(project)) declared.set(project, declaredExports(projects[project], PROJECTS[project].runtime.map((c) => c.types)));
    const types = declared.get(project)![index];
    const args = [...check.conditions.map((c) => `--conditions=${c}`), check.probe, ...ENTRIES];
    const result = await run(process.execPath, args, { cwd: projects[project], timeoutMs: 30_000 });
    expect(result.code, describeRun(`node ${args.join(' ')}`, result)).toBe(0);
    const runtime = JSON.parse(result.stdout) as Record<string, string[]> & Record<`${string}#depth`, number>;
    const problems: string[] = [];
    ENTRIES.forEach((entry, i) => {
      const { file, values } = types[i];
      // import resolves the ES-module declarations, require (and node10) the CommonJS tree.
      const tree = check.types.mode === 'import' ? 'node_modules/kameleoon-ts/dist/types/' : 'node_modules/kameleoon-ts/dist/types-cjs/';
      if (!file.startsWith(tree)) problems.push(`${entry}: declarations ${file}, expected under ${tree}`);
      // The /full entries have no edge build: Node.js (which always adds its `node` condition) gives the Node one's.
      const dot = entry === 'kameleoon-ts/full' && check.dot === 'edge' ? 'node' : check.dot;
      if ((entry === 'kameleoon-ts' || entry === 'kameleoon-ts/full') && !file.endsWith(`/src/${dot}.d.ts`)) problems.push(`${entry}: declarations ${file}, expected the ${dot} build's`);
      const onlyRuntime = runtime[entry].filter((name) => !values.includes(name));
      const onlyDeclared = values.filter((name) => !runtime[entry].includes(name));
      if (onlyRuntime.length > 0 || onlyDeclared.length > 0) {
        problems.push(`${entry} (${file}): exported at run time only: [${onlyRuntime.join(', ')}]; declared only: [${onlyDeclared.join(', ')}]`);
      }
    });
    expect(runtime['kameleoon-ts'].includes('KameleoonClientFactory')).toBe(check.dot === 'node');
    expect(runtime['kameleoon-ts/full'].includes('KameleoonClientFactory')).toBe(check.dot !== 'browser');
    expect(runtime['kameleoon-ts'].includes('KameleoonStore')).toBe(check.dot !== 'browser');
    // The /full entries run their own client (a subclass of the standard one that logs), not the
    // standard build's; the standard browser entries run the first stage (a class of its own,
    // which loads the full client), the Node and edge ones a subclass of KameleoonClientBase.
    const firstStage = (e: string) => ['kameleoon-ts/browser', 'kameleoon-ts/react', 'kameleoon-ts/react-sdk'].includes(e) || (e === 'kameleoon-ts' && check.dot === 'browser');
    const withClient = (e: string) => !['kameleoon-ts/devserver', 'kameleoon-ts/openfeature', 'kameleoon-ts/flags-sdk', 'kameleoon-ts/redis'].includes(e);
    const depths = Object.fromEntries(ENTRIES.filter(withClient).map((e) => [e, runtime[`${e}#depth`]]));
    expect(depths).toEqual(Object.fromEntries(Object.keys(depths).map((e) => [e, e.endsWith('/full') ? 3 : firstStage(e) ? 1 : 2])));
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

describe('API reports (test/package/api; regenerate with `npx tsx test/package/updateApi.ts`)', () => {
  let reports: Promise<Map<ApiEntry, ApiReportResult>> | undefined;
  const report = (entry: ApiEntry) => {
    reports ??= (async () => {
      // Unpacked outside any node_modules folder (see apiReports), its dependencies linked.
      const folder = join(packed!.root, 'api-report/kameleoon-ts');
      await prepareApiFolder(packed!, folder);
      const start = performance.now();
      const results = apiReports(folder, join(packed!.root, 'api-report/temp'), false);
      timings.push(`api-extractor ${((performance.now() - start) / 1000).toFixed(1)} s`);
      return new Map(results.map((r) => [r.entry, r]));
    })();
    return reports.then((map) => map.get(entry)!);
  };

  it.each(Object.keys(API_ENTRIES) as ApiEntry[])('%s: the report is unchanged', async (entry) => {
    const result = await report(entry);
    console.log(
      `[api] ${entry}: ${result.forgotten.length} ae-forgotten-export (${result.forgotten.join(', ') || 'none'}); ${result.undocumented.length} undocumented (ae-undocumented)`,
    );
    let diff = '';
    if (result.changed) {
      const git = await run('git', ['diff', '--no-index', '--no-color', '--', result.reportPath, result.tempReportPath]);
      diff = git.stdout || git.stderr;
    }
    expect(result.changed, `The API of ${entry} changed; if that is intended, run \`npx tsx test/package/updateApi.ts\` and commit the report.\n${diff}\n${result.problems.join('\n')}`).toBe(false);
    expect(result.problems, result.problems.join('\n')).toEqual([]);
    expect(result.succeeded).toBe(true);
  });

  it.each(Object.keys(API_ENTRIES) as ApiEntry[])(
    '%s: every public member is documented (no ae-undocumented, ae-forgotten-export, ae-unresolved-link or tsdoc- message)',
    async (entry) => {
      const { documentation } = await report(entry);
      expect(documentation, `${documentation.length} documentation problem(s) in the API of ${entry}:\n${documentation.join('\n')}`).toEqual([]);
    },
  );
});

describe('consumer projects type-check (strict, skipLibCheck false)', () => {
  it.each(NAMES)('%s: no diagnostic in the consumer code or the package declarations', async (name) => {
    const { result, diagnostics } = await checks.get(name)!;
    if (result.code !== 0 && diagnostics.length === 0) throw new Error(describeRun('tsc', result));
    const unexpected = diagnostics.filter((d) => d.file !== PROJECTS[name].failFile && !d.file.startsWith('src/readme/'));
    expect(unexpected.map(formatDiagnostic), unexpected.map(formatDiagnostic).join('\n')).toEqual([]);
  });

  it.each(NAMES)('%s: the must-fail file gives exactly the errors its comments expect', async (name) => {
    const { diagnostics } = await checks.get(name)!;
    const failFile = PROJECTS[name].failFile;
    const expected = expectedErrors(readFileSync(join(projects[name], failFile), 'utf8'));
    const found = diagnostics.filter((d) => d.file === failFile);
    // The constructor of the official form takes one argument: passing a platform must not compile.
    expect(expected.some((e) => e.endsWith('TS2554'))).toBe(true);
    expect(
      found.map((d) => `line ${d.line}: ${d.code}`).sort(),
      `${failFile}:\n${found.map(formatDiagnostic).join('\n') || '(no diagnostic)'}`,
    ).toEqual(expected.sort());
  });
});

describe('README.md code blocks', () => {
  it('every ```ts and ```tsx block compiles (a `partial` one is counted, not compiled)', async () => {
    const compiled = blocks.filter((b) => !b.partial);
    const failures: string[] = [];
    for (const project of new Set<ReadmeProject>(compiled.map((b) => b.project))) {
      const { result, diagnostics } = await checks.get(project)!;
      if (result.code !== 0 && diagnostics.length === 0) throw new Error(describeRun(`tsc ${project}`, result));
      for (const d of diagnostics) {
        const block = compiled.find((b) => b.project === project && b.file === d.file);
        if (block) failures.push(readmeLocation(block, d));
        // The Next.js project holds README files only: anything else failing is theirs too.
        else if (project === 'nextjs') failures.push(`nextjs project (README's Next.js files): ${formatDiagnostic(d)}`);
      }
    }
    console.log(`README: ${compiled.length} blocks compiled, ${blocks.length - compiled.length} partial`);
    expect(blocks.length).toBeGreaterThan(0);
    expect(failures, failures.join('\n')).toEqual([]);
  });
});

describe('end to end, compiled by the consumer', () => {
  it.each(['esm', 'cjs'] as const)('%s: a client from defaultDataFile answers getVariation without the network, then close() lets Node exit', async (name) => {
    await checks.get(name); // tsc has emitted dist/
    const result = await run(process.execPath, ['dist/e2e.js', join(HERE, 'consumers/config.json')], { cwd: projects[name], timeoutMs: 20_000 });
    expect(result.code, describeRun('node dist/e2e.js', result)).toBe(0);
    const output = JSON.parse(result.stdout.trim().split('\n').pop()!) as { requests: string[] };
    expect(output).toMatchObject({ visitorCode: 'visitor-1', checkout: 'on', color: 'green', before: 'off', after: 'on', status: 'closed' });
    // Anything fetched would have gone through the recording requester; fetch itself was never called.
    expect(output.requests.filter((r) => r.startsWith('fetch '))).toEqual([]);
  });
});

describe("the standard browser build's messages", () => {
  /** The message of `new CustomData(-1)` in the esm project, under the browser or node condition and a NODE_ENV. */
  async function customDataError(conditions: string[], nodeEnv: string): Promise<string> {
    const script = "import('kameleoon-ts').then((m) => { try { new m.CustomData(-1); } catch (e) { console.log(JSON.stringify([e.constructor.name, e.type, e.message])); } })";
    const result = await run(process.execPath, [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', script], { cwd: projects.esm, env: { ...process.env, NODE_ENV: nodeEnv } });
    expect(result.code, describeRun('node -e', result)).toBe(0);
    const [name, type, message] = JSON.parse(result.stdout.trim()) as string[];
    expect([name, type]).toEqual(['InvalidArgument', 'InvalidArgument']); // typed, whatever the build
    return message!;
  }
  const TEXT = 'CustomData index must be a non-negative integer, got -1.';

  it('production bundles get a code and the values, which `npx kameleoon-ts message` turns back into the text', async () => {
    const coded = await customDataError(['browser'], 'production');
    expect(coded).toMatch(/^kameleoon-ts #[0-9a-z]{6} CustomData \| index \| a non-negative integer \| -1$/);
    const cli = join(projects.esm, 'node_modules/kameleoon-ts/dist/cli.js');
    const explained = await run(process.execPath, [cli, 'message', coded], { cwd: projects.esm });
    expect(explained.code, describeRun('kameleoon-ts message', explained)).toBe(0);
    expect(explained.stdout.trim()).toBe(TEXT);
    const unknown = await run(process.execPath, [cli, 'message', 'kameleoon-ts #zzzzzz 1'], { cwd: projects.esm });
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, 'Unknown message code zzzzzz: it may belong to another version of kameleoon-ts.']);
  });

  it('development builds of the browser build, and the Node build in production, keep the texts', async () => {
    expect(await customDataError(['browser'], 'development')).toBe(TEXT);
    expect(await customDataError([], 'production')).toBe(TEXT);
  });
});
