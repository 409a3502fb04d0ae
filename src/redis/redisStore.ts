import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { InvalidArgument } from '../errors.ts';
import type { SharedExposureClaim, SharedStore } from '../fleet/sharedStore.ts';
import { describeValue } from '../visitor/data.ts';
import { msg } from '../logging/msg.ts';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** The server's URL (`redis://host:port/db`, `rediss://` for TLS). Default `redis://127.0.0.1:6379`; ignored with `client`. */
  url?: string;
  /**
   * An ioredis client you built (a `Redis`, or a `Cluster` for Redis Cluster): the store sends its
   * commands through it and subscribes through a `duplicate()` of it. It should have
   * `enableOfflineQueue: false`, so that commands fail at once while Redis is unreachable, rather
   * than wait for it. Default: a client of `url` set up that way. (Typed `object` so that these
   * declarations do not load ioredis's.)
   */
  client?: object;
  /** The start of every key and channel (several applications may share one Redis). Default `kameleoon`. */
  keyPrefix?: string;
  /**
   * Milliseconds a request waits for its visitor (`prepareVisitor`) before it is served from the
   * process's own memory. Default 50.
   */
  loadTimeout?: number;
  /** Milliseconds before any command in flight is abandoned (a stalled Redis). Default 2000. */
  commandTimeout?: number;
}

/** A {@link SharedStore} on Redis: what `createRedisStore` returns. */
export interface RedisStore extends SharedStore {
  /**
   * Resolves true once the connection is ready, or false after `timeoutMs` (default 5000): a
   * server's start can wait for it, but no request needs to (until then, requests use local memory).
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Closes the store's connections (those it made; a `client` you gave stays open, its `duplicate()` closes). */
  close(): Promise<void>;
}

/** Takes the lock when it is free or already ours, for `ARGV[2]` ms: 1 when we hold it now. */
const LOCK_SCRIPT = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Deletes the lock when it is ours (`ARGV[1]`), and only then. */
const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

type LockCommand = { kameleoonLock(key: string, owner: string, ttl: number): Promise<number>; kameleoonUnlock(key: string, owner: string): Promise<number> };

/**
 * A shared store on Redis, for `externals.sharedStore` of the Node client: one `GET` loads a
 * visitor; `SET` with `PX` writes it with its expiry (a request's visitors in one pipeline);
 * `SET` with `NX` and `PX` claims an exposure; Lua scripts hold and release the configuration lock; and a
 * `PUBLISH` tells the fleet of a new configuration. Every key of a visitor carries the hash tag
 * `{siteCode:visitorCode}`, and every key of a site code `{siteCode}`: on Redis Cluster, a
 * visitor's keys share one hash slot.
 * @throws `InvalidArgument` (kameleoon-ts's error) for an option of the wrong type
 */
export function createRedisStore(options: RedisStoreOptions = {}): RedisStore {
  if (options === null || typeof options !== 'object') throw new InvalidArgument(msg`createRedisStore(): options must be an object, got ${describeValue(options)}.`);
  const { url, client: option, keyPrefix = 'kameleoon', loadTimeout, commandTimeout = 2000 } = options;
  if (url !== undefined && typeof url !== 'string') throw new InvalidArgument(msg`createRedisStore(): url must be a string, got ${describeValue(url)}.`);
  if (option !== undefined && !(option instanceof Redis || option instanceof Cluster)) throw new InvalidArgument(msg`createRedisStore(): client must be an ioredis Redis or Cluster, got ${describeValue(option)}.`);
  const given = option as Redis | Cluster | undefined;
  if (typeof keyPrefix !== 'string') throw new InvalidArgument(msg`createRedisStore(): keyPrefix must be a string, got ${describeValue(keyPrefix)}.`);
  for (const [name, value] of [['loadTimeout', loadTimeout], ['commandTimeout', commandTimeout]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) throw new InvalidArgument(msg`createRedisStore(): ${name} must be a number of milliseconds (0 or more), got ${describeValue(value)}.`);
  }
  const known = ['url', 'client', 'keyPrefix', 'loadTimeout', 'commandTimeout'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) console.warn(`[Kameleoon] WARNING: ${msg`createRedisStore(): unknown option "${key}" ignored. Known: ${known.join(', ')}.`}`);
  }
  const settings: RedisOptions = {
    enableOfflineQueue: false,
    // Not auto-pipelined: a write leaves at once (before the response that follows it), batches are explicit.
    maxRetriesPerRequest: 1,
    commandTimeout,
    // Reconnects for ever, every 50 ms to 1 s: sharing resumes by itself once Redis is back.
    retryStrategy: (times) => Math.min(50 * times, 1000),
  };
  const client = given ?? new Redis(url ?? 'redis://127.0.0.1:6379', settings);
  // Errors are the SDK's to report (one warning per outage): without a listener ioredis prints each.
  const ignore = () => undefined;
  client.on('error', ignore);
  client.defineCommand('kameleoonLock', { numberOfKeys: 1, lua: LOCK_SCRIPT });
  client.defineCommand('kameleoonUnlock', { numberOfKeys: 1, lua: UNLOCK_SCRIPT });
  const lockCommand = client as unknown as LockCommand;
  /**
   * `SET`s in one round trip: a pipeline on one server; on a Cluster, one command each (a
   * pipeline there must stay within one slot, and visitors' keys are spread over all of them).
   */
  const batch = async (commands: (string | number)[][]): Promise<unknown[]> => {
    if (commands.length === 1 || client instanceof Cluster) {
      return Promise.all(commands.map(([key, ...args]) => (client.set as (...a: unknown[]) => Promise<unknown>)(key, ...args)));
    }
    const pipeline = client.pipeline();
    for (const [key, ...args] of commands) (pipeline.set as (...a: unknown[]) => unknown)(key, ...args);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
  };
  let subscriber: Redis | Cluster | undefined;
  const listeners = new Map<string, Set<() => void>>();
  /** Channels whose SUBSCRIBE succeeded (ioredis makes those again after a reconnection). */
  const subscribed = new Set<string>();
  const subscribe = (name: string) => {
    subscriber?.subscribe(name).then(
      () => void (listeners.has(name) && subscribed.add(name)),
      ignore,
    );
  };
  const visitorKey = (site: string, code: string) => `${keyPrefix}:{${site}:${code}}:v`;
  const siteKey = (site: string, name: string) => `${keyPrefix}:{${site}}:${name}`;
  const channel = (site: string) => `${keyPrefix}:${site}:configuration`;

  return {
    loadTimeout,
    getVisitor: (site, code) => client.get(visitorKey(site, code)),
    async setVisitors(site, visitors, ttlMs) {
      const ttl = Math.max(1, Math.round(ttlMs));
      await batch(visitors.map(([code, value]) => [visitorKey(site, code), value, 'PX', ttl]));
    },
    async claimExposures(site, claims: readonly SharedExposureClaim[], ttlMs) {
      const ttl = Math.max(1, Math.round(ttlMs));
      const replies = await batch(claims.map(({ visitorCode, experimentId, variationId }) => [`${keyPrefix}:{${site}:${visitorCode}}:x:${experimentId}:${variationId ?? ''}`, '1', 'PX', ttl, 'NX']));
      return replies.map((ok) => ok === 'OK');
    },
    async lockConfiguration(site, owner, ttlMs) {
      return (await lockCommand.kameleoonLock(siteKey(site, 'lock'), owner, Math.max(1, Math.round(ttlMs)))) === 1;
    },
    async unlockConfiguration(site, owner) {
      await lockCommand.kameleoonUnlock(siteKey(site, 'lock'), owner);
    },
    getConfiguration: (site) => client.get(siteKey(site, 'configuration')),
    async setConfiguration(site, value) {
      await client.set(siteKey(site, 'configuration'), value);
      await client.publish(channel(site), '1');
    },
    subscribeConfiguration(site, listener) {
      const name = channel(site);
      if (!subscriber) {
        // Subscriptions wait for the connection (no retry limit, no command timeout: a SUBSCRIBE
        // queued while Redis is down must not fail), and ioredis makes them again after each
        // reconnection; one that failed all the same is made again once the connection is ready.
        const patient = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined };
        const sub: Redis | Cluster =
          client instanceof Cluster ? client.duplicate(undefined, { enableOfflineQueue: true, redisOptions: { ...client.options.redisOptions, ...patient } }) : client.duplicate(patient);
        subscriber = sub;
        sub.on('error', ignore);
        sub.on('ready', () => {
          for (const name of listeners.keys()) if (!subscribed.has(name)) subscribe(name);
        });
        sub.on('message', (from: string) => {
          for (const l of listeners.get(from) ?? []) {
            try {
              l();
            } catch {
              // A listener's failure is its own.
            }
          }
        });
      }
      let set = listeners.get(name);
      if (!set) {
        listeners.set(name, (set = new Set()));
        subscribe(name);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(name) === set) {
          listeners.delete(name);
          subscribed.delete(name);
          subscriber?.unsubscribe(name).catch(ignore);
        }
      };
    },
    ready(timeoutMs = 5000) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on('ready', onReady);
      });
    },
    async close() {
      const closing: Promise<unknown>[] = [];
      if (subscriber) closing.push(subscriber.quit().catch(() => subscriber?.disconnect()));
      if (!given) closing.push(client.quit().catch(() => client.disconnect()));
      await Promise.all(closing);
    },
  };
}
