/**
 * A tracking server on 127.0.0.1 that misbehaves at random, from a seeded PRNG: each tracking
 * request is accepted, answered 503, 429 or 500, cut (its connection destroyed), held past the
 * client's request timeout then refused, or accepted and answered past that timeout (the client
 * then sends the same lines again). It keeps every line it received, and those it accepted. The
 * configuration endpoint always answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocally, type LocalServer } from '../support/localServer.ts';

/** What the server does with a tracking request. */
export type ChaosAnswer = 'accept' | '503' | '429' | '500' | 'destroy' | 'lateRefuse' | 'lateAccept';

/** Answers and their weights (the rest of 1 is 'accept'). */
export const FAULTS: readonly [ChaosAnswer, number][] = [
  ['503', 0.08],
  ['429', 0.06],
  ['500', 0.06],
  ['destroy', 0.08],
  ['lateRefuse', 0.06],
  ['lateAccept', 0.06],
];

/** A line as received: its content (the line without its nonce) and its nonce. */
export interface ReceivedLine {
  content: string;
  nonce: string;
}

const NONCE = /&nonce=([0-9A-F]{16})/;

export class ChaosServer {
  /** Every tracking line received, accepted or not, in order. */
  readonly received: ReceivedLine[] = [];
  /** The tracking lines accepted (a late accept included), in order. */
  readonly accepted: ReceivedLine[] = [];
  /** Tracking requests by answer. */
  readonly answers = new Map<ChaosAnswer, number>();
  /** Tracking requests received so far. */
  requests = 0;
  /** Requests held (late answers) and not answered yet. */
  held = 0;
  /** When set, the next tracking request gets this answer (then the draw resumes). */
  next: ChaosAnswer | undefined;
  #local: LocalServer | undefined;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * @param random - the seeded PRNG drawing each answer
   * @param config - the configuration document served at `/v3/…`
   * @param lateMs - how long a late answer is held (past the client's request timeout)
   */
  constructor(
    readonly random: () => number,
    readonly config: object,
    readonly lateMs: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.#local!.port}`;
  }

  async start(): Promise<this> {
    this.#local = await listenLocally(createServer((req, res) => this.#handle(req, res)));
    return this;
  }

  /** Stops listening, cuts every connection and forgets the held answers. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#local?.close();
    this.#local = undefined;
  }

  #draw(): ChaosAnswer {
    let x = this.random();
    for (const [answer, weight] of FAULTS) {
      if (x < weight) return answer;
      x -= weight;
    }
    return 'accept';
  }

  #later(fn: () => void): void {
    this.held++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.held--;
      fn();
    }, this.lateMs);
    this.#timers.add(timer);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/v3/')) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(this.config));
    if (url.pathname !== '/visit/events') return void res.writeHead(404).end();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.requests++;
      const answer = this.next ?? this.#draw();
      this.next = undefined;
      this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
      const lines = body.split('\n').filter(Boolean).map((line) => ({ content: line.replace(NONCE, ''), nonce: NONCE.exec(line)?.[1] ?? '' }));
      this.received.push(...lines);
      const accept = () => this.accepted.push(...lines);
      switch (answer) {
        case 'accept':
          accept();
          return void res.writeHead(204).end();
        case '503':
        case '429':
        case '500':
          return void res.writeHead(Number(answer)).end();
        case 'destroy':
          return void req.socket.destroy();
        case 'lateRefuse':
          return this.#later(() => res.writeHead(503).end());
        case 'lateAccept':
          accept();
          return this.#later(() => res.writeHead(204).end());
      }
    });
  }
}
