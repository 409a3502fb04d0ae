/** Loggers and requesters the unit tests fake in the same way, once. */
import { Logger } from '../../src/logging/logger.ts';

/** An SDK Logger (at its default level, WARNING) whose messages are pushed to `messages`, in order. */
export function recordingLogger(messages: string[]): Logger {
  return new Logger({ log: (_level, message) => void messages.push(message) });
}

/** A requester whose every request fails with HTTP 500 ("down"). */
export const downRequester = {
  sendRequest: async () => new Response('down', { status: 500 }),
};
