/**
 * What a consumer's TypeScript says an entry exports as values, for a resolution mode and
 * conditions, to compare with what Node.js gives at run time (probes/exports.mjs, .cjs).
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ENTRIES = [
  'kameleoon-ts',
  'kameleoon-ts/browser',
  'kameleoon-ts/node',
  'kameleoon-ts/edge',
  'kameleoon-ts/react',
  'kameleoon-ts/react-sdk',
  'kameleoon-ts/devserver',
  // Adapters to other flag APIs (no client of their own: they take one).
  'kameleoon-ts/openfeature',
  'kameleoon-ts/flags-sdk',
  'kameleoon-ts/redis',
  // The /full entries (INFO and DEBUG logging): the standard entries' declarations, their own code.
  'kameleoon-ts/full',
  'kameleoon-ts/browser/full',
  'kameleoon-ts/node/full',
  'kameleoon-ts/react/full',
  'kameleoon-ts/react-sdk/full',
] as const;
export type Entry = (typeof ENTRIES)[number];

export interface ExportQuery {
  /** `import` or `require` (ignored by node10, which has no such distinction). */
  mode: 'import' | 'require';
  /** Conditions added to the project's (`customConditions`, as `node --conditions=`). */
  conditions: string[];
}

export interface DeclaredExports {
  /** The declaration file the entry resolves to, relative to the project. */
  file: string;
  /** Names with a value meaning (not type-only), sorted. */
  values: string[];
}

/** Whether an export exists at run time: not type-only anywhere along its alias chain, and a value in the end. */
function isValue(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current = symbol;
  for (let hops = 0; current.flags & ts.SymbolFlags.Alias; hops++) {
    if (hops > 50) throw new Error(`alias chain of ${symbol.name} does not end`);
    for (const declaration of current.declarations ?? []) {
      if (ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)) return false;
      if (ts.isImportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)) return false;
      if (ts.isImportClause(declaration) && declaration.isTypeOnly) return false;
      if (ts.isNamespaceImport(declaration) && declaration.parent.isTypeOnly) return false;
    }
    const next = checker.getImmediateAliasedSymbol(current);
    if (next === undefined) return false;
    current = next;
  }
  return (current.flags & ts.SymbolFlags.Value) !== 0;
}

/**
 * Resolves every entry for each query from `project` (with its tsconfig's options, as its files
 * would), and lists the value exports of the declaration files found, from one program.
 */
export function declaredExports(project: string, queries: ExportQuery[]): DeclaredExports[][] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(project, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${project}/tsconfig.json`);
  const options = parsed.options;
  const containingFile = join(project, 'src/index.ts');
  const resolved = queries.map((query) =>
    ENTRIES.map((entry) => {
      const mode = options.moduleResolution === ts.ModuleResolutionKind.Node10 ? undefined : query.mode === 'import' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
      const withConditions = query.conditions.length > 0 ? { ...options, customConditions: [...(options.customConditions ?? []), ...query.conditions] } : options;
      const { resolvedModule } = ts.resolveModuleName(entry, containingFile, withConditions, ts.sys, undefined, undefined, mode);
      if (!resolvedModule) throw new Error(`${entry} does not resolve from ${project} (${query.mode}, conditions ${query.conditions.join() || 'none'})`);
      return resolvedModule.resolvedFileName;
    }),
  );
  // Only the package's declarations and their imports are needed: no libraries, no global types.
  const program = ts.createProgram({ rootNames: [...new Set(resolved.flat())], options: { ...options, noLib: true, types: [], noEmit: true } });
  const checker = program.getTypeChecker();
  const memo = new Map<string, string[]>();
  const valuesOf = (file: string): string[] => {
    if (!memo.has(file)) {
      const source = program.getSourceFile(file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      if (!moduleSymbol) throw new Error(`${file} is not a module`);
      memo.set(file, checker.getExportsOfModule(moduleSymbol).filter((s) => isValue(checker, s)).map((s) => s.name).sort());
    }
    return memo.get(file)!;
  };
  return resolved.map((files) => files.map((file) => ({ file: relative(project, file), values: valuesOf(file) })));
}
