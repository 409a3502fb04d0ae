import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml';
import type { FileConfiguration } from '../../client/factory.ts';
import { ConfigFileNotFound, ConfigurationError } from '../../errors.ts';

export { mergeConfiguration } from '../../client/factory.ts';
export type { FileConfiguration } from '../../client/factory.ts';

/** Where Kameleoon's server SDKs look for the Node.js configuration file when no path is given. */
export const DEFAULT_CONFIGURATION_PATH = '/etc/kameleoon/client-nodejs.yaml';

/**
 * YAML key (the server SDKs' names) → configuration field and the type its value must have.
 * Units already match: minutes stay minutes, milliseconds stay milliseconds.
 */
const KEYS: Record<string, [keyof FileConfiguration, 'string' | 'number']> = {
  client_id: ['clientId', 'string'],
  client_secret: ['clientSecret', 'string'],
  refresh_interval_minute: ['updateInterval', 'number'],
  session_duration_minute: ['sessionDuration', 'number'],
  default_timeout_millisecond: ['requestTimeout', 'number'],
  tracking_interval_millisecond: ['trackingInterval', 'number'],
  top_level_domain: ['cookieDomain', 'string'],
  environment: ['environment', 'string'],
  network_domain: ['networkDomain', 'string'],
};

/**
 * Reads a Kameleoon server-SDK YAML configuration file (`client_id`, `refresh_interval_minute`...)
 * into this SDK's configuration fields, so one file can configure every Kameleoon SDK of a server.
 * Without `path`, reads {@link DEFAULT_CONFIGURATION_PATH} when it exists and returns `{}` when it
 * does not. Keys read: `client_id` (clientId), `client_secret` (clientSecret),
 * `refresh_interval_minute` (updateInterval), `session_duration_minute` (sessionDuration),
 * `default_timeout_millisecond` (requestTimeout), `tracking_interval_millisecond`
 * (trackingInterval), `top_level_domain` (cookieDomain), `environment`, `network_domain`
 * (networkDomain). Unknown keys and empty values are ignored.
 * @param path - the YAML file; default {@link DEFAULT_CONFIGURATION_PATH}, if it exists
 * @throws {@link ConfigFileNotFound} when `path` is given and does not exist
 * @throws {@link ConfigurationError} when the YAML is malformed or a value has the wrong type (the
 * message names the file, the key and the line)
 */
export function readConfigurationFile(path?: string): FileConfiguration {
  const file = path ?? DEFAULT_CONFIGURATION_PATH;
  if (!existsSync(file)) {
    if (path === undefined) return {};
    throw new ConfigFileNotFound(
      `Kameleoon configuration file "${path}" does not exist: check configurationPath, or omit it to use ${DEFAULT_CONFIGURATION_PATH}.`,
    );
  }
  return parseConfigurationFile(readFileSync(file, 'utf8'), file);
}

function parseConfigurationFile(text: string, file: string): FileConfiguration {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    throw new ConfigurationError(`Kameleoon configuration file "${file}", line ${line}, column ${col}: invalid YAML (${syntaxError.message}). Fix the syntax there.`, syntaxError);
  }
  const lineOf = (node: unknown): number => (isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1);
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    throw new ConfigurationError(`Kameleoon configuration file "${file}", line ${lineOf(doc.contents)}: expected a mapping of keys to values (e.g. "client_id: ..."), got ${describe(doc.contents.toJS(doc))}.`);
  }
  const result: Record<string, unknown> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !Object.hasOwn(KEYS, key)) continue;
    const value: unknown = isNode(pair.value) ? pair.value.toJS(doc) : pair.value;
    if (value === null || value === undefined) continue;
    const [field, type] = KEYS[key];
    const valid = type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
    if (!valid) {
      const hint = type === 'number' ? 'a number, without quotes' : 'a string (quote it if YAML reads it as something else)';
      throw new ConfigurationError(`Kameleoon configuration file "${file}", line ${lineOf(pair.value ?? pair.key)}: ${key} must be ${hint}, got ${describe(value)}.`);
    }
    result[field] = value;
  }
  return result as FileConfiguration;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : typeof value === 'object' && value !== null ? 'a mapping' : JSON.stringify(value);
}
