import { InvalidArgument } from '../errors.ts';
import { describeValue, isKameleoonData, isValidData, type KameleoonDataType } from '../visitor/data.ts';
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

/**
 * The data items and `track` option of an `addData(visitorCode, ...args)` call (options last,
 * recognised by their shape).
 * @throws InvalidArgument when an item is not a Kameleoon data object, or was changed to wrong types
 */
export function addDataArguments(args: unknown[]): { data: KameleoonDataType[]; track: boolean } {
  const last = args[args.length - 1];
  const options = last && !isKameleoonData(last) && typeof last === 'object' && Object.keys(last).every((k) => k === 'track') ? (args.pop() as { track?: unknown }) : undefined;
  const track = optionalBoolean(options?.track, 'track', 'addData', true);
  args.forEach((item, i) => {
    if (!isKameleoonData(item)) throw new InvalidArgument(msg`addData(): argument ${i + 2} is not a Kameleoon data object (CustomData, PageView, Conversion, ...) nor, last, the options { track }.`);
    if (!isValidData(item)) throw new InvalidArgument(msg`addData(): argument ${i + 2} is a Kameleoon data object whose fields were changed to values of the wrong type.`);
  });
  return { data: args as KameleoonDataType[], track };
}

/** A request timeout in milliseconds: undefined (the client's `requestTimeout`) or a non-negative finite number (timers cap it, see MAX_DELAY_MS). */
export function optionalTimeout(value: unknown, method: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidArgument(msg`${method}(): timeout must be a non-negative number of milliseconds, got ${describeValue(value)}.`);
  return value;
}
