import { later } from '../platform/timers.ts';
import { msg } from '../logging/msg.ts';

/** What a bounded call to the shared store gave: its value, or why not. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error'; error: string };

/** `promise`, or a failure after `ms`: the caller never waits longer, and a late rejection is absorbed. */
export function bounded<T>(promise: Promise<T>, ms: number): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const timer = later(() => resolve({ ok: false, reason: 'timeout', error: msg`no answer within ${ms} ms` }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: 'error', error: (err as Error)?.message ?? String(err) });
      },
    );
  });
}
