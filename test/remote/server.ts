/**
 * A real HTTP server on 127.0.0.1 playing the Kameleoon Data API (`/map/map`, `/visit/visitor`)
 * and the OAuth token endpoint (`/oauth/token`). Each route answers through a handler the test
 * sets; every request is recorded. No timers, so it also works with fake timers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { IExternalRequester } from '../../src/platform/platform.ts';
import { listenLocally, type LocalServer } from '../support/localServer.ts';

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  /** Raw query string, without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a handler answers: status, JSON-able body (or raw text), extra headers; or 'hang' to never answer. */
export type Answer = { status?: number; json?: unknown; text?: string } | 'hang';
export type Handler = (req: SeenRequest) => Answer | Promise<Answer>;

export class DataApiTestServer {
  readonly requests: SeenRequest[] = [];
  readonly handlers = new Map<string, Handler>();
  #local: LocalServer | undefined;
  #hung: ServerResponse[] = [];

  get url(): string {
    return `http://127.0.0.1:${this.#local?.port ?? 0}`;
  }

  /** Requests to `path`. */
  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Sets the handler of `path` (e.g. '/map/map'). */
  on(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }

  reset(): void {
    this.requests.length = 0;
    this.handlers.clear();
    this.#releaseHung();
  }

  async start(): Promise<void> {
    this.#local = await listenLocally(createServer((req, res) => void this.#handle(req, res)));
  }

  async stop(): Promise<void> {
    this.#releaseHung();
    await this.#local?.close();
  }

  #releaseHung(): void {
    for (const res of this.#hung.splice(0)) res.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(seen);
    const handler = this.handlers.get(path);
    const answer: Answer = handler ? await handler(seen) : { status: 404, json: { message: `no handler for ${path}` } };
    if (answer === 'hang') {
      this.#hung.push(res);
      return;
    }
    const status = answer.status ?? 200;
    if (answer.text !== undefined) {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(answer.text);
    } else if (answer.json !== undefined) {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    } else {
      res.writeHead(status);
      res.end();
    }
  }
}

/** A requester over the global fetch (what the Node platform uses). */
export const fetchRequester = {
  sendRequest: ({ url, parameters }: { url: string; parameters: RequestInit }) => fetch(url, parameters),
};

/**
 * A client's requester for these tests: the configuration "has not changed" (304, so the client
 * keeps its defaultDataFile), and every other request (the Data API's, OAuth's) goes to `send`:
 * by default fetch, to this server.
 */
export function dataApiRequester(send: IExternalRequester['sendRequest'] = (p) => fetch(p.url, p.parameters)): IExternalRequester {
  return { sendRequest: async (p) => (p.requestType === 'configuration' ? new Response(null, { status: 304 }) : send(p)) };
}
