/**
 * Many clients in one process. Five sites with different configurations: three on a real HTTP
 * server on 127.0.0.1 (configuration, real-time stream, tracking), two with their own in-memory
 * requester. The same visitor code in every client; operations interleaved across clients. No
 * cross-talk: visitors, data, forced variations, assignments, tracking lines (each site's lines
 * reach its own endpoint, with its own siteCode, and hold only its own experiments),
 * configuration updates and status stay in their client.
 *
 * Then the close-and-recreate loop (new client, initialize, stream, evaluate, track, close), 200
 * times in this process and 200 times in a child process: no timer, socket, stream or process
 * listener is left behind, and the child exits on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomData, KameleoonClient, KameleoonError, KameleoonException } from '../../src/node.ts';
import { until } from '../delivery/helpers.ts';
import { runScript } from '../support/localServer.ts';
import { LOOP_SITES, activeResources, loopConfig, processListeners, runLoop, settle, settleResources, watchAsyncResources } from './fixtures/lifecycle.ts';
import { SiteServer } from './siteServer.ts';

/** Sites on the HTTP server, and sites with their own requester. */
const SERVED = ['iso-a', 'iso-b', 'iso-c'];
const LOCAL = ['iso-d', 'iso-e'];
const SITES = [...SERVED, ...LOCAL];
/** Each site's ids live in its own range: 1000 * (k + 1) ... */
const range = (site: string): [number, number] => {
  const k = SITES.indexOf(site) + 1;
  return [1000 * k, 1000 * k + 999];
};

/**
 * Site k's configuration, `version` 1 or 2: flag `shared` serves `<site>-v<version>` to
 * everyone, `premium` serves `on` to visitors whose custom data 0 is "premium", `split` is a
 * 50/50 experiment; every id is in the site's range, so a line tells its site.
 */
function siteConfig(site: string, version = 1): object {
  const [b] = range(site);
  const delivery = (id: number, featureKey: string, key: string, segmentId: number | null) => ({
    id,
    featureKey,
    environmentEnabled: true,
    defaultVariationKey: 'off',
    variations: [{ key: 'off', variables: [] }, { key, variables: [{ key: 'site', type: 'STRING', value: site }] }],
    rules: [{ id: id + 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: id + 2, respoolTime: null, segmentId, variationByExposition: [{ variationKey: key, variationId: id + 3, exposition: 1 }] }],
  });
  return {
    configuration: { realTimeUpdate: SERVED.includes(site), consentType: 'NOT_REQUIRED' },
    customData: [{ id: b + 900, index: 0, name: 'plan', localOnly: false, scope: 'VISITOR' }],
    segments: [{ id: b + 800, name: 'premium', conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ targetingType: 'CUSTOM_DATUM', isInclude: true, customDataIndex: '0', valueMatchType: 'EXACT', value: 'premium' }] }] } }],
    featureFlags: [
      delivery(b + 10, 'shared', `${site}-v${version}`, null),
      delivery(b + 20, 'premium', 'on', b + 800),
      {
        id: b + 30,
        featureKey: 'split',
        environmentEnabled: true,
        defaultVariationKey: 'off',
        variations: [{ key: 'off', variables: [] }, { key: 'left', variables: [] }, { key: 'right', variables: [] }],
        rules: [{ id: b + 31, type: 'EXPERIMENTATION', exposition: 1, experimentId: b + 32, respoolTime: null, segmentId: null, variationByExposition: [{ variationKey: 'left', variationId: b + 33, exposition: 0.5 }, { variationKey: 'right', variationId: b + 34, exposition: 0.5 }] }],
      },
    ],
  };
}

/** An in-memory requester of one site: serves its configuration, records every request. */
function localRequester(site: string) {
  const requests: { type: string; url: string; body: string }[] = [];
  return {
    requests,
    sendRequest: async ({ requestType, url, parameters }: { requestType: string; url: string; parameters: { body?: unknown } }) => {
      requests.push({ type: requestType, url, body: typeof parameters.body === 'string' ? parameters.body : '' });
      if (requestType === 'configuration') return new Response(JSON.stringify(siteConfig(site)), { status: 200 });
      return new Response(null, { status: 204 });
    },
  };
}

let server: SiteServer;
const clients = new Map<string, KameleoonClient>();
const requesters = new Map<string, ReturnType<typeof localRequester>>();
const updates = new Map<string, number>();
const statusChanges = new Map<string, number>();

beforeAll(async () => {
  server = await new SiteServer().start();
  for (const site of SERVED) server.setConfig(site, siteConfig(site));
  for (const site of SITES) {
    const requester = LOCAL.includes(site) ? localRequester(site) : undefined;
    if (requester) requesters.set(site, requester);
    const client = new KameleoonClient({
      siteCode: site,
      configuration: requester ? { trackingInterval: 100 } : { endpoints: { configuration: server.url, realTime: server.url, tracking: server.url }, trackingInterval: 100 },
      externals: { logger: { log() {} }, ...(requester ? { requester } : {}) },
      _internals: { minTrackingInterval: 100 },
    });
    updates.set(site, 0);
    statusChanges.set(site, 0);
    client.onConfigurationUpdate(() => updates.set(site, updates.get(site)! + 1));
    client.onStatusChange(() => statusChanges.set(site, statusChanges.get(site)! + 1));
    clients.set(site, client);
  }
  await Promise.all([...clients.values()].map((c) => c.initialize()));
  for (const site of SERVED) await until(() => clients.get(site)!.getConfigurationStatus().streaming, `${site} streaming`);
});

afterAll(async () => {
  for (const client of clients.values()) await client.close();
  await server.stop();
});

const each = (fn: (site: string, client: KameleoonClient) => void): void => SITES.forEach((site) => fn(site, clients.get(site)!));

describe('many clients, several site codes, one process', () => {
  it('visitors, data, forced variations and assignments stay in their client', async () => {
    const shared = 'shared-visitor';
    // Interleaved: every step goes round all the clients before the next.
    each((site, client) => {
      for (let i = 0; i <= SITES.indexOf(site); i++) client.getVariation({ visitorCode: `${site}-own-${i}`, featureKey: 'split' });
    });
    clients.get('iso-a')!.addData(shared, new CustomData(0, 'premium'));
    clients.get('iso-d')!.addData(shared, new CustomData('plan', 'premium'));
    const [b] = range('iso-b');
    clients.get('iso-b')!.setForcedVariation({ visitorCode: shared, experimentId: b + 32, variationKey: 'right' });
    clients.get('iso-e')!.setForcedVariation({ visitorCode: shared, experimentId: range('iso-e')[0] + 32, variationKey: 'left' });

    const answers: Record<string, string[]> = {};
    each((site, client) => {
      answers[site] = ['shared', 'premium', 'split'].map((featureKey) => client.getVariation({ visitorCode: shared, featureKey }).key);
    });
    // A control client per site, never touched by anyone, gives the untouched answers.
    const control: Record<string, string> = {};
    for (const site of SITES) {
      const c = new KameleoonClient({ siteCode: `${site}-control`, configuration: { defaultDataFile: siteConfig(site) as never }, externals: { logger: { log() {} }, requester: localRequester(site) } });
      await c.initialize();
      control[site] = c.getVariation({ visitorCode: shared, featureKey: 'split', track: false }).key;
      await c.close();
    }
    expect(answers).toEqual({
      'iso-a': ['iso-a-v1', 'on', control['iso-a']],
      'iso-b': ['iso-b-v1', 'off', 'right'],
      'iso-c': ['iso-c-v1', 'off', control['iso-c']],
      'iso-d': ['iso-d-v1', 'on', control['iso-d']],
      'iso-e': ['iso-e-v1', 'off', 'left'],
    });
    // Variables come from each client's own configuration.
    each((site, client) => expect(client.getFeatureFlagVariable({ visitorCode: shared, featureKey: 'shared', variableKey: 'site' }).value).toBe(site));
    // Own visitors (1 to 5 per site) plus the shared one: no client sees another's visitors.
    each((site, client) => expect([site, client.visitorCount]).toEqual([site, SITES.indexOf(site) + 2]));
  });

  it("tracking: each site's lines reach its own endpoint with its own siteCode, and only its own experiments", async () => {
    const expected = new Map<string, number>();
    each((site, client) => {
      let exposures = 0;
      for (let i = 0; i < 20; i++) {
        const visitorCode = `${site}-tracked-${i}`;
        for (const featureKey of ['shared', 'split']) if (client.getVariation({ visitorCode, featureKey }).id !== null) exposures++;
        client.trackConversion({ visitorCode, goalId: range(site)[0] + 700 });
      }
      expected.set(site, exposures);
    });
    each((_site, client) => client.flush({ instant: true }));
    const delivered = (site: string): string[] =>
      LOCAL.includes(site) ? requesters.get(site)!.requests.filter((r) => r.type === 'tracking').flatMap((r) => r.body.split('\n')) : server.linesOf(site);
    await until(() => SITES.every((site) => delivered(site).filter((l) => l.includes(`${site}-tracked-`)).length >= expected.get(site)! + 20), 'every site to deliver');
    await until(() => SITES.every((site) => clients.get(site)!.getTrackingStatus().queued === 0), 'every answer to arrive');
    const nonces = new Set<string>();
    let total = 0;
    for (const site of SITES) {
      const [low, high] = range(site);
      const lines = delivered(site);
      for (const line of lines) {
        total++;
        nonces.add(/nonce=([0-9A-F]{16})/.exec(line)?.[1] ?? line);
        const code = decodeURIComponent(/visitorCode=([^&]*)/.exec(line)?.[1] ?? '');
        expect(code === 'shared-visitor' || code.startsWith(`${site}-`), `${site} got a line of ${code}`).toBe(true);
        for (const id of [...line.matchAll(/(?:^|&)(?:id|goalId)=(\d+)/g)].map((m) => Number(m[1]))) expect(id >= low && id <= high, `${site} got id ${id}: ${line}`).toBe(true);
      }
      const tracked = lines.filter((l) => l.includes(`${site}-tracked-`));
      expect([site, tracked.filter((l) => l.startsWith('eventType=experiment')).length, tracked.filter((l) => l.startsWith('eventType=conversion')).length]).toEqual([site, expected.get(site), 20]);
    }
    expect(nonces.size).toBe(total);
    // Every request names its own site, and went to its own requester.
    for (const request of server.trackingRequests) expect(SERVED).toContain(request.siteCode);
    for (const site of LOCAL) {
      for (const request of requesters.get(site)!.requests) expect(new URL(request.url).searchParams.get('siteCode') ?? new URL(request.url).pathname.split('/').pop()).toBe(site);
    }
    each((site, client) => expect([site, client.getTrackingStatus()]).toEqual([site, expect.objectContaining({ queued: 0, droppedOverflow: 0, droppedRejected: 0 })]));
  });

  it('a configuration update reaches only its own site', async () => {
    const before = { updates: new Map(updates), requests: SITES.map((s) => server.configRequests.filter((r) => r === s).length) };
    server.setConfig('iso-b', siteConfig('iso-b', 2));
    server.push('iso-b');
    await until(() => updates.get('iso-b')! > before.updates.get('iso-b')!, 'iso-b to update');
    await settle(() => false, 200); // time for a wrong client to react, if one would
    each((site, client) => {
      expect([site, client.getVariation({ visitorCode: 'after-update', featureKey: 'shared', track: false }).key]).toEqual([site, site === 'iso-b' ? 'iso-b-v2' : `${site}-v1`]);
      expect([site, updates.get(site)]).toEqual([site, before.updates.get(site)! + (site === 'iso-b' ? 1 : 0)]);
    });
    expect(SITES.map((s) => server.configRequests.filter((r) => r === s).length)).toEqual(before.requests.map((n, i) => n + (SITES[i] === 'iso-b' ? 1 : 0)));
  });

  it('status stays per client: one site failing leaves the others ready', async () => {
    const before = new Map(statusChanges);
    server.fail('iso-c');
    server.push('iso-c');
    await until(() => clients.get('iso-c')!.getConfigurationStatus().status === 'stale', 'iso-c to go stale');
    await settle(() => false, 200);
    each((site, client) => {
      const status = client.getConfigurationStatus();
      if (site === 'iso-c') {
        expect(status).toMatchObject({ status: 'stale', lastError: expect.objectContaining({ type: KameleoonException.ClientConfiguration }) });
        expect(statusChanges.get(site)).toBeGreaterThan(before.get(site)!);
      } else {
        expect([site, status.status, status.lastError]).toEqual([site, 'ready', undefined]);
        expect([site, statusChanges.get(site)]).toEqual([site, before.get(site)]);
      }
      // Everyone still answers, iso-c from its configuration in force.
      expect(client.getVariation({ visitorCode: 'during-failure', featureKey: 'premium', track: false }).key).toBe('off');
    });
    server.fail('iso-c', false);
    server.push('iso-c');
    await until(() => clients.get('iso-c')!.getConfigurationStatus().status === 'ready', 'iso-c to recover');
  });

  it('closing one client leaves the others working', async () => {
    const closed = clients.get('iso-a')!;
    await closed.close();
    expect(closed.getConfigurationStatus().status).toBe('closed');
    await until(() => server.openStreams('iso-a') === 0, 'iso-a stream to close');
    expect(server.openStreams('iso-b') + server.openStreams('iso-c')).toBe(2);
    each((site, client) => {
      if (site === 'iso-a') return;
      expect(client.getConfigurationStatus().status).toBe('ready');
      expect(client.getVariation({ visitorCode: 'after-close', featureKey: 'premium', track: false }).key).toBe('off');
    });
  });
});

describe('close-and-recreate loop', () => {
  let loopServer: SiteServer;

  beforeAll(async () => {
    loopServer = await new SiteServer().start();
    for (const site of LOOP_SITES) loopServer.setConfig(site, loopConfig(site));
  });

  afterAll(() => loopServer.stop());

  it('200 times in this process: no timer, socket, stream or listener left behind', async () => {
    await runLoop(loopServer.url, 4); // warm-up: Node's own singletons (undici's timer, the HTTP date cache)
    await settle(() => loopServer.openSockets === 0);
    const before = { resources: activeResources(), listeners: processListeners() };
    const watch = watchAsyncResources();
    const lines = loopServer.trackingRequests.length;
    let sent: number;
    let waitedFor: Record<string, number>;
    try {
      sent = await runLoop(loopServer.url, 200);
      // Node's unused connections (lifecycle.ts) are waited out past the 2 s, and must be gone too.
      waitedFor = await settleResources(watch, () => loopServer.openSockets === 0);
    } finally {
      watch.stop();
    }
    // Every async resource the loop created (unref'd timers included) is gone.
    expect(watch.live(), `alive: ${watch.describe().slice(0, 50).join('; ')}; strays of Node's fetch waited for past 2 s: ${JSON.stringify(waitedFor)}`).toEqual({});
    const after = activeResources();
    for (const [type, count] of Object.entries(after)) expect([type, count]).toEqual([type, Math.min(count, before.resources[type] ?? 0)]);
    expect(processListeners()).toEqual(before.listeners);
    expect(loopServer.openStreams()).toBe(0);
    expect(loopServer.openSockets).toBe(0);
    // Each iteration tracked its exposure, its data and its conversion before close() resolved.
    expect(sent).toBe(600);
    expect(loopServer.trackingRequests.slice(lines).flatMap((r) => r.lines)).toHaveLength(600);
  });

  it('200 times in a child process, which then exits on its own', async () => {
    // A process that does not exit is killed after 30 s, and the test fails with its output.
    const { code, output } = await runScript(new URL('./fixtures/closeLoop.ts', import.meta.url), [loopServer.url, '200']);
    type Counts = Record<string, number>;
    let report: { sent: number; before: { resources: Counts; listeners: Counts }; after: { resources: Counts; listeners: Counts }; live: Counts } | undefined;
    try {
      report = JSON.parse(output.trim().split('\n').pop() ?? '') as typeof report;
    } catch {
      // No report: the comparison below fails, with the output.
    }
    // Resources that keep the process alive and were not there before the loop.
    const grown = Object.entries(report?.after.resources ?? {}).filter(([type, count]) => count > (report?.before.resources[type] ?? 0));
    // One comparison, whose message is the child's whole output (its report is the last line).
    expect({ code, sent: report?.sent, live: report?.live, listeners: report?.after.listeners, grown }, `the child's output:\n${output}`).toEqual({ code: 0, sent: 600, live: {}, listeners: report?.before.listeners, grown: [] });
  });

  it("a stream ended by close(): Node's fetch opens a connection it never uses (nodejs/undici#5845), told from a leak and closed by undici", async () => {
    // The scenario the loops end on, deterministic: a streaming client closed with nothing to
    // track, so that no request comes after to take the stray connection.
    await settle(() => loopServer.openSockets === 0);
    const watch = watchAsyncResources();
    let waitedFor: Record<string, number>;
    try {
      const client = new KameleoonClient({ siteCode: LOOP_SITES[0], configuration: { endpoints: { configuration: loopServer.url, realTime: loopServer.url, tracking: loopServer.url } }, externals: { logger: { log() {} } } });
      await client.initialize();
      await until(() => client.getConfigurationStatus().streaming, 'the stream to connect');
      await client.close();
      waitedFor = await settleResources(watch, () => loopServer.openSockets === 0);
    } finally {
      watch.stop();
    }
    // Node 20's undici (6.24 in Node 20.20) opens one; a Node whose undici no longer does opens none.
    const strays = watch.strayConnections();
    expect(strays).toBeLessThanOrEqual(1);
    // Open 2 s after close() (undici's keep-alive timer is 3 s against this server): the client's
    // socket and its parser's timer, the server's socket and its request parser; then gone.
    expect(waitedFor).toEqual(strays ? { TCPWRAP: 2, Timeout: 1, HTTPINCOMINGMESSAGE: 1 } : {});
    expect(watch.live()).toEqual({});
    expect(loopServer.openSockets).toBe(0);
  });

  it('after close(), calls throw only KameleoonErrors and nothing reconnects', async () => {
    const client = new KameleoonClient({ siteCode: LOOP_SITES[0], configuration: { endpoints: { configuration: loopServer.url, realTime: loopServer.url, tracking: loopServer.url } }, externals: { logger: { log() {} } } });
    await client.initialize();
    await client.close();
    await client.close(); // idempotent
    for (const call of [
      () => client.getVariation({ visitorCode: 'v', featureKey: 'loop_flag' }),
      () => client.addData('v', new CustomData(0, 'x')),
      () => client.trackConversion({ visitorCode: 'v', goalId: 1 }),
      () => client.flush({ instant: true }),
    ]) {
      try {
        call();
      } catch (err) {
        expect(err).toBeInstanceOf(KameleoonError);
      }
    }
    await settle(() => loopServer.openStreams() === 0);
    expect(loopServer.openStreams()).toBe(0);
  });
});
