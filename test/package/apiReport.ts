/**
 * API reports of the public entries, made by API Extractor from the ES-module declarations of the
 * packed package, compared with (or, from updateApi.ts, written to) test/package/api/<entry>.api.md.
 */
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from '@microsoft/api-extractor';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE, linkDependencies, unpack, type Packed } from './harness.ts';

/** Each public entry and its ES-module declarations in the package. */
export const API_ENTRIES = {
  browser: 'dist/types/src/browser.d.ts',
  node: 'dist/types/src/node.d.ts',
  edge: 'dist/types/src/edge.d.ts',
  react: 'dist/types/react/index.d.ts',
  'react-sdk': 'dist/types/react/sdk/index.d.ts',
  devserver: 'dist/types/src/devserver/index.d.ts',
  openfeature: 'dist/types/src/openfeature/index.d.ts',
  'flags-sdk': 'dist/types/src/flagsSdk/index.d.ts',
  redis: 'dist/types/src/redis.d.ts',
} as const;
export type ApiEntry = keyof typeof API_ENTRIES;

export const API_FOLDER = join(HERE, 'api');

export interface ApiReportResult {
  entry: ApiEntry;
  /** The committed report. */
  reportPath: string;
  /** The report made now (equal to reportPath's content unless the API changed). */
  tempReportPath: string;
  /** False when the report differs (compare mode) or when API Extractor reported an error or warning. */
  succeeded: boolean;
  changed: boolean;
  /** Errors and warnings, as API Extractor printed them. */
  problems: string[];
  /** ae-undocumented: public members without a doc comment. */
  undocumented: string[];
  /** Names in ae-forgotten-export lines of the report: internal types reachable from public signatures. */
  forgotten: string[];
  /**
   * Every documentation problem, one line each: the ae-undocumented messages, and the report's
   * ae-forgotten-export, ae-unresolved-link and tsdoc-* warnings (with the declaration they are on).
   * package.test.ts requires none, so the public surface stays documented.
   */
  documentation: string[];
  ms: number;
}

/** API Extractor's configuration of one entry of the package in `packageFolder`. */
function configOf(packageFolder: string, entry: ApiEntry, tempFolder: string): ExtractorConfig {
  const configPath = join(HERE, 'api-extractor.json');
  const configObject = ExtractorConfig.loadFile(configPath);
  configObject.projectFolder = packageFolder;
  configObject.mainEntryPointFilePath = join(packageFolder, API_ENTRIES[entry]);
  configObject.apiReport = { ...configObject.apiReport!, enabled: true, reportFolder: API_FOLDER, reportTempFolder: tempFolder, reportFileName: entry };
  // Given inline, so no tsconfig file is needed: a Node.js project with DOM types too (the browser
  // entry's declarations use DOM types, the Node and dev server ones Node's). The declarations are
  // not type-checked here (skipLibCheck: every file is a .d.ts): the consumer projects of
  // package.test.ts do that, with skipLibCheck false.
  configObject.compiler = {
    overrideTsconfig: {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        strict: true,
        skipLibCheck: true,
        jsx: 'react-jsx',
        // The adapters' declarations import the package's main entry by name. Resolved as the
        // package's own files (TypeScript's self-name resolution), its types would be reported as
        // the adapters' API; resolved as users resolve it, from node_modules (a copy there, see
        // prepareApiFolder), they are an external package's, reported with the main entries.
        paths: { 'kameleoon-ts': [join(packageFolder, 'node_modules/kameleoon-ts/dist/types/src/node.d.ts')] },
      },
      files: Object.values(API_ENTRIES).map((file) => join(packageFolder, file)),
    },
  };
  return ExtractorConfig.prepare({ configObject, configObjectFullPath: configPath, packageJsonFullPath: join(packageFolder, 'package.json') });
}

/**
 * The package unpacked in `folder` for {@link apiReports}: outside any node_modules folder, its
 * dependencies linked into its own node_modules, and a copy of itself there as
 * `node_modules/kameleoon-ts` (what the adapters' imports of the main entry resolve to).
 */
export async function prepareApiFolder(packed: Packed, folder: string): Promise<void> {
  await unpack(packed, folder);
  linkDependencies(join(folder, 'node_modules'));
  await unpack(packed, join(folder, 'node_modules/kameleoon-ts'));
}

/**
 * Runs API Extractor on every public entry of the package unpacked in `packageFolder` (outside
 * any node_modules folder: API Extractor takes what TypeScript resolves inside one for an external
 * package, and would print `export * from "./index.js"` instead of following it; its
 * dependencies' types are linked into its own node_modules). One TypeScript program serves the
 * entries. `update` writes the committed reports (API Extractor's local mode); otherwise a
 * report that differs from the committed one fails.
 */
export function apiReports(packageFolder: string, tempFolder: string, update: boolean): ApiReportResult[] {
  mkdirSync(API_FOLDER, { recursive: true });
  mkdirSync(tempFolder, { recursive: true });
  const entries = Object.keys(API_ENTRIES) as ApiEntry[];
  const configs = entries.map((entry) => configOf(packageFolder, entry, tempFolder));
  const compilerState = CompilerState.create(configs[0]);
  return entries.map((entry, i) => {
    const start = performance.now();
    const problems: string[] = [];
    const undocumented: string[] = [];
    const result = Extractor.invoke(configs[i], {
      localBuild: update,
      compilerState,
      messageCallback(message: ExtractorMessage) {
        if (message.messageId === 'ae-undocumented') undocumented.push(message.formatMessageWithLocation(packageFolder));
        else if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) problems.push(message.formatMessageWithLocation(packageFolder));
        // API Extractor prints nothing itself: the caller prints the problems.
        message.handled = true;
      },
    });
    const tempReportPath = join(tempFolder, `${entry}.api.md`);
    const report = existsSync(tempReportPath) ? readFileSync(tempReportPath, 'utf8') : '';
    const forgotten = [...report.matchAll(/\(ae-forgotten-export\) The symbol "([^"]+)"/g)].map((m) => m[1]);
    return {
      entry,
      reportPath: join(API_FOLDER, `${entry}.api.md`),
      tempReportPath,
      succeeded: result.succeeded,
      changed: result.apiReportChanged,
      problems,
      undocumented,
      forgotten: [...new Set(forgotten)].sort(),
      documentation: [...undocumented, ...documentationWarnings(report)],
      ms: performance.now() - start,
    };
  });
}

/** The report's warnings about documentation, as `documentation` of {@link ApiReportResult} describes. */
const DOCUMENTATION_WARNING = /\((?:ae-undocumented|ae-forgotten-export|ae-unresolved-link|tsdoc-[a-z-]+)\)/;

/**
 * The lines of a report that carry a documentation warning. API Extractor writes a declaration's
 * warnings as comments just above it, without its name: the declaration's first line is appended.
 * Those of the closing "Warnings were encountered" list carry their file and line already.
 */
export function documentationWarnings(report: string): string[] {
  const lines = report.split('\n');
  const found: string[] = [];
  lines.forEach((line, i) => {
    if (!DOCUMENTATION_WARNING.test(line)) return;
    const warning = line.trim().replace(/^\/\/\s*(Warning:\s*)?/, '');
    if (!/^\s*\/\/\s*Warning:/.test(line)) return void found.push(warning);
    const declaration = lines.slice(i + 1).find((next) => next.trim() !== '' && !next.trim().startsWith('//'));
    found.push(`${warning} [on: ${declaration?.trim() ?? '?'}]`);
  });
  return found;
}
