/**
 * `kameleoon-ts/redis`: the shared store of a fleet of Node.js processes on Redis, for
 * `externals.sharedStore` of the Node client (see "Running a fleet" in the README). It needs the
 * `ioredis` package (an optional peer dependency of kameleoon-ts).
 */
export { createRedisStore } from './redis/redisStore.ts';
export type { RedisStore, RedisStoreOptions } from './redis/redisStore.ts';
export type { SharedStore, SharedExposureClaim } from './fleet/sharedStore.ts';
