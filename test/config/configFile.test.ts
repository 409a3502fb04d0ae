import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createClientFactory } from '../../src/client/factory.ts';
import type { SDKParameters } from '../../src/client/options.ts';
import {
  ConfigurationError,
  DEFAULT_CONFIGURATION_PATH,
  KameleoonClient,
  KameleoonClientFactory,
  KameleoonError,
  KameleoonException,
  mergeConfiguration,
  readConfigurationFile,
} from '../../src/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'kameleoon-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `text` to a fresh YAML file and returns its path. */
function yamlFile(text: string): string {
  const path = join(dir, `config-${fileCount++}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): KameleoonError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KameleoonError);
    return err as KameleoonError;
  }
  throw new Error('expected an error');
}

describe('readConfigurationFile', () => {
  it.each([
    ['client_id: my-id', { clientId: 'my-id' }],
    ['client_secret: s3cr3t', { clientSecret: 's3cr3t' }],
    ['refresh_interval_minute: 15', { updateInterval: 15 }],
    ['session_duration_minute: 45', { sessionDuration: 45 }],
    ['default_timeout_millisecond: 2500', { requestTimeout: 2500 }],
    ['tracking_interval_millisecond: 300', { trackingInterval: 300 }],
    ['top_level_domain: example.com', { cookieDomain: 'example.com' }],
    ['environment: staging', { environment: 'staging' }],
    ['network_domain: kameleoon.example', { networkDomain: 'kameleoon.example' }],
  ])('maps "%s"', (line, expected) => {
    expect(readConfigurationFile(yamlFile(`${line}\n`))).toEqual(expected);
  });

  it('reads every key of a full file and ignores unknown keys and empty values', () => {
    const path = yamlFile(
      [
        '# Kameleoon server SDK configuration',
        'client_id: id',
        'client_secret: secret',
        'refresh_interval_minute: 5',
        'session_duration_minute: 20',
        'default_timeout_millisecond: 1500',
        'tracking_interval_millisecond: 500',
        'top_level_domain: .example.com',
        'environment: development',
        'network_domain: example.net',
        'multi_threading: true',
        'proxy_url:',
        'constructor: x',
        '',
      ].join('\n'),
    );
    expect(readConfigurationFile(path)).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      updateInterval: 5,
      sessionDuration: 20,
      requestTimeout: 1500,
      trackingInterval: 500,
      cookieDomain: '.example.com',
      environment: 'development',
      networkDomain: 'example.net',
    });
  });

  it('returns {} for an empty file', () => {
    expect(readConfigurationFile(yamlFile('# nothing yet\n'))).toEqual({});
  });

  it('throws ConfigFileNotFound naming a missing explicit path', () => {
    const missing = join(dir, 'missing.yaml');
    const err = thrown(() => readConfigurationFile(missing));
    expect(err.type).toBe(KameleoonException.ConfigFileNotFound);
    expect(err.message).toContain(missing);
  });

  it('reads the default path when it exists, else returns {}', () => {
    if (existsSync(DEFAULT_CONFIGURATION_PATH)) {
      expect(readConfigurationFile()).toEqual(readConfigurationFile(DEFAULT_CONFIGURATION_PATH));
    } else {
      expect(readConfigurationFile()).toEqual({});
    }
  });

  it.each([
    ['a value that starts a nested mapping', 'client_id: id\nenvironment: staging\nrefresh_interval_minute: 3: 4\n', 'line 3, column 26:'],
    ['a duplicate key', 'client_id: id\nenvironment: staging\nclient_id: other\n', 'line 3, column 1:'],
    ['a second document', 'client_id: id\n---\nenvironment: x\n', 'line 2, column 1:'],
  ])('reports %s as a ConfigurationError with the file and its line', (_name, text, position) => {
    const path = yamlFile(text);
    const err = thrown(() => readConfigurationFile(path));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(path);
    expect(err.message).toContain(position);
  });

  it.each([
    ['refresh_interval_minute: "abc"', 'refresh_interval_minute'],
    ['session_duration_minute: "30"', 'session_duration_minute'],
    ['default_timeout_millisecond: [1]', 'default_timeout_millisecond'],
    ['tracking_interval_millisecond: .nan', 'tracking_interval_millisecond'],
    ['client_id: 12345', 'client_id'],
    ['environment: { name: x }', 'environment'],
  ])('rejects "%s" naming the key and the line', (line, key) => {
    const path = yamlFile(`client_secret: s\n\n${line}\n`);
    const err = thrown(() => readConfigurationFile(path));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(key);
    expect(err.message).toContain('line 3:');
    expect(err.message).toContain(path);
  });

  it('rejects a document that is not a mapping', () => {
    const path = yamlFile('# a list\n- client_id\n- secret\n');
    const err = thrown(() => readConfigurationFile(path));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain('line 2:');
    expect(err.message).toContain('mapping');
  });
});

describe('mergeConfiguration', () => {
  it('lets the configuration object override the file, field by field', () => {
    const file = readConfigurationFile(yamlFile('environment: staging\nrefresh_interval_minute: 5\nclient_id: id\n'));
    expect(mergeConfiguration(file, { environment: 'production', requestTimeout: 100 })).toEqual({
      environment: 'production',
      updateInterval: 5,
      requestTimeout: 100,
      clientId: 'id',
    });
  });

  it('keeps the file value when an override is undefined', () => {
    expect(mergeConfiguration({ updateInterval: 5 }, { updateInterval: undefined })).toEqual({ updateInterval: 5 });
  });
});

describe('KameleoonClientFactory', () => {
  afterEach(() => KameleoonClientFactory.forgetAll());

  it('returns one Node client per site code', () => {
    const a = KameleoonClientFactory.create('site-a', { configurationPath: yamlFile('environment: staging\n') });
    expect(a).toBeInstanceOf(KameleoonClient);
    expect(KameleoonClientFactory.create('site-a')).toBe(a);
    expect(KameleoonClientFactory.create('site-b')).not.toBe(a);
  });

  it('forget closes the client and a later create builds a new one', async () => {
    const first = KameleoonClientFactory.create('site-forget');
    const close = vi.spyOn(first, 'close');
    await KameleoonClientFactory.forget('site-forget');
    expect(close).toHaveBeenCalledTimes(1);
    expect(KameleoonClientFactory.create('site-forget')).not.toBe(first);
  });

  it('forgetAll closes every client', async () => {
    const closes = ['site-1', 'site-2'].map((site) => vi.spyOn(KameleoonClientFactory.create(site), 'close'));
    await KameleoonClientFactory.forgetAll();
    for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
  });

  it('propagates a missing configuration file and caches nothing', () => {
    const missing = join(dir, 'nope.yaml');
    expect(thrown(() => KameleoonClientFactory.create('site-missing', { configurationPath: missing })).type).toBe(KameleoonException.ConfigFileNotFound);
    expect(KameleoonClientFactory.create('site-missing')).toBeInstanceOf(KameleoonClient);
  });
});

describe('createClientFactory', () => {
  /** A client that records its parameters instead of evaluating anything. */
  class RecordingClient {
    constructor(readonly params: SDKParameters) {}
    async close(): Promise<void> {}
  }

  it('merges the file under the configuration object, OAuth credentials included', () => {
    const read = vi.fn((_path?: string) => ({ environment: 'staging', updateInterval: 5, clientId: 'id', clientSecret: 'secret' }));
    const factory = createClientFactory(RecordingClient, read);
    const client = factory.create('site', { configurationPath: '/some/file.yaml', configuration: { updateInterval: 9 } });
    expect(read).toHaveBeenCalledWith('/some/file.yaml');
    expect(client.params).toEqual({ siteCode: 'site', configuration: { environment: 'staging', updateInterval: 9, clientId: 'id', clientSecret: 'secret' }, externals: undefined });
  });

  it('reads the file only when it builds a client', () => {
    const read = vi.fn(() => ({}));
    const factory = createClientFactory(RecordingClient, read);
    factory.create('site');
    factory.create('site');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('without a file reader, uses the configuration object and refuses configurationPath', () => {
    const factory = createClientFactory(RecordingClient);
    expect(factory.create('site', { configuration: { environment: 'staging' } }).params.configuration).toEqual({ environment: 'staging' });
    const err = thrown(() => factory.create('other', { configurationPath: '/etc/x.yaml' }));
    expect(err.type).toBe(KameleoonException.InvalidArgument);
  });

  it('keeps separate factories separate', () => {
    const one = createClientFactory(RecordingClient);
    const two = createClientFactory(RecordingClient);
    expect(one.create('site')).not.toBe(two.create('site'));
  });
});
