/**
 * The SDK the conformance tests run against, and the few helpers they share.
 *
 * By default this is our SDK (`src/node.ts`). With `CONFORMANCE_SDK=official` it is the official
 * `@kameleoon/javascript-sdk` (a devDependency), driven offline the way the golden files were
 * produced; that mode exists to check the fixtures and the tests themselves against the oracle:
 *
 *   CONFORMANCE_SDK=official npx vitest run test/conformance
 *
 * Nothing here touches the network: every request goes to a stub requester.
 */
import type * as OurSdk from '../../src/node.ts';
import { officialOfflineExternals } from '../support/officialSdk.ts';

export type Sdk = typeof OurSdk;
export type Client = InstanceType<Sdk['KameleoonClient']>;
type ClientOptions = ConstructorParameters<Sdk['KameleoonClient']>[0];

export const SDK_UNDER_TEST: 'kameleoon-ts' | 'official' =
  process.env.CONFORMANCE_SDK === 'official' ? 'official' : 'kameleoon-ts';

/** The module under test. The official SDK has the same public names; its types are close enough. */
export const sdk: Sdk =
  SDK_UNDER_TEST === 'official'
    ? ((await import('@kameleoon/javascript-sdk')) as unknown as Sdk)
    : await import('../../src/node.ts');

/** The packageInfo the golden files were produced with (it matters for SDK_LANGUAGE conditions). */
export const PACKAGE_INFO = { type: 'NODEJS', version: '0.0.0-harness', isServer: true } as const;

const silentLogger = { log() {} };

/** For our SDK: every request fails, so a test can never depend on the network. */
const failingRequester = {
  sendRequest: async () => ({ ok: false, status: 503, json: async () => null, text: async () => '', headers: [] }),
};

function officialOptions(config: unknown): unknown {
  const store = new Map<string, unknown>();
  return {
    siteCode: 'conformance',
    externals: officialOfflineExternals(
      {
        // Configuration requests get the config; tracking is accepted and dropped; anything else fails.
        sendRequest: async ({ requestType }: { requestType: string }) => {
          if (requestType === 'configuration') {
            return { ok: true, status: 200, json: async () => structuredClone(config), text: async () => JSON.stringify(config), headers: [] };
          }
          if (requestType === 'tracking') {
            return { ok: true, status: 204, json: async () => null, text: async () => '', headers: [] };
          }
          return { ok: false, status: 503, json: async () => null, text: async () => '', headers: [] };
        },
      },
      store,
    ),
    _internals: { packageInfo: PACKAGE_INFO, platformAnalyzer: { getResult: () => ({}) } },
  };
}

function ourOptions(config: unknown): unknown {
  return {
    siteCode: 'conformance',
    configuration: { defaultDataFile: structuredClone(config) },
    externals: { logger: silentLogger, requester: failingRequester },
    _internals: { packageInfo: PACKAGE_INFO },
  };
}

/** An initialized client serving `config` (a configuration object in the `/v3/{siteCode}` format). */
export async function createClient(config: unknown): Promise<Client> {
  const options = SDK_UNDER_TEST === 'official' ? officialOptions(config) : ourOptions(config);
  const client = new sdk.KameleoonClient(options as ClientOptions);
  await client.initialize();
  return client;
}

export async function closeClient(client: Client | undefined): Promise<void> {
  // The official browser client has no close(); ours must be closed to stop its timers.
  await (client as { close?: () => unknown } | undefined)?.close?.();
}

/** What one getVariation call produced: the variation, or the type of the KameleoonError it threw. */
export type Outcome = { key: string; id: number | null; experimentId: number | null } | { error: string };

/** getVariation with track=false, never throwing: errors become `{ error: type }`. */
export async function evaluate(client: Client, visitorCode: string, featureKey: string): Promise<Outcome> {
  try {
    const variation = await client.getVariation({ visitorCode, featureKey, track: false });
    return { key: variation.key, id: variation.id, experimentId: variation.experimentId };
  } catch (error) {
    if (error instanceof sdk.KameleoonError) return { error: String((error as { type: unknown }).type) };
    return { error: `not a KameleoonError: ${String(error)}` };
  }
}

/** The golden files write an error outcome as `ERROR:<KameleoonException>`. */
export function expectedOutcome(golden: string): { key: string } | { error: string } {
  return golden.startsWith('ERROR:') ? { error: golden.slice('ERROR:'.length) } : { key: golden };
}

/** Only the variation key of an outcome (or its error), for tables that record keys only. */
export function keyOf(outcome: Outcome): { key: string } | { error: string } {
  return 'error' in outcome ? { error: outcome.error } : { key: outcome.key };
}
