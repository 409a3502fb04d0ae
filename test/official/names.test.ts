/**
 * The official SDK's public names (`@kameleoon/javascript-sdk` 4.17.1, its `dist/index.d.ts`): each
 * is exported by our entries under the same name, or listed as left out in the README's table of official names (with the
 * reason); values are values (so `Environment.Staging` still runs); values of the official types
 * are accepted where our API takes them (checked by tsc: `npm test` type-checks test/, see
 * typeChecks); our values hold the official members; KameleoonUtils works with our client.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type * as Official from '@kameleoon/javascript-sdk';
import * as official from '@kameleoon/javascript-sdk';
import * as ours from '../../src/node.ts';
import { basicConfig, notModifiedRequester } from '../client/helpers.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** `[name, isValue]` of each export of a module, read by the TypeScript checker. */
function exportsOf(program: ts.Program, file: string): Map<string, boolean> {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return new Map(
    checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return [symbol.name, (target.flags & ts.SymbolFlags.Value) !== 0] as const;
    }),
  );
}

/** The rows of the README's table of official names: official name, kind, and ours (`same`, `new` or `left out`). */
function tableRows(): { name: string; kind: string; ours: string; notes: string }[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### The official public names'), readme.indexOf('## Performance'));
  const rows = section
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  return rows.map(([name, kind, ours, notes]) => ({ name: name.replace(/`/g, ''), kind, ours, notes }));
}

describe('every official public name is exported, or listed as left out with a reason', () => {
  const officialIndex = root('node_modules/@kameleoon/javascript-sdk/dist/index.d.ts');
  const entries = [root('src/node.ts'), root('src/browser.ts')];
  const program = ts.createProgram([officialIndex, ...entries], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const officialNames = exportsOf(program, officialIndex);
  const rows = tableRows();

  it('reads the official index (135 names) and the table', () => {
    expect(officialNames.size).toBe(135);
    expect(officialNames.get('Environment')).toBe(true);
    expect(officialNames.get('GetVariationParamsType')).toBe(false);
    expect(rows.map((r) => r.name).sort()).toEqual([...officialNames.keys()].sort());
  });

  it('says for each whether it is a value or a type, as the official index has it', () => {
    for (const row of rows) expect(`${row.name}: ${row.kind}`).toBe(`${row.name}: ${officialNames.get(row.name) ? 'value' : 'type'}`);
  });

  it('gives a reason for each name left out', () => {
    for (const row of rows) {
      expect(['same', 'new', 'left out'], row.name).toContain(row.ours);
      if (row.ours === 'left out') expect(row.notes.length, `${row.name} needs a reason`).toBeGreaterThan(20);
    }
  });

  it.each(entries.map((entry) => [entry.replace(/.*\/src\//, 'src/'), entry]))('%s exports the others under the same name, values as values', (_name, entry) => {
    const exported = exportsOf(program, entry);
    for (const row of rows) {
      const officialIsValue = officialNames.get(row.name)!;
      if (row.ours === 'left out') {
        // A name left out may only be taken by one of our types (TrackingStatus), never by a value an official caller would run.
        if (officialIsValue) expect(exported.get(row.name), `${row.name} is listed as left out`).not.toBe(true);
        else expect(exported.has(row.name), `${row.name} is listed as left out`).toBe(false);
        continue;
      }
      expect(exported.has(row.name), `${row.name} is listed as exported`).toBe(true);
      if (officialIsValue) expect(exported.get(row.name), `${row.name} must be a value, as the official one`).toBe(true);
    }
  });

  it('marks `same` the names src/index.ts exported before, `new` those of src/official', () => {
    const officialDir = exportsOf(program, root('src/official/index.ts'));
    for (const row of rows) {
      if (row.ours === 'new') expect(officialDir.has(row.name), `${row.name} is new: src/official exports it`).toBe(true);
      if (row.ours === 'same') expect(officialDir.has(row.name), `${row.name} was exported already: src/official must not again`).toBe(false);
    }
  });
});

describe('our values hold the official members, with the same values', () => {
  const enums = ['Environment', 'KameleoonData', 'CustomDataScope', 'Milliseconds', 'Header', 'HttpMethod', 'LogLevel', 'RequestType', 'VariableType', 'EventType', 'BrowserType', 'DeviceType', 'OperatingSystemType', 'KameleoonException'] as const;

  it.each(enums)('%s', (name) => {
    // Numeric TypeScript enums also map values back to names (LogLevel[4] === 'DEBUG'): so do ours.
    const members = Object.entries(official[name] as Record<string, unknown>);
    expect(members.length).toBeGreaterThan(1);
    expect(ours[name]).toMatchObject(Object.fromEntries(members));
  });

  it('constants', () => {
    expect(ours.VISITOR_CODE_LENGTH).toBe(official.VISITOR_CODE_LENGTH);
    expect(ours.VISIT_DURATION).toBe(official.VISIT_DURATION);
  });

  it('VISITOR_CODE_LENGTH is the length of the codes the client generates', () => {
    const client = new ours.KameleoonClient({ siteCode: 'official-names', externals: { logger: { log() {} }, requester: notModifiedRequester } });
    try {
      expect(client.getVisitorCode({ request: { headers: {} } })).toMatch(new RegExp(`^[a-z0-9]{${ours.VISITOR_CODE_LENGTH}}$`));
    } finally {
      void client.close();
    }
  });

  it('KameleoonData names the kind of each of our data classes', () => {
    const items = [new ours.CustomData(0, 'a'), new ours.PageView({ urlAddress: 'https://a.b/', title: 't' }), new ours.Conversion({ goalId: 1 }), new ours.Browser(ours.BrowserType.Chrome), new ours.Device(ours.DeviceType.Phone), new ours.OperatingSystem(ours.OperatingSystemType.Linux), new ours.GeolocationData({ country: 'France' }), new ours.Cookie([]), new ours.UserAgent('ua'), new ours.ApplicationVersion('1.0.0'), new ours.UniqueIdentifier(true)];
    expect(items.map((item) => item.kind)).toEqual([
      ours.KameleoonData.CustomData,
      ours.KameleoonData.PageView,
      ours.KameleoonData.Conversion,
      ours.KameleoonData.Browser,
      ours.KameleoonData.Device,
      ours.KameleoonData.OperatingSystem,
      ours.KameleoonData.GeolocationData,
      ours.KameleoonData.Cookie,
      ours.KameleoonData.UserAgent,
      ours.KameleoonData.ApplicationVersion,
      ours.KameleoonData.UniqueIdentifier,
    ]);
  });
});

describe('KameleoonUtils', () => {
  const { getCookieValue, simulateSuccessRequest } = ours.KameleoonUtils;

  it.each([
    ['kameleoonVisitorCode=abc; other=1', 'kameleoonVisitorCode'],
    ['other=1; kameleoonVisitorCode=abc', 'kameleoonVisitorCode'],
    ['a=; a=2', 'a'],
    ['a=1', 'b'],
    ['', 'a'],
    ['a=1; b=', 'b'],
  ])('getCookieValue(%j, %j) answers as the official helper', (cookie, key) => {
    expect(getCookieValue(cookie, key)).toBe(official.KameleoonUtils.getCookieValue(cookie, key));
  });

  it('getCookieValue keeps a value holding "=" whole and takes pairs without a space (the official helper does neither)', () => {
    expect(getCookieValue('token=YWJj==; x=1', 'token')).toBe('YWJj==');
    expect(official.KameleoonUtils.getCookieValue('token=YWJj==; x=1', 'token')).toBe('YWJj');
    expect(getCookieValue('x=1;token=t', 'token')).toBe('t');
    expect(official.KameleoonUtils.getCookieValue('x=1;token=t', 'token')).toBe(null);
  });

  it('getCookieValue throws InvalidArgument, not TypeError, on a value that is not a string', () => {
    expect(() => getCookieValue(undefined as never, 'a')).toThrow(ours.InvalidArgument);
  });

  it('simulateSuccessRequest answers as the official helper, with the JSON in text() too', async () => {
    const config = basicConfig();
    for (const [type, data, status] of [
      [ours.RequestType.Configuration, config, 200],
      [ours.RequestType.RemoteData, { warehouseAudiences: { '1': true } }, 200],
      [ours.RequestType.Tracking, null, 204],
    ] as const) {
      const [mine, theirs] = await Promise.all([simulateSuccessRequest(type, data as never), official.KameleoonUtils.simulateSuccessRequest(type as never, data as never)]);
      expect({ status: mine.status, ok: mine.ok, json: await mine.json() }).toEqual({ status: theirs.status, ok: theirs.ok, json: await theirs.json() });
      expect(mine.status).toBe(status);
      expect(await mine.text()).toBe(data === null ? '' : JSON.stringify(data));
    }
    expect(() => simulateSuccessRequest('nope' as never, null as never)).toThrow(ours.InvalidArgument);
  });

  it.each([
    ['ours', simulateSuccessRequest],
    // The official helper answers text() with '' and the document through json(), which the official SDK reads.
    ['the official one', official.KameleoonUtils.simulateSuccessRequest as unknown as typeof simulateSuccessRequest],
  ])('a requester answering with simulateSuccessRequest (%s) gives the client its configuration', async (_which, simulateSuccessRequest) => {
    const config = basicConfig();
    const client = new ours.KameleoonClient({
      siteCode: 'official-names',
      externals: {
        logger: { log() {} },
        requester: { sendRequest: ({ requestType }) => (requestType === ours.RequestType.Configuration ? simulateSuccessRequest(requestType, config as never) : simulateSuccessRequest(ours.RequestType.Tracking, null)) },
      },
    });
    try {
      await expect(client.initialize()).resolves.toBe(true);
      expect(client.getFeatureFlags().map((flag) => flag.key)).toContain('ff_50_50');
      expect(client.getVariation({ visitorCode: 'visitor1', featureKey: 'ff_50_50', track: false }).key).toMatch(/^(on|off)$/);
    } finally {
      await client.close();
    }
  });
});

/** A value of each official type, as code written for the official SDK holds them. */
interface OfficialValues {
  /** `externals` below: all but `eventSource`, which differs. */
  sdkParameters: Omit<Official.SDKParameters, 'stubMode' | '_internals' | 'externals'>;
  configuration: Partial<Official.SDKConfigurationType>;
  externals: Omit<Official.ExternalsType, 'eventSource'>;
  requester: Official.IExternalRequester;
  storage: Official.IExternalStorage;
  eventSource: Official.IExternalEventSource;
  visitorCodeManager: Official.IExternalVisitorCodeManager;
  logger: Official.IExternalLogger;
  prng: Official.IExternalPRNG;
  logLevel: Official.LogLevel;
  environment: Official.Environment;
  getVariation: Official.GetVariationParamsType;
  getVariations: Official.GetVariationsParamsType;
  isFeatureFlagActive: Official.IsFeatureFlagActiveParamsType;
  getFeatureFlagVariable: Official.GetFeatureFlagVariableParamsType;
  flush: Official.FlushParamsType;
  /** `metadata` holds CustomData instances: ours, once the import is switched. */
  trackConversion: Omit<Official.TrackConversionParamsType, 'metadata'>;
  remoteVisitorData: Official.RemoteVisitorDataParamsType;
  filters: Official.VisitorDataFiltersType;
  warehouseAudience: Official.GetVisitorWarehouseAudienceParamsType;
  setForcedVariation: Official.SetForcedVariationParametersType;
  cookie: Official.CookieType;
  geolocation: Official.GeolocationInfoType;
  pageView: Official.PageViewParametersType;
  conversion: Omit<Official.ConversionParametersType, 'metadata'>;
  setData: Official.SetDataParametersType;
  setDataCallback: Official.SetDataCallbackParametersType;
  evaluationCallback: Official.EventCallbackType<Official.EventType.Evaluation>;
  updateCallback: Official.EventCallbackType<Official.EventType.ConfigurationUpdate>;
  variation: Official.Variation;
  kameleoonVariation: Official.KameleoonVariationType;
  variationType: Official.VariationType;
  variable: Official.Variable;
  packageInfo: Official.ExternalPackageInfoType;
  customDataConfiguration: Official.CustomDataConfigurationType;
  response: Official.KameleoonResponseType;
  jsonValue: Official.JSONType;
}

/**
 * Never run: tsc checks it. Official-typed values go where our API takes them (under our type of
 * the same name, and into the method); our results have our types of the official names, and
 * assign to the official types themselves where no official enum is in them. Each
 * `@ts-expect-error` is a difference listed in the README's table of official names: once one is removed, tsc says so here.
 */
async function typeChecks(client: ours.KameleoonClient, o: OfficialValues): Promise<void> {
  // Construction and externals.
  const parameters: ours.SDKParameters = o.sdkParameters;
  const configuration: Partial<ours.SDKConfigurationType> = o.configuration;
  const externals: ours.ExternalsType = o.externals;
  const requester: ours.IExternalRequester = o.requester;
  const storage: ours.IExternalStorage = o.storage;
  // An official event source's onEvent takes a MessageEvent; ours takes it or the data string.
  const officialEventSource: ours.IExternalEventSource = o.eventSource;
  const eventSource: ours.IExternalEventSource = { open: ({ onEvent }) => onEvent('{}'), close() {} };
  const visitorCodeManager: ours.IExternalVisitorCodeManager = o.visitorCodeManager;
  const logger: ours.IExternalLogger = o.logger;
  const prng: ours.IExternalPRNG = o.prng;
  new ours.KameleoonClient({ ...o.sdkParameters, configuration: { ...o.configuration, environment: o.environment }, externals: { requester, storage, eventSource, visitorCodeManager, logger }, _internals: { prng, packageInfo: o.packageInfo } });
  new ours.KameleoonClient({ siteCode: 's', stubMode: true });
  const setData: ours.SetDataParametersType = o.setData;
  const setDataCallback: ours.SetDataCallbackParametersType = o.setDataCallback;
  const packageInfo: ours.ExternalPackageInfoType = o.packageInfo;
  const customDataConfiguration: ours.CustomDataConfigurationType = o.customDataConfiguration;
  const response: ours.KameleoonResponseType = o.response;
  const headers: ours.HeadersType = { [ours.Header.SdkType]: 'javascript' };
  const environment: ours.Environment = ours.Environment.Staging;
  // What an official event source receives: ours takes its MessageEvent.
  const forOfficialSource: Official.EventSourceOpenParametersType = {} as ours.EventSourceOpenParametersType;
  client.setLogLevel(o.logLevel);
  void [parameters, configuration, externals, officialEventSource, setData, setDataCallback, packageInfo, customDataConfiguration, response, headers, environment, forOfficialSource];

  // Parameters of the methods.
  const getVariation: ours.GetVariationParamsType = o.getVariation;
  const getVariations: ours.GetVariationsParamsType = o.getVariations;
  const isFeatureFlagActive: ours.IsFeatureFlagActiveParamsType = o.isFeatureFlagActive;
  const getFeatureFlagVariable: ours.GetFeatureFlagVariableParamsType = o.getFeatureFlagVariable;
  const flush: ours.FlushParamsType = o.flush;
  const trackConversion: ours.TrackConversionParamsType = o.trackConversion;
  const remoteVisitorData: ours.RemoteVisitorDataParamsType = o.remoteVisitorData;
  const filters: ours.VisitorDataFiltersType = o.filters;
  const warehouseAudience: ours.GetVisitorWarehouseAudienceParamsType = o.warehouseAudience;
  const setForcedVariation: ours.SetForcedVariationParametersType = o.setForcedVariation;
  client.getVariation(o.getVariation);
  client.getVariations(o.getVariations);
  client.isFeatureFlagActive(o.isFeatureFlagActive);
  client.getFeatureFlagVariable(o.getFeatureFlagVariable);
  client.flush(o.flush);
  await client.getRemoteVisitorData(o.remoteVisitorData);
  await client.getRemoteVisitorData({ visitorCode: 'v', filters: o.filters });
  await client.getVisitorWarehouseAudience(o.warehouseAudience);
  client.setForcedVariation(o.setForcedVariation);
  client.addData('v', new ours.Cookie([o.cookie]), new ours.GeolocationData(o.geolocation), new ours.PageView(o.pageView), new ours.Conversion(o.conversion));
  client.onEvent(ours.EventType.Evaluation, o.evaluationCallback);
  client.onEvent(ours.EventType.ConfigurationUpdate, o.updateCallback);
  const callback: ours.EventCallbackType<typeof ours.EventType.Evaluation> = o.evaluationCallback;
  void [getVariation, getVariations, isFeatureFlagActive, getFeatureFlagVariable, flush, trackConversion, remoteVisitorData, filters, warehouseAudience, setForcedVariation, callback];

  // Results, under our types of the official names. (Under the official types themselves they
  // would not compile where an official enum is in them: 'BOOLEAN' is not VariableType.BOOLEAN.)
  const variation: ours.Variation = client.getVariation(o.getVariation);
  const variationType: ours.VariationType = client.getVariation(o.getVariation);
  const variations: Map<string, ours.VariationType> = client.getVariations(o.getVariations);
  const flags: ours.FeatureFlagType[] = client.getFeatureFlags();
  const visitorFlags: ours.FeatureFlagType[] = client.getVisitorFeatureFlags('v');
  const active: Map<string, ours.KameleoonVariationType> = client.getActiveFeatureFlags('v');
  const variable: ours.FeatureFlagVariableType = client.getFeatureFlagVariable(o.getFeatureFlagVariable);
  const variables: ours.FeatureVariableResultType[] = client.getFeatureFlagVariables('v', 'f');
  const deprecatedVariables: ours.KameleoonVariableType[] = client.getFeatureFlagVariables('v', 'f');
  const dataFile: ours.DataFile = client.getDataFile();
  const rules: ours.Rule[] = [...dataFile.featureFlags.values()].flatMap((flag: ours.FeatureFlag) => flag.rules);
  const eventData: ours.EventDataType = { evaluation: { featureKey: 'f', variation: { key: 'off', id: null, experimentId: null } }, configurationUpdate: { timestamp: 0 } };
  // Without an enum in them, our results also hold in the official types.
  const officialFlags: Official.FeatureFlagType[] = client.getFeatureFlags();
  const officialEventData: Official.EventDataType[Official.EventType.Evaluation] = eventData.evaluation;
  // Ours is any JSON value; the official JSONType is an object or null (the README's table of official names, JSONType).
  // @ts-expect-error JSONType differs
  const remoteData: Official.JSONType = await client.getRemoteData('key');
  void [variation, variationType, variations, flags, visitorFlags, active, variable, variables, deprecatedVariables, rules, officialFlags, officialEventData, remoteData];

  // Our types under the official names hold what the official ones held.
  const ourVariation: ours.VariationType = o.variationType;
  const ourKameleoonVariation: ours.KameleoonVariationType = o.kameleoonVariation;
  const ourVariable: ours.FeatureVariableResultType = o.variable;
  const ourDeprecatedVariable: ours.KameleoonVariableType = o.variable;
  const ourJson: ours.JSONType = o.jsonValue;
  // Official Variation objects (mocks) may leave out `name`; ours always has one (the README's table of official names, Variation).
  // @ts-expect-error Variation.name differs
  const ourStrictVariation: ours.Variation = o.variation;
  const typed: [ours.BooleanVariableType, ours.NumberVariableType, ours.StringVariableType, ours.JSONVariableType] = [
    { key: 'b', type: ours.VariableType.BOOLEAN, value: true },
    { key: 'n', type: ours.VariableType.NUMBER, value: 1 },
    { key: 's', type: ours.VariableType.STRING, value: 's' },
    { key: 'j', type: ours.VariableType.JSON, value: { a: 1 } },
  ];
  const asVariables: ours.Variable[] = typed;
  const simulated: Promise<Official.KameleoonResponseType> = ours.KameleoonUtils.simulateSuccessRequest(ours.RequestType.Tracking, null) as never;
  const retries: ours.RetryCountType = { configuration: 0, tracking: 1, remoteData: 0 };
  const requestParameters: ours.RequestParametersType[typeof ours.RequestType.Tracking] = { method: ours.HttpMethod.Post, body: '' };
  void [ourVariation, ourKameleoonVariation, ourVariable, ourDeprecatedVariable, ourJson, ourStrictVariation, asVariables, simulated, retries, requestParameters];
}

it('official types are accepted where our API takes them (checked by tsc, see typeChecks)', () => {
  expect(typeChecks).toBeTypeOf('function');
});
