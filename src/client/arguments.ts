import { InvalidArgument } from '../errors.ts';
import { describeValue } from '../visitor/data.ts';
import { msg } from '../logging/msg.ts';

/** Argument checks shared by the client's public methods: misuse throws InvalidArgument saying what to pass. */

export function requireObject<T extends object>(value: T, method: string, shape: string): T {
  if (value == null || typeof value !== 'object') throw new InvalidArgument(msg`${method}() takes ${shape}, got ${value === null ? 'null' : typeof value}.`);
  return value;
}

export function requireKey(featureKey: unknown, method: string): string {
  if (typeof featureKey !== 'string' || featureKey === '') throw new InvalidArgument(msg`${method}(): featureKey must be a non-empty string, got ${describeValue(featureKey)}.`);
  return featureKey;
}

export function optionalBoolean(value: unknown, name: string, method: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgument(msg`${method}(): ${name} must be a boolean, got ${typeof value}.`);
  return value;
}

/** A request timeout in milliseconds: undefined (the client's `requestTimeout`) or a non-negative finite number (timers cap it, see MAX_DELAY_MS). */
export function optionalTimeout(value: unknown, method: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidArgument(msg`${method}(): timeout must be a non-negative number of milliseconds, got ${describeValue(value)}.`);
  return value;
}
