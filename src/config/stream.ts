import { createParser } from 'eventsource-parser';
import type { IExternalEventSource } from '../platform/platform.ts';
import { later } from '../platform/timers.ts';
import { msg } from '../logging/msg.ts';

/**
 * Silence after which a connection is presumed dead (no event, no comment, no byte): a half-open
 * TCP connection loses events without an error. The reconnection is followed by a conditional
 * fetch (usually a 304), so a quiet but healthy stream costs four small requests an hour.
 */
const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;

/** Options of {@link FetchEventSource}. */
export interface FetchEventSourceOptions {
  /** Silence after which the connection is dropped and reported as an error. */
  idleTimeoutMs?: number;
}

/**
 * Server-sent events over `fetch` streaming, parsed by `eventsource-parser`: the same code in
 * Node and browsers (Node has no EventSource, and a browser EventSource can neither send headers
 * nor tell a silent connection from a live one). One `open` is one connection; when it fails,
 * ends, or stays silent past the idle timeout, `onError` is told once and the caller decides when
 * to reconnect. Implements the official `IExternalEventSource`, plus `onOpen`.
 */
export class FetchEventSource implements IExternalEventSource {
  readonly #idleTimeoutMs: number;
  #controller: AbortController | undefined;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #onError: ((error: unknown) => void) | undefined;
  #onOpen: (() => void) | undefined;

  constructor(options: FetchEventSourceOptions = {}) {
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  onError(callback: (error: unknown) => void): void {
    this.#onError = callback;
  }

  /** Called when the server has accepted the connection. */
  onOpen(callback: () => void): void {
    this.#onOpen = callback;
  }

  open({ url, eventType, onEvent }: { url: string; eventType: string; onEvent: (data: string) => void }): void {
    this.close();
    const controller = new AbortController();
    this.#controller = controller;
    void this.#run(url, eventType, onEvent, controller).catch((err: unknown) => {
      if (controller.signal.aborted && this.#controller !== controller) return; // closed on purpose
      this.#stop(controller);
      this.#onError?.(err);
    });
  }

  close(): void {
    if (this.#controller) this.#stop(this.#controller);
  }

  #stop(controller: AbortController): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#controller === controller) this.#controller = undefined;
    controller.abort();
  }

  #armWatchdog(controller: AbortController): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = later(() => controller.abort(new Error(msg`no data for ${this.#idleTimeoutMs} ms`)), this.#idleTimeoutMs);
  }

  async #run(url: string, eventType: string, onEvent: (data: string) => void, controller: AbortController): Promise<void> {
    this.#armWatchdog(controller);
    const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store' });
    if (!response.ok || !response.body) throw new Error(msg`the event stream ${url} answered HTTP ${response.status}`);
    this.#onOpen?.();
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === eventType) onEvent(event.data);
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        this.#armWatchdog(controller);
        const { done, value } = await reader.read();
        if (done) throw new Error(msg`the event stream ended`);
        parser.feed(value);
      }
    } catch (err) {
      throw controller.signal.aborted && controller.signal.reason ? controller.signal.reason : err;
    } finally {
      reader.releaseLock();
    }
  }
}
