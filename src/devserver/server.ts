import { appendFileSync, readFileSync, watchFile, unwatchFile } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ConfigurationJson } from '../config/types.ts';
import { decodeLine, visitsOf, type RecordedEvent } from './events.ts';
import { loadConfigurationDocument, type LoadedConfiguration } from './friendlyConfig.ts';
import { indexPage } from './page.ts';
import { LiveCounts, loadError, type LoadErrorView } from './liveView.ts';
import { listenLocally } from './listen.ts';
import { every } from '../platform/timers.ts';
import { UPDATE_EVENT } from '../config/streamLink.ts';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Configuration file: Kameleoon's JSON, or the YAML format of the README ("Flags in YAML"). Watched for changes. */
  config: string;
  /** Port to listen on (0: any free port). Default 0. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Tracking events are appended here, one JSON object per line. */
  eventsFile?: string;
  /** Remote data (`/map/map`): a JSON file whose top-level keys are the keys; read on each request. */
  dataFile?: string;
  /** How often the config file is checked for changes (ms). Default 200. */
  watchIntervalMs?: number;
  /** Where the server says what it does. Default: nothing. */
  log?: (message: string) => void;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`: give it to the SDK as every `endpoints` entry. */
  readonly url: string;
  /** Tracking events received (each nonce once), oldest first; the latest 50 000 (the events file keeps them all). */
  events(): RecordedEvent[];
  /** The configuration served now. */
  configuration(): ConfigurationJson;
  /**
   * Re-reads the config file now (it is also watched) and tells connected streams.
   * @returns false when the file is invalid: the previous configuration stays (the reason goes to
   * `log`, and to a banner on the page at `/` until a good file loads)
   */
  reload(): boolean;
  /** Stops watching the file, ends the open streams and stops listening. */
  close(): Promise<void>;
}

/** Events kept in memory (the events file keeps them all). */
const MAX_EVENTS = 50_000;

/** Reads a configuration file: Kameleoon's JSON (validated by the engine) or the friendly YAML. */
function loadConfigurationFile(path: string): LoadedConfiguration {
  return loadConfigurationDocument(readFileSync(path, 'utf8'), path);
}

function cors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * A local server that speaks Kameleoon's protocol to the SDK, on 127.0.0.1: the configuration
 * (`/v3/<siteCode>`, with Last-Modified/304), the real-time stream (`/sse`: an update event when
 * the config file changes), tracking (`/visit/events`, recorded, each nonce once), remote data
 * (`/map/map`), remote visitor data rebuilt from what was tracked (`/visit/visitor`), an OAuth
 * token endpoint, and a live view at `/`: each flag's rules in words, the exposures per variation
 * against the configured split, conversions per goal and variation, the events named, and the last
 * reload's error (its data also at `/api/state`), pushed to the open page as they change.
 * @throws `ConfigurationError` (exported by `kameleoon-ts`) when the configuration file is
 * invalid at start
 * @throws the `listen` error when the port is taken (`EADDRINUSE`), and the file system's when
 * the configuration file cannot be read
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  let loaded = loadConfigurationFile(options.config);
  let config = loaded.configuration;
  let lastModified = new Date().toUTCString();
  const events: RecordedEvent[] = [];
  const nonces = new Set<string>();
  const streams = new Set<ServerResponse>();
  const watchers = new Set<ServerResponse>();
  const counts = new LiveCounts();
  /** The last reload's error, until a good file loads. */
  let lastError: LoadErrorView | undefined;
  const state = () => counts.state(config, lastError, loaded.goalNames);
  const named = (e: RecordedEvent) => counts.name(e, config, loaded.goalNames);

  const broadcast = (targets: Set<ServerResponse>, event: string, data: unknown) => {
    for (const res of targets) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const reload = (): boolean => {
    try {
      loaded = loadConfigurationFile(options.config);
      config = loaded.configuration;
    } catch (err) {
      log(`config not reloaded, the previous one stays: ${(err as Error).message}`);
      lastError = loadError((err as Error).message, Date.now());
      broadcast(watchers, 'state', state());
      return false;
    }
    lastError = undefined;
    lastModified = new Date(Math.max(Date.now(), Date.parse(lastModified) + 1000)).toUTCString();
    const ts = Date.now();
    for (const res of streams) {
      const siteCode = (res as ServerResponse & { siteCode?: string }).siteCode ?? '';
      res.write(`event: ${UPDATE_EVENT}\ndata: ${JSON.stringify({ siteCode, ts })}\n\n`);
    }
    broadcast(watchers, 'config', config);
    broadcast(watchers, 'state', state());
    log(`config reloaded from ${options.config}: ${config.featureFlags.length} flag(s), ${streams.size} stream(s) told`);
    return true;
  };

  const record = (body: string, siteCode: string) => {
    const time = Date.now();
    const fresh: RecordedEvent[] = [];
    for (const line of body.split('\n')) {
      const event = line ? decodeLine(line, siteCode, time) : undefined;
      if (!event || (event.nonce && nonces.has(event.nonce))) continue;
      if (event.nonce) nonces.add(event.nonce);
      fresh.push(event);
    }
    if (!fresh.length) return;
    events.push(...fresh);
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    if (options.eventsFile) appendFileSync(options.eventsFile, fresh.map((e) => JSON.stringify(e)).join('\n') + '\n');
    counts.add(fresh);
    broadcast(watchers, 'events', fresh.map(named));
    broadcast(watchers, 'state', state());
  };

  const remoteData = (): Record<string, unknown> => {
    if (!options.dataFile) return {};
    try {
      return JSON.parse(readFileSync(options.dataFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      log(`data file unreadable: ${(err as Error).message}`);
      return {};
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      cors(res);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const siteCode = url.searchParams.get('siteCode') ?? '';
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      if (url.pathname.startsWith('/v3/')) {
        if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end();
        res.setHeader('Last-Modified', lastModified);
        return json(res, 200, config);
      }
      if (url.pathname === '/sse' || url.pathname === '/_events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        res.write(': kameleoon-ts dev server\n\n');
        const set = url.pathname === '/sse' ? streams : watchers;
        (res as ServerResponse & { siteCode?: string }).siteCode = siteCode;
        set.add(res);
        req.on('close', () => set.delete(res));
        return;
      }
      if (url.pathname === '/visit/events' && req.method === 'POST') {
        record(await readBody(req), siteCode);
        return void res.writeHead(204).end();
      }
      if (url.pathname === '/map/map') {
        const key = url.searchParams.get('key') ?? '';
        return json(res, 200, remoteData()[key] ?? {});
      }
      if (url.pathname === '/visit/visitor') {
        const visitor = url.searchParams.get('visitorCode') ?? url.searchParams.get('mappingValue') ?? '';
        return json(res, 200, visitsOf(events, siteCode, visitor, Number(url.searchParams.get('maxNumberPreviousVisits') ?? 1)));
      }
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        await readBody(req);
        return json(res, 200, { access_token: `dev-token-${Date.now().toString(36)}`, token_type: 'Bearer', expires_in: 3600 });
      }
      if (url.pathname === '/api/events') return json(res, 200, events);
      if (url.pathname === '/api/config') return json(res, 200, config);
      if (url.pathname === '/api/state') return json(res, 200, state());
      if (url.pathname === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return void res.end(indexPage(state(), events.slice(-200).map(named)));
      }
      json(res, 404, { error: `no such endpoint: ${url.pathname}` });
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  const listening = await listenLocally(server, options.port ?? 0, host);
  const url = `http://${host}:${listening.port}`;

  const onChange = (current: { mtimeMs: number }, previous: { mtimeMs: number }) => {
    if (current.mtimeMs !== previous.mtimeMs) reload();
  };
  watchFile(options.config, { interval: options.watchIntervalMs ?? 200, persistent: false }, onChange);
  const heartbeat = every(() => {
    for (const res of [...streams, ...watchers]) res.write(': heartbeat\n\n');
  }, 30_000);
  log(`dev server on ${url}, serving ${options.config}`);

  return {
    url,
    events: () => [...events],
    configuration: () => config,
    reload,
    close: async () => {
      unwatchFile(options.config, onChange);
      clearInterval(heartbeat);
      for (const res of [...streams, ...watchers]) res.end();
      await listening.close();
    },
  };
}
