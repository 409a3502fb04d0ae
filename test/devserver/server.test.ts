/**
 * The dev server against our own SDK, on 127.0.0.1: configuration with 304, a live update when
 * the config file changes (and none when the edit is invalid), tracking recorded once per nonce
 * (and to the events file), remote data, remote visitor data rebuilt from what was tracked, the
 * OAuth endpoint, the page, and the CLI.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';

let dev: DevServer;
let dir: string;
let configPath: string;
/** What the dev server said, oldest first. */
const said: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-dev-'));
  configPath = join(dir, 'flags.yaml');
  copyFileSync(new URL('../../demo/flags.yaml', import.meta.url), configPath);
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ 'banner-copy': { title: 'Hello' }, v1: { warehouseAudiences: { loyal: null } } }));
  dev = await startDevServer({ config: configPath, port: 0, eventsFile: join(dir, 'events.jsonl'), dataFile: join(dir, 'data.json'), watchIntervalMs: 50, log: (message) => void said.push(message) });
});

afterAll(async () => {
  await dev?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sdk(extra: { clientId?: string; clientSecret?: string } = {}): KameleoonClient {
  const url = dev.url;
  return new KameleoonClient({
    siteCode: 'demo-site',
    configuration: { endpoints: { configuration: url, realTime: url, tracking: url, dataApi: url, api: url }, trackingInterval: 100, ...extra },
    externals: { logger: { log() {} } },
    _internals: { minTrackingInterval: 100 },
  });
}

/** A dev server on a flags file of its own, written in the test's folder. */
function startDevServerOn(yaml: string): Promise<DevServer> {
  const path = join(dir, `flags-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return startDevServer({ config: path, port: 0 });
}

const until = (condition: () => boolean | Promise<boolean>, timeout = 5_000) => vi.waitUntil(condition, { timeout, interval: 25 });

describe('dev server', () => {
  it('serves the configuration, with Last-Modified and 304', async () => {
    const first = await fetch(`${dev.url}/v3/demo-site`);
    expect(first.status).toBe(200);
    const config = (await first.json()) as { featureFlags: { featureKey: string }[] };
    expect(config.featureFlags.map((f) => f.featureKey)).toEqual(['new_checkout', 'promo_banner', 'search_ranking', 'dark_mode']);
    const again = await fetch(`${dev.url}/v3/demo-site`, { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } });
    expect(again.status).toBe(304);
  });

  it('pushes an edit of the config file to a connected SDK; an invalid edit keeps the previous configuration', async () => {
    const client = sdk();
    try {
      await client.initialize();
      await until(() => client.getConfigurationStatus().streaming);
      const updates: number[] = [];
      client.onConfigurationUpdate(({ timestamp }) => updates.push(timestamp));
      expect(client.getVariation({ visitorCode: 'edit-visitor', featureKey: 'dark_mode', track: false }).key).toBe('on');
      const original = readFileSync(configPath, 'utf8');
      writeFileSync(configPath, `${original}\n  extra_flag: {}\n`);
      await until(() => updates.length === 1);
      expect(client.getFeatureFlags().map((f) => f.key)).toContain('extra_flag');

      const rejected = said.filter((m) => m.startsWith('config not reloaded')).length;
      writeFileSync(configPath, `${original}\n  broken: { rules: [ { experiment: { off: 10 } } ] }\n`);
      await until(() => said.filter((m) => m.startsWith('config not reloaded')).length > rejected);
      expect(updates).toHaveLength(1);
      expect(dev.configuration().featureFlags.map((f) => f.featureKey)).toContain('extra_flag');
      // The stream is ordered: an update for the invalid edit would reach the client before this one.
      writeFileSync(configPath, original);
      await until(() => !client.getFeatureFlags().some((f) => f.key === 'extra_flag'));
      expect(updates).toHaveLength(2);
    } finally {
      await client.close();
    }
  });

  it('records tracking once per nonce, to memory and to the events file; rebuilds visitor data from it', async () => {
    const client = sdk();
    try {
      await client.initialize();
      client.addData('tracked-visitor', new CustomData(0, 'premium'));
      client.getVariation({ visitorCode: 'tracked-visitor', featureKey: 'promo_banner' });
      client.trackConversion({ visitorCode: 'tracked-visitor', goalId: 7, revenue: 12.5 });
      await until(() => dev.events().some((e) => e.visitorCode === 'tracked-visitor' && e.eventType === 'conversion'));
      const body = dev.events().filter((e) => e.visitorCode === 'tracked-visitor').map((e) => e.line).join('\n');
      await fetch(`${dev.url}/visit/events?siteCode=demo-site`, { method: 'POST', body }); // a retry: same nonces
      const mine = dev.events().filter((e) => e.visitorCode === 'tracked-visitor');
      expect(mine.map((e) => e.eventType).sort()).toEqual(['conversion', 'customData', 'experiment']);
      const file = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(file.filter((e) => e.visitorCode === 'tracked-visitor')).toHaveLength(3);

      const other = sdk();
      await other.initialize();
      const remote = await other.getRemoteVisitorData({ visitorCode: 'tracked-visitor', filters: { customData: true, conversions: true, currentVisit: true } });
      expect(remote.find((d) => d.kind === 'customData')).toMatchObject({ index: 0, values: ['premium'] });
      expect(other.getVariation({ visitorCode: 'tracked-visitor', featureKey: 'promo_banner', track: false }).key).toBe('on');
      await other.close();
    } finally {
      await client.close();
    }
  });

  it('serves remote data, warehouse audiences and OAuth tokens', async () => {
    const client = sdk({ clientId: 'demo', clientSecret: 'secret' });
    try {
      await client.initialize();
      expect(await client.getRemoteData('banner-copy')).toEqual({ title: 'Hello' });
      expect((await client.getVisitorWarehouseAudience({ visitorCode: 'v1', customDataIndex: 1 }))?.values).toEqual(['loyal']);
    } finally {
      await client.close();
    }
  });

  it('has a page with the flags in words, with configuration text escaped', async () => {
    const html = await (await fetch(`${dev.url}/`)).text();
    expect(html).toContain('"key":"new_checkout"');
    expect(html).toContain('Visitors in segment \\"premium\\": all get on (Premium promotion).');
    expect(html).not.toContain("window.dataLayer?.push({ event: 'promo_banner_view' })</");
    const injected = await startDevServerOn('flags:\n  f:\n    variations:\n      off: {}\n      on: { name: "</script><script>alert(1)</script>" }\n');
    try {
      const page = await (await fetch(`${injected.url}/`)).text();
      expect(page).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
      expect(page).not.toContain('<script>alert(1)');
    } finally {
      await injected.close();
    }
  });
});

describe('kameleoon-ts dev-server (CLI)', () => {
  it('starts, serves, and stops on SIGTERM', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dev-server', '--config', 'demo/flags.yaml', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (chunk) => (out += String(chunk)));
    cli.stderr.on('data', (chunk) => (out += String(chunk)));
    try {
      await until(() => /Kameleoon dev server: (http:\/\/127\.0\.0\.1:\d+)/.test(out), 20_000);
      const url = /Kameleoon dev server: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      expect((await fetch(`${url}/v3/demo-site`)).status).toBe(200);
      await until(() => out.includes(`Live view of the flags, exposures, conversions and events: open ${url}/ in a browser.`));
    } finally {
      cli.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
    expect(code).toBe(0);
  });

  it('explains its usage', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dev-server'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    cli.stderr.on('data', (chunk) => (err += String(chunk)));
    const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--config is required/);
  });
});
