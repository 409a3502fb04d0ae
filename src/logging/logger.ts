/**
 * Log levels, as in the official SDK: each level includes those before it. Default `WARNING`. As
 * the official numeric enum, a level also names itself (`LogLevel[level]` is `'DEBUG'`...).
 */
export const LogLevel = {
  /** 0: nothing is logged. */
  NONE: 0,
  /** 1: errors only. */
  ERROR: 1,
  /** 2: errors and warnings (the default). */
  WARNING: 2,
  /** 3: errors, warnings and information. */
  INFO: 3,
  /** 4: everything, debug messages included. */
  DEBUG: 4,
  /** Reverse mapping: `LogLevel[0]` is `'NONE'`. */
  0: 'NONE',
  /** Reverse mapping: `LogLevel[1]` is `'ERROR'`. */
  1: 'ERROR',
  /** Reverse mapping: `LogLevel[2]` is `'WARNING'`. */
  2: 'WARNING',
  /** Reverse mapping: `LogLevel[3]` is `'INFO'`. */
  3: 'INFO',
  /** Reverse mapping: `LogLevel[4]` is `'DEBUG'`. */
  4: 'DEBUG',
} as const;
/** One of the `LogLevel` values: 0 (`NONE`) to 4 (`DEBUG`). */
export type LogLevel = 0 | 1 | 2 | 3 | 4;

/** A user-supplied log sink (the official `IExternalLogger`). */
export interface IExternalLogger {
  /**
   * Receives one message at or below the level set with `setLogLevel` (never `NONE`). Whatever it
   * throws is ignored.
   */
  log(level: LogLevel, message: string): void;
}


/** The default sink: the console, with a level prefix. */
export const consoleLogger: IExternalLogger = {
  log(level, message) {
    const line = `[Kameleoon] ${LogLevel[level]}: ${message}`;
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
