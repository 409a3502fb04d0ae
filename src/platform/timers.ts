/**
 * Timers and deadlines shared by delivery, streaming, tracking and the Data API: none of them
 * keeps a Node process alive, so a server exits once it is done even with a client open.
 */
type Timer = ReturnType<typeof setTimeout>;

/** The longest delay a timer takes (setTimeout fires at once past it): every delay here is capped there. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** `setTimeout` that does not keep a Node process alive. */
export function later(fn: () => void, ms: number): Timer {
  const timer = setTimeout(fn, Math.min(ms, MAX_DELAY_MS));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** `setInterval` that does not keep a Node process alive. */
export function every(fn: () => void, ms: number): ReturnType<typeof setInterval> {
  const timer = setInterval(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** The delay after `failures` failures in a row (1 or more): doubling from `baseMs`, at most `capMs`. */
export function backoff(failures: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** (failures - 1));
}

/** `ms` spread by ±`spread` (0.1: ±10 %) with `random` in [0, 1), so that clients do not act in lockstep. */
export function jitter(ms: number, spread: number, random: () => number): number {
  return ms * (1 - spread + 2 * spread * random());
}

/**
 * Runs `run` under a signal that aborts after `timeoutMs`, or when `outer` aborts. Everything `run`
 * awaits (the request, then its body) is under the deadline: a server that stalls mid-body fails
 * too. Once aborted, it rejects with the abort's reason: an Error "no answer within N ms" for the
 * deadline, whatever `run` failed with meanwhile.
 */
export async function withDeadline<T>(timeoutMs: number, outer: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), Math.min(timeoutMs, MAX_DELAY_MS));
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener('abort', onAbort);
  // Raced against the abort: a request that ignores its signal (a user's requester) gives up at
  // the deadline all the same, rather than hold its caller (and the queue behind it) for ever.
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const result = await Promise.race([run(controller.signal), aborted]);
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (err) {
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
