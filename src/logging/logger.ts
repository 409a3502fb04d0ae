/** Log levels, as in the official SDK: each level includes those before it. Default `WARNING`. */
export const LogLevel = { NONE: 0, ERROR: 1, WARNING: 2, INFO: 3, DEBUG: 4 } as const;
/** One of {@link LogLevel}. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** A user-supplied log sink (the official `IExternalLogger`). */
export interface IExternalLogger {
  /**
   * Receives one message at or below the level set with `setLogLevel` (never `NONE`). Whatever it
   * throws is ignored.
   */
  log(level: LogLevel, message: string): void;
}

const NAMES = ['NONE', 'ERROR', 'WARNING', 'INFO', 'DEBUG'];

/** The default sink: the console, with a level prefix. */
export const consoleLogger: IExternalLogger = {
  log(level, message) {
    const line = `[Kameleoon] ${NAMES[level]}: ${message}`;
    if (level === LogLevel.ERROR) console.error(line);
    else if (level === LogLevel.WARNING) console.warn(line);
    else console.log(line);
  },
};

/**
 * The SDK's logger: filters by level, never lets a user sink throw into the SDK, and can say a
 * warning once per distinct reason.
 */
export class Logger {
  level: LogLevel = LogLevel.WARNING;
  #sink: IExternalLogger;
  #said = new Set<string>();

  constructor(sink: IExternalLogger = consoleLogger) {
    this.#sink = sink;
  }

  /** Logs `message` at `level` when the level is enabled. */
  log(level: LogLevel, message: string): void {
    if (level > this.level || level === LogLevel.NONE) return;
    try {
      this.#sink.log(level, message);
    } catch {
      // A failing user logger must not break evaluation.
    }
  }

  error(message: string): void {
    this.log(LogLevel.ERROR, message);
  }

  warn(message: string): void {
    this.log(LogLevel.WARNING, message);
  }

  info(message: string): void {
    this.log(LogLevel.INFO, message);
  }

  /** Warns the first time `reason` is seen. */
  warnOnce(reason: string, message: string): void {
    if (this.#said.has(reason)) return;
    this.#said.add(reason);
    this.warn(message);
  }
}
