/**
 * The README's migration table (its section "Migration table" and the table of "The official public
 * names"): every public name and method of the official JavaScript, Node and React SDKs has a row,
 * and a row that says `same` holds for kameleoon-ts.
 *
 * What the official SDKs have is read at test time from the installed packages: the names of
 * `@kameleoon/javascript-sdk` and `@kameleoon/react-sdk` (their indexes, and `Object.keys` of the
 * modules for the values), the public methods of the JavaScript client and of the core's client, the
 * fields of `SDKParameters`, `configuration`, `externals` and `_internals`, and the methods each React
 * hook returns (their declarations). The Node SDK is not installed here: its own names, parameters
 * and forms are in nodejs-sdk.json, and its other names are the installed core's.
 *
 * A `same` row is checked against the matching entry of kameleoon-ts: the browser build for the
 * JavaScript SDK, the Node build for the Node SDK, `kameleoon-ts/react-sdk` (react/sdk/index.ts) for
 * the React SDK: the name is exported (a value where the official one is a value); the client has the
 * method, with the fields of an object form and room for the arguments of a positional one; the
 * parameters' types have the parameter, option or external; a hook returns the method.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as browser from '../../src/browser.ts';
import * as node from '../../src/node.ts';
import * as react from '../../react/index.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

type Sdk = 'JS' | 'Node' | 'React';
type Status = 'same' | 'different' | 'left out' | 'not yet';
const STATUSES: readonly Status[] = ['same', 'different', 'left out', 'not yet'];

interface NodeSdkData {
  ownNames: { name: string; kind: 'value' | 'type' | 'unknown' }[];
  parameters: string[];
  externals: string[];
  forms: string[];
}
const nodeSdk = JSON.parse(readFileSync(new URL('./nodejs-sdk.json', import.meta.url), 'utf8')) as NodeSdkData;

// ---------------------------------------------------------------------------------------------
// The README's tables.

interface Row {
  table: 'client' | 'node' | 'react' | 'js';
  /** The first cell as written. */
  label: string;
  /** The first code span of the first cell: the name, method form, or `configuration.x`. */
  key: string;
  kind: string;
  /** Client table: the SDKs the row is about. */
  sdks: Set<Sdk>;
  status: Status;
  /** JS table: the "Exported" column (same, new or left out). */
  exported?: string;
  notes: string;
}

function statusOf(cell: string): Status {
  const status = STATUSES.find((s) => cell === s || cell.startsWith(`${s} (`));
  if (!status) throw new Error(`README: "${cell}" is not one of ${STATUSES.join(', ')} (optionally followed by " (why)")`);
  return status;
}

function sdksOf(cell: string): Set<Sdk> {
  const sdks = new Set<Sdk>();
  for (const part of cell.split(',')) {
    const word = part.trim().split(' ')[0];
    if (word === 'JS' || word === 'Node' || word === 'React') sdks.add(word);
    else if (word !== 'core') throw new Error(`README: unknown SDK "${part.trim()}" in "${cell}"`);
  }
  return sdks;
}

const readme = readFileSync(root('README.md'), 'utf8');

function readTables(): Row[] {
  const rows: Row[] = [];
  const block = /<details><summary>([^<]*)<\/summary>([\s\S]*?)<\/details>/g;
  const region = readme.slice(readme.indexOf('### Migration table'), readme.indexOf('## Performance'));
  for (const [, title, body] of region.matchAll(block)) {
    const table = title.startsWith('KameleoonClient') ? 'client' : title.startsWith('@kameleoon/nodejs-sdk') ? 'node' : title.startsWith('@kameleoon/react-sdk') ? 'react' : title.startsWith('@kameleoon/javascript-sdk') ? 'js' : undefined;
    if (!table) throw new Error(`README: a table of the migration region has an unknown title: ${title}`);
    for (const line of body.split('\n').filter((l) => l.startsWith('| `'))) {
      const cells = line.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, '').trim());
      const label = cells[0];
      const key = /`([^`]+)`/.exec(label)![1];
      if (table === 'client') rows.push({ table, label, key, kind: cells[1], sdks: sdksOf(cells[2]), status: statusOf(cells[3]), notes: cells[4] ?? '' });
      else if (table === 'js') rows.push({ table, label, key, kind: cells[1], sdks: new Set(['JS']), exported: cells[2], notes: cells[3], status: statusOf(cells[4]) });
      else rows.push({ table, label, key, kind: cells[1], sdks: new Set([table === 'node' ? 'Node' : 'React']), status: statusOf(cells[2]), notes: cells[3] ?? '' });
    }
  }
  return rows;
}

const rows = readTables();
const byTable = (table: Row['table']) => rows.filter((r) => r.table === table);

/** `getVisitorCode({ cookies })` → `getVisitorCode`; `useData().flush(...)` → `flush`. */
const methodName = (key: string) => /^(?:\w+\(\)\.)?(\w+)(?:\(|$)/.exec(key)?.[1];

// ---------------------------------------------------------------------------------------------
// Declarations, read by the TypeScript checker.

const officialJsIndex = root('node_modules/@kameleoon/javascript-sdk/dist/index.d.ts');
const officialReactIndex = root('node_modules/@kameleoon/react-sdk/dist/index.d.ts');
const officialUseLog = root('node_modules/@kameleoon/react-sdk/dist/interfaces/useLog.d.ts');
const coreIndex = root('node_modules/@kameleoon/javascript-sdk-core/dist/index.d.ts');
const ourBrowser = root('src/browser.ts');
const ourNode = root('src/node.ts');
const ourReactSdk = root('react/sdk/index.ts');
const hasReactSdk = existsSync(ourReactSdk);

const program = ts.createProgram([officialJsIndex, officialReactIndex, officialUseLog, coreIndex, ourBrowser, ourNode, ...(hasReactSdk ? [ourReactSdk] : [])], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.ReactJSX,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
});
const checker = program.getTypeChecker();

function moduleExports(file: string): Map<string, ts.Symbol> {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`not in the program: ${file}`);
  const module = checker.getSymbolAtLocation(source)!;
  return new Map(checker.getExportsOfModule(module).map((symbol) => [symbol.name, symbol]));
}
const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
const isValue = (symbol: ts.Symbol) => (resolve(symbol).flags & ts.SymbolFlags.Value) !== 0;

/** Public members of a type (private and protected ones left out). */
function publicProps(type: ts.Type): string[] {
  return checker
    .getPropertiesOfType(type)
    .filter((p) => !(p.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)))
    .map((p) => p.name);
}
const declaredType = (symbol: ts.Symbol) => checker.getDeclaredTypeOfSymbol(resolve(symbol));
function propType(type: ts.Type, name: string): ts.Type | undefined {
  const prop = type.getProperty(name);
  return prop && checker.getNonNullableType(checker.getTypeOfSymbol(prop));
}
/** Property names of a type, and of each object of a union. */
function propsOf(type: ts.Type | undefined): Set<string> {
  if (!type) return new Set();
  const parts = type.isUnion() ? type.types : [type];
  return new Set(parts.flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name)));
}

const officialJs = moduleExports(officialJsIndex);
const officialReact = moduleExports(officialReactIndex);
const core = moduleExports(coreIndex);
const ours: Record<Sdk, Map<string, ts.Symbol> | undefined> = { JS: moduleExports(ourBrowser), Node: moduleExports(ourNode), React: hasReactSdk ? moduleExports(ourReactSdk) : undefined };

/** The official client's public methods (JS: the installed client; Node: the core's client it extends). */
const officialJsMethods = publicProps(declaredType(officialJs.get('KameleoonClient')!));
const officialCoreMethods = publicProps(declaredType(core.get('KameleoonCore')!));
const officialParams = declaredType(officialJs.get('SDKParameters')!);
const officialReactParams = declaredType(officialReact.get('SDKParameters')!);

/** React's own names: those its index declares itself (SDKParameters and ExternalsType replace the JavaScript SDK's). */
const reactOwnNames = [...officialReact].filter(([, symbol]) => (resolve(symbol).declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/react-sdk/'))).map(([name]) => name);

/** Methods each official hook returns. */
function officialHookMethods(): Map<string, string[]> {
  const hooks = new Map<string, string[]>();
  for (const [hook, iface] of [['useInitialize', 'IUseInitialize'], ['useFeatureFlag', 'IUseFeatureFlag'], ['useData', 'IUseData'], ['useVisitorCode', 'IUseVisitorCode']] as const) {
    hooks.set(hook, publicProps(declaredType(officialReact.get(iface)!)));
  }
  const useLog = moduleExports(officialUseLog).get('default')!;
  hooks.set('useLog', publicProps(declaredType(useLog)));
  return hooks;
}

// Our side.
const ourClass: Record<Sdk, { prototype: object } | undefined> = { JS: browser.KameleoonClient, Node: node.KameleoonClient, React: browser.KameleoonClient };
const ourParams = (sdk: Sdk) => (ours[sdk]?.get('SDKParameters') ? declaredType(ours[sdk]!.get('SDKParameters')!) : undefined);

function ourMethodSignatures(sdk: Sdk, method: string): readonly ts.Signature[] {
  const entry = ours[sdk === 'React' ? 'JS' : sdk]!;
  const client = declaredType(entry.get('KameleoonClient')!);
  const type = propType(client, method);
  return type ? type.getCallSignatures() : [];
}

/** What is wrong with `same` for a client-table row and one SDK, or undefined. */
function clientRowProblem(row: Row, sdk: Sdk): string | undefined {
  if (row.kind === 'method') {
    const name = methodName(row.key)!;
    const proto = ourClass[sdk]!.prototype as Record<string, unknown>;
    if (typeof proto[name] !== 'function') return `our ${sdk} client has no method ${name}`;
    const args = /\((.*)\)$/.exec(row.key)?.[1] ?? '';
    const fields = /^\{([^}]*)\}$/.exec(args.trim())?.[1];
    const signatures = ourMethodSignatures(sdk, name);
    if (fields !== undefined) {
      const wanted = fields.split(',').map((f) => f.trim().replace(/\?$/, '')).filter(Boolean);
      const taken = new Set(signatures.flatMap((s) => [...propsOf(s.parameters[0] && checker.getNonNullableType(checker.getTypeOfSymbol(s.parameters[0])))]));
      const missing = wanted.filter((f) => !taken.has(f));
      if (missing.length) return `our ${sdk} client's ${name}() takes no object with ${missing.join(', ')}`;
    } else if (args.trim() && !/ form$/.test(args)) {
      const count = args.split(',').length;
      if (!signatures.some((s) => s.parameters.length >= count || s.parameters.some((p) => p.valueDeclaration && ts.isParameter(p.valueDeclaration) && p.valueDeclaration.dotDotDotToken))) return `our ${sdk} client's ${name}() takes fewer than ${count} arguments`;
    }
    return undefined;
  }
  const params = ourParams(sdk);
  if (!params) return `kameleoon-ts has no SDKParameters for ${sdk}`;
  const dotted = /^(configuration|externals|_internals)\.(\w+)/.exec(row.key);
  if (row.kind === 'parameter') return params.getProperty(row.key) ? undefined : `our ${sdk} SDKParameters has no ${row.key}`;
  if (dotted && ['option', 'external', 'internal'].includes(row.kind)) {
    return propsOf(propType(params, dotted[1])).has(dotted[2]) ? undefined : `our ${sdk} SDKParameters has no ${dotted[1]}.${dotted[2]}`;
  }
  if (row.kind === 'entry') {
    const exports = JSON.parse(readFileSync(root('package.json'), 'utf8')).exports as Record<string, unknown>;
    return Object.keys(exports).some((path) => path.endsWith('/full')) ? undefined : 'package.json has no /full export';
  }
  return `unknown kind "${row.kind}" of ${row.label}`;
}

/** The React hook's return type's members, from kameleoon-ts/react-sdk. */
function ourHookMethods(hook: string): Set<string> {
  const symbol = ours.React?.get(hook);
  if (!symbol) return new Set();
  const signature = checker.getTypeOfSymbol(resolve(symbol)).getCallSignatures()[0];
  return signature ? propsOf(signature.getReturnType()) : new Set();
}

// ---------------------------------------------------------------------------------------------

describe('the README has a row for every official name and method', () => {
  it('reads the four tables', () => {
    expect(byTable('js').length).toBe(135);
    expect(byTable('client').length).toBeGreaterThan(50);
    expect(byTable('node').length).toBe(nodeSdk.ownNames.length);
    expect(byTable('react').length).toBeGreaterThan(30);
    for (const row of rows) if (row.status !== 'same') expect(row.notes.length, `${row.label}: a ${row.status} row says why`).toBeGreaterThan(20);
  });

  it('JavaScript SDK: every name of its index, values as values', async () => {
    const names = byTable('js');
    expect(names.map((r) => r.key).sort()).toEqual([...officialJs.keys()].sort());
    for (const row of names) expect(`${row.key}: ${row.kind}`).toBe(`${row.key}: ${isValue(officialJs.get(row.key)!) ? 'value' : 'type'}`);
    const values = Object.keys(await import('@kameleoon/javascript-sdk')).filter((k) => k !== 'default' && k !== '__esModule');
    expect(values.length).toBe(48);
    for (const value of values) expect(names.find((r) => r.key === value)?.kind, value).toBe('value');
  });

  it('JavaScript SDK: every public method of its client, every parameter, option, external and internal', () => {
    expect(officialJsMethods.length).toBe(25);
    const client = byTable('client');
    const has = (pred: (r: Row) => boolean) => client.some(pred);
    for (const method of officialJsMethods) expect(has((r) => r.kind === 'method' && methodName(r.key) === method && r.sdks.has('JS')), `method ${method}`).toBe(true);
    const params = publicProps(officialParams);
    expect(params).toEqual(['siteCode', 'configuration', 'externals', '_internals', 'stubMode']);
    for (const p of params) expect(has((r) => r.kind === 'parameter' && r.key === p && r.sdks.has('JS')), `parameter ${p}`).toBe(true);
    for (const [field, kind] of [['configuration', 'option'], ['externals', 'external'], ['_internals', 'internal']] as const) {
      const members = [...propsOf(propType(officialParams, field))];
      expect(members.length, field).toBeGreaterThan(2);
      for (const m of members) expect(has((r) => r.kind === kind && r.key === `${field}.${m}` && r.sdks.has('JS')), `${field}.${m}`).toBe(true);
    }
  });

  it('Node SDK: its own names, the core names (JavaScript table), parameters, externals, the core client methods and its forms', () => {
    expect(byTable('node').map((r) => r.key).sort()).toEqual(nodeSdk.ownNames.map((n) => n.name).sort());
    for (const row of byTable('node')) expect(`${row.key}: ${row.kind}`).toBe(`${row.key}: ${nodeSdk.ownNames.find((n) => n.name === row.key)!.kind}`);
    const jsNames = new Set(byTable('js').map((r) => r.key));
    expect(core.size).toBe(128);
    for (const name of core.keys()) expect(jsNames.has(name), `core name ${name} has a row in the JavaScript table`).toBe(true);
    const client = byTable('client');
    for (const p of nodeSdk.parameters) expect(client.some((r) => r.kind === 'parameter' && r.key === p && r.sdks.has('Node')), `Node parameter ${p}`).toBe(true);
    for (const e of nodeSdk.externals) expect(client.some((r) => r.kind === 'external' && r.key.startsWith(`externals.${e}`) && r.sdks.has('Node')), `Node externals.${e}`).toBe(true);
    for (const method of officialCoreMethods) expect(client.some((r) => r.kind === 'method' && methodName(r.key) === method && r.sdks.has('Node')), `Node method ${method}`).toBe(true);
    for (const form of nodeSdk.forms) expect(client.some((r) => r.key === form && r.sdks.has('Node')), `Node form ${form}`).toBe(true);
  });

  it("React SDK: its own names, every value it exports, its parameters and externals, each hook's methods", async () => {
    expect(reactOwnNames.length).toBe(18);
    const reactRows = byTable('react');
    for (const name of reactOwnNames) expect(reactRows.find((r) => r.key === name)?.kind, name).toBe(isValue(officialReact.get(name)!) ? 'value' : 'type');
    const jsNames = new Set(byTable('js').map((r) => r.key));
    for (const name of officialReact.keys()) expect(jsNames.has(name) || reactOwnNames.includes(name), name).toBe(true);
    const values = Object.keys(await import('@kameleoon/react-sdk')).filter((k) => k !== 'default' && k !== '__esModule');
    expect(values.length).toBe(58);
    for (const value of values) expect(reactRows.some((r) => r.key === value && r.kind === 'value') || byTable('js').some((r) => r.key === value && r.kind === 'value'), value).toBe(true);
    const client = byTable('client');
    for (const p of publicProps(officialReactParams)) expect(client.some((r) => r.kind === 'parameter' && r.key === p && r.sdks.has('React')), `React parameter ${p}`).toBe(true);
    for (const e of propsOf(propType(officialReactParams, 'externals'))) expect(client.some((r) => r.kind === 'external' && r.key === `externals.${e}` && r.sdks.has('React')), `React externals.${e}`).toBe(true);
    const hooks = officialHookMethods();
    expect([...hooks.values()].flat().length).toBe(25);
    for (const [hook, methods] of hooks) {
      for (const method of methods) expect(reactRows.some((r) => r.kind === 'hook method' && r.key.startsWith(`${hook}().${method}(`)), `${hook}().${method}`).toBe(true);
    }
  });
});

describe('a row that says same holds for kameleoon-ts', () => {
  it('JavaScript table: exported by the browser build (values as values), and by the Node build for the core names', () => {
    for (const row of byTable('js')) {
      expect(row.exported === 'left out', `${row.key}: "left out" in both columns or in neither`).toBe(row.status === 'left out');
      if (row.status === 'left out' || row.status === 'not yet') continue;
      const sdks: Sdk[] = core.has(row.key) && !byTable('node').some((r) => r.key === row.key) ? ['JS', 'Node'] : ['JS'];
      for (const sdk of sdks) {
        const symbol = ours[sdk]!.get(row.key);
        expect(symbol, `${row.key} is exported by the ${sdk === 'JS' ? 'browser' : 'Node'} build`).toBeDefined();
        if (row.kind === 'value') expect(isValue(symbol!), `${row.key} is a value`).toBe(true);
      }
    }
  });

  it('Node table: exported by the Node build', () => {
    for (const row of byTable('node').filter((r) => r.status === 'same')) {
      const symbol = ours.Node!.get(row.key);
      expect(symbol, `${row.key} is exported by the Node build`).toBeDefined();
      if (row.kind === 'value') expect(isValue(symbol!), `${row.key} is a value`).toBe(true);
    }
  });

  it('client table: our clients have the method (with the fields of its object form), the parameter, option or external', () => {
    const problems: string[] = [];
    for (const row of byTable('client').filter((r) => r.status === 'same')) {
      for (const sdk of row.sdks) {
        if (sdk === 'React' && !hasReactSdk) {
          problems.push(`${row.label} (React): kameleoon-ts/react-sdk (react/sdk/index.ts) does not exist`);
          continue;
        }
        const problem = clientRowProblem(row, sdk);
        if (problem) problems.push(`${row.label}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('React table: exported by kameleoon-ts/react-sdk, each hook returning its methods; it and kameleoon-ts/react re-export the browser build', () => {
    const same = byTable('react').filter((r) => r.status === 'same');
    if (same.length) expect(hasReactSdk, 'kameleoon-ts/react-sdk (react/sdk/index.ts) exists').toBe(true);
    const problems: string[] = [];
    for (const row of same) {
      if (row.kind === 'hook method') {
        const hook = /^(\w+)\(\)/.exec(row.key)![1];
        if (!ourHookMethods(hook).has(methodName(row.key)!)) problems.push(`${hook}() of kameleoon-ts/react-sdk returns no ${methodName(row.key)}`);
        continue;
      }
      const symbol = ours.React!.get(row.key);
      if (!symbol) problems.push(`kameleoon-ts/react-sdk does not export ${row.key}`);
      else if (row.kind === 'value' && !isValue(symbol)) problems.push(`${row.key} of kameleoon-ts/react-sdk is not a value`);
    }
    const reactOwn = new Set(byTable('react').map((r) => r.key));
    for (const row of byTable('js').filter((r) => r.status === 'same' || r.status === 'different')) {
      if (!reactOwn.has(row.key) && !ours.React?.has(row.key)) problems.push(`kameleoon-ts/react-sdk does not re-export ${row.key}`);
      if (!(row.key in react) && row.kind === 'value') problems.push(`kameleoon-ts/react does not re-export ${row.key}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('counts', () => {
  function counts(): Record<Sdk, Record<Status, number>> {
    const zero = () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    const result: Record<Sdk, Record<Status, number>> = { JS: zero(), Node: zero(), React: zero() };
    const nodeOwn = new Set(byTable('node').map((r) => r.key));
    const reactOwn = new Set(byTable('react').map((r) => r.key));
    for (const row of rows) {
      if (row.table === 'client') for (const sdk of row.sdks) result[sdk][row.status]++;
      if (row.table === 'node') result.Node[row.status]++;
      if (row.table === 'react') result.React[row.status]++;
      if (row.table === 'js') {
        result.JS[row.status]++;
        if (core.has(row.key) && !nodeOwn.has(row.key)) result.Node[row.status]++;
        if (!reactOwn.has(row.key)) result.React[row.status]++;
      }
    }
    return result;
  }

  it('are printed, and are the README\'s', () => {
    const computed = counts();
    const lines = (['JS', 'Node', 'React'] as const).map((sdk) => `${sdk}: ${STATUSES.map((s) => `${computed[sdk][s]} ${s}`).join(', ')}`);
    console.log(`Migration table\n  ${lines.join('\n  ')}`);
    // A planned method that has arrived: the row should say so (a warning, so that the change and its row can land apart).
    for (const row of byTable('client').filter((r) => r.status === 'not yet' && r.kind === 'method' && r.label === `\`${r.key}\``)) {
      const name = methodName(row.key)!;
      if (typeof (browser.KameleoonClient.prototype as unknown as Record<string, unknown>)[name] === 'function' || typeof (node.KameleoonClient.prototype as unknown as Record<string, unknown>)[name] === 'function') {
        console.warn(`README migration table: ${row.label} says not yet, but our client has ${name}(): update the row.`);
      }
    }
    const names: Record<Sdk, string> = { JS: 'JavaScript', Node: 'Node', React: 'React' };
    for (const sdk of ['JS', 'Node', 'React'] as const) {
      const line = readme.split('\n').find((l) => l.startsWith(`| ${names[sdk]} |`));
      expect(line, `README: the counts line of ${names[sdk]}`).toBeDefined();
      expect(line).toBe(`| ${names[sdk]} | ${STATUSES.map((s) => computed[sdk][s]).join(' | ')} |`);
    }
  });
});
