import { InvalidArgument } from '../errors.ts';
import type { ExternalsType } from '../platform/platform.ts';
import type { SDKConfigurationType, SDKParameters } from './options.ts';

/** What a configuration file holds: client fields plus the OAuth credentials of the server SDKs. */
export type FileConfiguration = Partial<SDKConfigurationType>;

/** Options of {@link ClientFactory.create}. */
export interface ClientFactoryOptions {
  /** YAML configuration file (Node.js only); without it the platform's default file, if any, is read. */
  configurationPath?: string;
  /** Configuration fields; each one given overrides the file's. */
  configuration?: Partial<SDKConfigurationType>;
  /** Replacements of the platform's requester, storage, event source, cookie manager and logger (see `SDKParameters.externals`). */
  externals?: ExternalsType;
}

/** One client per site code, as `KameleoonClientFactory` in Kameleoon's server SDKs. */
export interface ClientFactory<C> {
  /**
   * The client of `siteCode`, created on the first call; later calls return the same instance and
   * ignore their options, so every module of an application shares one client (one configuration
   * fetch, one tracking queue). The client still needs `initialize()`.
   * @param siteCode - the project's site code
   * @param options - the configuration file, settings over it, and externals (first call only)
   * @throws {@link InvalidArgument} when `configurationPath` is given on a platform without a file
   * system; otherwise what the client constructor and the file reader throw
   * (`SiteCodeIsEmpty`, `InvalidArgument`, `ConfigFileNotFound`, `ConfigurationError`)
   */
  create(siteCode: string, options?: ClientFactoryOptions): C;
  /** Closes the client of `siteCode` (see `close()`) and drops it, so the next `create` builds a new one; nothing when there is none. */
  forget(siteCode: string): Promise<void>;
  /** Closes and drops every client (tests, shutdown). */
  forgetAll(): Promise<void>;
}

/**
 * The file's values overridden by the configuration object's: a field the caller passed (not
 * undefined) wins, so code can tweak one setting of a shared file.
 */
export function mergeConfiguration(file: FileConfiguration, overrides: Partial<SDKConfigurationType> | undefined): FileConfiguration {
  const merged: Record<string, unknown> = { ...file };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as FileConfiguration;
}

/**
 * Builds a `KameleoonClientFactory` for one platform entry. It takes the entry's client class and,
 * where a file system exists, the configuration-file reader, so this module stays free of Node
 * modules and the browser entry can reuse it.
 */
export function createClientFactory<C extends { close(): Promise<void> }>(
  ClientClass: new (params: SDKParameters) => C,
  readConfigurationFile?: (path?: string) => FileConfiguration,
): ClientFactory<C> {
  const clients = new Map<string, C>();
  return {
    create(siteCode, options = {}) {
      const existing = clients.get(siteCode);
      if (existing !== undefined) return existing;
      if (readConfigurationFile === undefined && options.configurationPath !== undefined) {
        throw new InvalidArgument('configurationPath needs a file system: on this platform pass the settings in configuration instead.');
      }
      const file = readConfigurationFile?.(options.configurationPath) ?? {};
      const configuration = mergeConfiguration(file, options.configuration);
      const client = new ClientClass({ siteCode, configuration, externals: options.externals });
      clients.set(siteCode, client);
      return client;
    },
    async forget(siteCode) {
      const client = clients.get(siteCode);
      clients.delete(siteCode);
      await client?.close();
    },
    async forgetAll() {
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((client) => client.close()));
    },
  };
}
