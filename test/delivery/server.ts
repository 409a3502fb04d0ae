/**
 * A real HTTP server on 127.0.0.1 that plays Kameleoon's configuration CDN and event stream, with
 * switchable faults. Tests drive it; nothing here uses timers, so it works under fake timers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocally, type LocalServer } from '../support/localServer.ts';

/** How the configuration endpoint answers. */
export type ConfigMode = 'ok' | 'error500' | 'hang' | 'malformed' | 'truncated' | 'invalid';

/** How the tracking endpoint answers. */
export type TrackingMode = 'ok' | 'error503' | 'hang' | 'reject400';

/** How the event-stream endpoint behaves. */
export type StreamMode = 'ok' | 'silent' | 'refuse';

/** A configuration request as the server saw it. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/**
 * A one-flag configuration: flag `switch` serves `variationKey` to everyone through a
 * targeted-delivery rule, so `getVariation` tells which configuration is in force.
 */
export function switchConfig(variationKey: string, realTimeUpdate = false): object {
  return {
    configuration: { realTimeUpdate, consentType: 'NOT_REQUIRED' },
    customData: [],
    featureFlags: [
      {
        id: 1,
        featureKey: 'switch',
        environmentEnabled: true,
        defaultVariationKey: 'off',
        variations: [{ key: 'off', variables: [] }, { key: variationKey, variables: [] }],
        rules: [
          {
            id: 11,
            order: 1,
            type: 'TARGETED_DELIVERY',
            exposition: 1,
            experimentId: 21,
            respoolTime: null,
            segmentId: null,
            variationByExposition: [{ variationKey, variationId: 31, exposition: 1 }],
          },
        ],
      },
    ],
  };
}

/** The fake CDN + stream. */
export class KameleoonTestServer {
  readonly requests: SeenRequest[] = [];
  configMode: ConfigMode = 'ok';
  streamMode: StreamMode = 'ok';
  trackingMode: TrackingMode = 'ok';
  /** Bodies of the tracking requests received (whatever the answer), in order. */
  readonly trackingBodies: string[] = [];
  /** Query strings of the tracking requests received. */
  readonly trackingQueries: URLSearchParams[] = [];
  /** Event-stream connections accepted so far. */
  streamConnections = 0;
  #config: object;
  #lastModified: string;
  #version = 0;
  #local: LocalServer | undefined;
  #port = 0;
  #streams = new Set<ServerResponse>();
  #hung: ServerResponse[] = [];

  constructor(config: object) {
    this.#config = config;
    this.#lastModified = this.#nextLastModified();
  }

  /** Origin, e.g. http://127.0.0.1:41234. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Requests to the configuration endpoint. */
  get configRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/v3/'));
  }

  /** Open event-stream responses. */
  get openStreams(): number {
    return this.#streams.size;
  }

  #nextLastModified(): string {
    return new Date(Date.UTC(2026, 0, 1, 0, 0, this.#version++)).toUTCString();
  }

  /** Replaces the configuration (a new Last-Modified). */
  setConfig(config: object): void {
    this.#config = config;
    this.#lastModified = this.#nextLastModified();
  }

  /** Starts listening; on `port` when given (a restart keeps its port). */
  async start(port = this.#port): Promise<this> {
    this.#local = await listenLocally(createServer((req, res) => this.#handle(req, res)), port);
    this.#port = this.#local.port;
    return this;
  }

  /** Stops listening and cuts every connection (streams included). */
  async stop(): Promise<void> {
    const local = this.#local;
    this.#local = undefined;
    if (!local) return;
    this.#streams.clear();
    this.#hung = [];
    await local.close();
  }

  /** Sends a configuration-update event to every open stream. */
  push(data: object, event = 'configuration-update-event'): void {
    for (const res of this.#streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes half an event to every stream, then cuts them. */
  dropStreamsMidEvent(): void {
    for (const res of this.#streams) {
      res.write('event: configuration-update-event\ndata: {"siteCo');
      res.socket?.destroy();
    }
    this.#streams.clear();
  }

  /** Answers the requests held by the `hang` mode (configuration: the config; tracking: 204). */
  releaseHung(): void {
    for (const res of this.#hung.splice(0)) {
      if (res.req.url?.startsWith('/visit/events')) res.writeHead(204).end();
      else this.#sendConfig(res);
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET' }).end();
      return;
    }
    if (url.pathname === '/sse') return this.#handleStream(res);
    if (url.pathname === '/visit/events') return this.#handleTracking(req, url, res);
    if (!url.pathname.startsWith('/v3/')) return void res.writeHead(404).end();
    switch (this.configMode) {
      case 'error500':
        return void res.writeHead(500).end('internal error');
      case 'hang':
        this.#hung.push(res);
        return;
      case 'malformed':
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"featureFlags": [ {');
      case 'invalid':
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"featureFlags": [{"id": "one"}]}');
      case 'truncated': {
        const body = JSON.stringify(this.#config);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
        res.write(body.slice(0, Math.floor(body.length / 2)));
        res.socket?.destroy();
        return;
      }
      case 'ok':
        if (req.headers['if-modified-since'] === this.#lastModified) return void res.writeHead(304).end();
        return this.#sendConfig(res);
    }
  }

  #handleTracking(req: IncomingMessage, url: URL, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.trackingBodies.push(body);
      this.trackingQueries.push(url.searchParams);
      switch (this.trackingMode) {
        case 'ok':
          return void res.writeHead(204).end();
        case 'error503':
          return void res.writeHead(503).end();
        case 'reject400':
          return void res.writeHead(400).end('bad request');
        case 'hang':
          this.#hung.push(res);
          return;
      }
    });
  }

  /** Every tracking line received, in order (duplicates included). */
  get trackingLines(): string[] {
    return this.trackingBodies.flatMap((body) => (body ? body.split('\n') : []));
  }

  #sendConfig(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Last-Modified': this.#lastModified }).end(JSON.stringify(this.#config));
  }

  #handleStream(res: ServerResponse): void {
    if (this.streamMode === 'refuse') return void res.writeHead(503).end();
    this.streamConnections++;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    if (this.streamMode === 'silent') return; // accepted, then never a byte
    res.write(': connected\n\n');
    this.#streams.add(res);
    res.on('close', () => this.#streams.delete(res));
  }
}
