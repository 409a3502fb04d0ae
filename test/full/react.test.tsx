// @vitest-environment jsdom
/**
 * The React /full entries: a client that kameleoon-ts/react/full's provider creates from
 * `sdkParameters`, and kameleoon-ts/react-sdk/full's `createClient` and SSR provider, log as the
 * /full client does; the standard React entries' clients do not.
 */
import { act, cleanup, render } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as standardReact from '../../react/index.ts';
import * as fullReact from '../../react/full.tsx';
import * as standardSdk from '../../react/sdk/index.ts';
import * as fullSdk from '../../react/sdk/full.tsx';
import { consoleLogger, LogLevel, type IExternalLogger } from '../../src/logging/logger.ts';
import config from '../package/consumers/config.json';

const CONFIG = JSON.stringify(config);

function sink(): IExternalLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${LogLevel[level]}: ${message}`) };
}

const requester = { sendRequest: async ({ requestType }: { requestType: string }) => new Response(null, { status: requestType === 'configuration' ? 304 : 204 }) };
const params = (log: IExternalLogger) => ({ siteCode: 'react-full', configuration: { defaultDataFile: CONFIG, updateInterval: 60 }, externals: { logger: log, requester } });

afterEach(() => {
  cleanup();
  localStorage.clear(); // the configuration cache
  fullReact.KameleoonLogger.setLogger(consoleLogger);
  fullReact.KameleoonLogger.setLogLevel(LogLevel.WARNING);
});

describe('kameleoon-ts/react/full', () => {
  it('exports what kameleoon-ts/react exports', () => {
    expect(Object.keys(fullReact).sort()).toEqual(Object.keys(standardReact).sort());
    expect(fullReact.useFeatureFlag).toBe(standardReact.useFeatureFlag);
    expect(fullReact.KameleoonProvider).not.toBe(standardReact.KameleoonProvider);
  });

  it.each([
    ['/full', fullReact, true],
    ['standard', standardReact, false],
  ] as const)('%s: the client the provider creates from sdkParameters logs CALL/RETURN and INFO lines', async (_name, entry, verbose) => {
    fullReact.KameleoonLogger.setLogLevel(LogLevel.DEBUG);
    const log = sink();
    function Flag(): ReactNode {
      const { active } = entry.useFeatureFlag('new_checkout');
      return <p>{String(active)}</p>;
    }
    const view = render(
      <StrictMode>
        <entry.KameleoonProvider sdkParameters={params(log)} visitorCode="v1">
          <Flag />
        </entry.KameleoonProvider>
      </StrictMode>,
    );
    await vi.waitFor(() => expect(view.container.textContent).toBe('true'));
    await act(async () => {});
    const debug = log.lines.filter((l) => /^(DEBUG|INFO)/.test(l));
    if (!verbose) {
      expect(debug).toEqual([]);
      return;
    }
    // The store's calls to the client are logged too (it starts the client, then evaluates for the hook).
    expect(debug).toContain('DEBUG: RETURN waitInit() -> true');
    expect(debug.some((l) => /^DEBUG: RETURN getVariationDetails\(\{visitorCode: "v1", featureKey: "new_checkout".*key: "on"/.test(l))).toBe(true);
    expect(debug).toContain('INFO: Configuration loaded from defaultDataFile (2 feature flags)');
    // Instrumented once, also under StrictMode: one CALL line per call.
    expect(debug.filter((l) => l === 'DEBUG: CALL waitInit()')).toHaveLength(1);
  });
});

describe('kameleoon-ts/react-sdk/full', () => {
  it('exports what kameleoon-ts/react-sdk exports', () => {
    expect(Object.keys(fullSdk).sort()).toEqual(Object.keys(standardSdk).sort());
    expect(fullSdk.useFeatureFlag).toBe(standardSdk.useFeatureFlag);
  });

  it('createClient makes a client that logs CALL/RETURN (the standard one does not)', async () => {
    const log = sink();
    const client = fullSdk.createClient(params(log));
    const standard = standardSdk.createClient(params(log));
    client.setLogLevel(LogLevel.DEBUG);
    standard.setLogLevel(LogLevel.DEBUG);
    await client.initialize();
    await standard.initialize();
    expect(log.lines.filter((l) => /^(DEBUG|INFO)/.test(l))).toEqual(['DEBUG: CALL initialize()', 'INFO: Configuration loaded from defaultDataFile (2 feature flags)', 'DEBUG: RETURN initialize() -> true']);
    await Promise.all([client.close(), standard.close()]);
  });

  it.each([
    ['/full', fullSdk, true],
    ['standard', standardSdk, false],
  ] as const)('%s: the client KameleoonProviderSSR creates for a hook logs CALL lines', async (_name, entry, verbose) => {
    const log = sink();
    fullSdk.KameleoonLogger.setLogLevel(LogLevel.DEBUG);
    let client: ReturnType<typeof entry.useKameleoon> | undefined;
    function Probe(): ReactNode {
      const { getVisitorCode } = entry.useVisitorCode();
      client = entry.useKameleoon();
      return <p>{getVisitorCode('v9')}</p>;
    }
    const view = render(
      <entry.KameleoonProviderSSR sdkParameters={params(log)}>
        <Probe />
      </entry.KameleoonProviderSSR>,
    );
    expect(view.container.textContent).toBe('v9');
    expect(Object.hasOwn(client!, 'getVariation')).toBe(verbose);
    expect(log.lines.includes('DEBUG: CALL getVisitorCode("v9")')).toBe(verbose);
  });
});
