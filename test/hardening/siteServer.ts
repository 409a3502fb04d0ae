/**
 * A real HTTP server on 127.0.0.1 that plays Kameleoon for several sites at once (the hardening
 * tests): `/v3/<siteCode>` answers each site's configuration as raw text (any bytes: `__proto__`
 * keys, a megabyte string, a document that does not parse), `/sse?siteCode=` streams update
 * events per site, and `/visit/events?siteCode=` records the tracking lines of each site. Every
 * answer closes its connection (no keep-alive), so a socket still open afterwards is one the SDK
 * left open. No timers: it works under fake timers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocally, type LocalServer } from '../support/localServer.ts';

/** A tracking request as received. */
export interface TrackingRequest {
  siteCode: string;
  query: URLSearchParams;
  lines: string[];
}

export class SiteServer {
  /** Site code of each configuration request, in order. */
  readonly configRequests: string[] = [];
  readonly trackingRequests: TrackingRequest[] = [];
  readonly #configs = new Map<string, string>();
  readonly #failing = new Set<string>();
  readonly #streams = new Map<string, Set<ServerResponse>>();
  #local: LocalServer | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.#local?.port ?? 0}`;
  }

  /** Sets what `/v3/<siteCode>` answers: an object is sent as JSON, a string as it is. */
  setConfig(siteCode: string, config: object | string): void {
    this.#configs.set(siteCode, typeof config === 'string' ? config : JSON.stringify(config));
  }

  /** Makes the configuration of `siteCode` answer HTTP 500 (or stops it). */
  fail(siteCode: string, failing = true): void {
    if (failing) this.#failing.add(siteCode);
    else this.#failing.delete(siteCode);
  }

  /** Sends a configuration-update event to the open streams of `siteCode`. */
  push(siteCode: string, ts = Date.now()): void {
    for (const res of this.#streams.get(siteCode) ?? []) res.write(`event: configuration-update-event\ndata: ${JSON.stringify({ ts })}\n\n`);
  }

  /** Open event streams, of one site or of all. */
  openStreams(siteCode?: string): number {
    if (siteCode !== undefined) return this.#streams.get(siteCode)?.size ?? 0;
    let n = 0;
    for (const set of this.#streams.values()) n += set.size;
    return n;
  }

  /** Tracking lines received for `siteCode`, in order. */
  linesOf(siteCode: string): string[] {
    return this.trackingRequests.filter((r) => r.siteCode === siteCode).flatMap((r) => r.lines);
  }

  /** Connections open right now (server side). */
  get openSockets(): number {
    return this.#local?.openSockets ?? 0;
  }

  async start(): Promise<this> {
    this.#local = await listenLocally(createServer((req, res) => this.#handle(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    const local = this.#local;
    this.#local = undefined;
    if (!local) return;
    this.#streams.clear();
    await local.close();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/sse') return this.#stream(url.searchParams.get('siteCode') ?? '', res);
    res.setHeader('Connection', 'close');
    if (url.pathname === '/visit/events') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        this.trackingRequests.push({ siteCode: url.searchParams.get('siteCode') ?? '', query: url.searchParams, lines: body ? body.split('\n') : [] });
        res.writeHead(204).end();
      });
      return;
    }
    const site = url.pathname.startsWith('/v3/') ? decodeURIComponent(url.pathname.slice(4)) : undefined;
    if (site === undefined) return void res.writeHead(404).end();
    this.configRequests.push(site);
    const body = this.#configs.get(site);
    if (body === undefined) return void res.writeHead(404).end();
    if (this.#failing.has(site)) return void res.writeHead(500).end('internal error');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  }

  #stream(siteCode: string, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': connected\n\n');
    let set = this.#streams.get(siteCode);
    if (!set) this.#streams.set(siteCode, (set = new Set()));
    set.add(res);
    res.on('close', () => set.delete(res));
  }
}
