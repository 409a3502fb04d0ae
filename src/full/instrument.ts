/**
 * The /full build's logging, added to a client of the standard build from the outside, through
 * what the client offers anyone: its public methods (wrapped for the DEBUG `CALL` / `RETURN`
 * lines), its status and configuration-update hooks, and `externals.requester` (wrapped for the
 * INFO lines of requests). The standard entries never import this folder.
 */
import type { KameleoonClientBase } from '../client/kameleoonClient.ts';
import { LogLevel, Logger, type IExternalLogger } from '../logging/logger.ts';
import { fetchRequester } from '../platform/memory.ts';
import type { IExternalRequester, SendRequestParametersType } from '../platform/platform.ts';
import { readRequestCookie } from '../visitor/exchange.ts';
import { decodeCookieValue, VISITOR_CODE_COOKIE, type RequestLike } from '../visitor/visitorCode.ts';
import { describe } from './describe.ts';

/** The parts of any client's parameters (the core's, the React SDK's) the /full build reads. */
type VerboseParameters = { externals?: { requester?: IExternalRequester; logger?: IExternalLogger; visitorCodeManager?: { getData?: (key: string) => unknown } } };

/** A client's /full logger, and its parameters with the requester that logs each request. */
export interface Verbose<P> {
  /** Where the /full lines go: `externals.logger` or KameleoonLogger's sink, at the client's level. */
  logger: Logger;
  /** The parameters, `externals.requester` (or the default fetch) wrapped to log at INFO. */
  params: P;
}

/**
 * The /full logger of the client `params` describe, and the parameters to construct it with.
 * Never throws: parameters the client will reject are passed on unchanged, for it to say why.
 */
export function verbose<P>(params: P): Verbose<P> {
  const p = params as VerboseParameters | undefined;
  const externals = typeof p === 'object' && p !== null ? p.externals : undefined;
  const sink = typeof externals?.logger?.log === 'function' ? externals.logger : undefined;
  const logger = new Logger(sink, true);
  if (externals !== undefined && (typeof externals !== 'object' || externals === null)) return { logger, params };
  const requester = externals?.requester;
  if (typeof p !== 'object' || p === null || (requester !== undefined && typeof requester?.sendRequest !== 'function')) return { logger, params };
  return { logger, params: { ...p, externals: { ...externals, requester: loggingRequester(requester ?? fetchRequester, logger) } } as P };
}

/** Runs `work` (a log line), ignoring whatever it throws: logging never breaks the SDK. */
function safely(work: () => void): void {
  try {
    work();
  } catch {
    // A value that cannot be described, a logger that throws: the line is lost, nothing else.
  }
}

const KIND: Record<string, string> = { configuration: 'Configuration request', tracking: 'Tracking request', remoteData: 'Data API request' };

/** The requester that logs each request at INFO: what, where, the status (or the failure) and the time taken; never headers or bodies. */
function loggingRequester(inner: IExternalRequester, logger: Logger): IExternalRequester {
  const line = ({ requestType, url, parameters }: SendRequestParametersType, outcome: string, started: number): string => {
    const body = parameters?.body;
    const lines = requestType === 'tracking' && typeof body === 'string' ? ` of ${body.split('\n').filter(Boolean).length} line(s)` : '';
    const where = typeof url === 'string' && url.length > 300 ? `${url.slice(0, 300)}…` : url;
    return `${KIND[requestType] ?? 'Request'}${lines}: ${parameters?.method ?? 'GET'} ${where} -> ${outcome} (${Date.now() - started} ms)`;
  };
  return {
    async sendRequest(request) {
      const started = Date.now();
      try {
        const response = await inner.sendRequest(request);
        safely(() => logger.info(line(request, `status ${response.status}`, started)));
        return response;
      } catch (error) {
        safely(() => logger.info(line(request, `failed: ${describe(error)}`, started)));
        throw error;
      }
    },
  };
}

/** Marks an instrumented client (instrument() is idempotent). */
const INSTRUMENTED = Symbol('kameleoon-ts/full');

/**
 * Adds the /full build's lines to `client`, logged through `logger` (from {@link verbose}):
 * DEBUG `CALL method(args)` and `RETURN method(args) -> result` (or `THROW`) for every public
 * method the application calls (not for the SDK's calls to its own methods); INFO when the
 * configuration loads, changes status or updates, when the real-time stream connects or
 * disconnects, and where each visitor code comes from. `setLogLevel` sets this logger's level too.
 * @returns `client`
 */
export function instrument<C extends KameleoonClientBase>(client: C, logger: Logger, params?: unknown): C {
  if (Object.hasOwn(client, INSTRUMENTED)) return client;
  Object.defineProperty(client, INSTRUMENTED, { value: true });
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  for (let proto: object | null = Object.getPrototypeOf(client); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name !== 'constructor' && !methods.has(name) && typeof value === 'function') methods.set(name, value as (...args: unknown[]) => unknown);
    }
  }
  const own = <T>(name: string, ...args: unknown[]): T => methods.get(name)!.apply(client, args) as T;
  const debug = (line: () => string) => safely(() => logger.log(LogLevel.DEBUG, line()));
  let depth = 0;
  for (const [name, method] of methods) {
    const wrapped = function (this: C, ...args: unknown[]): unknown {
      let call: string | undefined;
      if (depth === 0 && logger.level >= LogLevel.DEBUG) safely(() => (call = `${name}(${args.map((a) => describe(a)).join(', ')})`));
      if (call) debug(() => `CALL ${call}`);
      let cookie: string | null | undefined;
      if (name === 'getVisitorCode' && depth === 0) safely(() => (cookie = cookieBefore(args[0], params)));
      depth++;
      let result: unknown;
      try {
        result = name === 'setLogLevel' ? setLogLevel(this, method, logger, args[0]) : method.apply(this, args);
      } catch (error) {
        if (call) debug(() => `THROW ${call}: ${describe(error)}`);
        throw error;
      } finally {
        depth--;
      }
      if (name === 'getVisitorCode' && depth === 0) safely(() => logger.info(visitorCodeLine(args[0], result, cookie)));
      if (call) {
        if (result instanceof Promise) {
          // The caller gets the very promise the client returned (initialize() returns one per attempt).
          result.then(
            (value) => debug(() => `RETURN ${call} -> ${describe(value)}`),
            (error) => debug(() => `THROW ${call}: ${describe(error)}`),
          );
        } else {
          debug(() => `RETURN ${call} -> ${describe(result)}`);
        }
      }
      return result;
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    Object.defineProperty(client, name, { value: wrapped, writable: true, configurable: true });
  }
  watchConfiguration(client, logger, own);
  return client;
}

/**
 * The client's own level is set too, but no higher than WARNING: the standard client logs
 * nothing above WARNING, so its output is the same, and it does not warn that it lacks INFO and
 * DEBUG messages (this build has them).
 */
function setLogLevel(client: object, method: (...args: unknown[]) => unknown, logger: Logger, level: unknown): unknown {
  const result = method.call(client, level === LogLevel.INFO || level === LogLevel.DEBUG ? LogLevel.WARNING : level);
  logger.level = level as LogLevel; // validated by the client's own setLogLevel
  return result;
}

/** INFO lines from the client's status and configuration-update hooks. */
function watchConfiguration(client: KameleoonClientBase, logger: Logger, own: <T>(name: string, ...args: unknown[]) => T): void {
  type State = ReturnType<KameleoonClientBase['getConfigurationStatus']>;
  const flags = () => own<{ featureFlags?: unknown[] } | undefined>('getConfigurationJson')?.featureFlags?.length ?? 0;
  let previous = own<State>('getConfigurationStatus');
  let loaded = false;
  own('onStatusChange', () =>
    safely(() => {
      const state = own<State>('getConfigurationStatus');
      if (state.status !== previous.status) {
        if (state.status === 'ready' && !loaded) logger.info(`Configuration loaded from ${state.source ?? '?'} (${flags()} feature flags)`);
        else logger.info(`Configuration status: ${previous.status} -> ${state.status}${state.lastError ? ` (${describe(state.lastError)})` : ''}`);
        loaded ||= state.status === 'ready';
      }
      if (state.streaming !== previous.streaming) {
        logger.info(state.streaming ? 'Real-time stream connected: configuration updates are pushed, polling paused' : 'Real-time stream disconnected: polling resumes until it reconnects');
      }
      previous = state;
    }),
  );
  own('onConfigurationUpdate', () => safely(() => logger.info(`Configuration updated from ${own<State>('getConfigurationStatus').source ?? '?'} (${flags()} feature flags)`)));
}

/** The visitor-code cookie before getVisitorCode (which may write it); undefined when it cannot be read from here. */
function cookieBefore(arg: unknown, params: unknown): string | null | undefined {
  const source = typeof arg === 'object' && arg !== null ? (arg as { request?: RequestLike; cookies?: unknown }) : {};
  if (source.request) return readRequestCookie(source.request, VISITOR_CODE_COOKIE);
  if (source.cookies) return undefined; // Next.js's store: the client reads it
  const manager = (params as VerboseParameters | undefined)?.externals?.visitorCodeManager;
  if (typeof manager?.getData === 'function') {
    const value = manager.getData(VISITOR_CODE_COOKIE);
    return typeof value === 'string' ? value : null;
  }
  if (typeof document === 'undefined') return undefined;
  const match = /(?:^|;\s*)kameleoonVisitorCode=([^;]*)/.exec(document.cookie);
  return match ? decodeCookieValue(match[1]) : null;
}

/** Where getVisitorCode's code came from: the cookie, the default given, or new. */
function visitorCodeLine(arg: unknown, code: unknown, cookie: string | null | undefined): string {
  const given = typeof arg === 'object' && arg !== null ? (arg as { defaultVisitorCode?: unknown }).defaultVisitorCode : arg;
  const from =
    code === '' ? 'none (stub mode)'
    : cookie === code ? 'read from the kameleoonVisitorCode cookie'
    : code === given ? 'the default visitor code given'
    : cookie === undefined ? 'read from the cookie or generated'
    : 'generated (new visitor)';
  return `Visitor code ${describe(code)}: ${from}`;
}
