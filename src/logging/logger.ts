import { InvalidArgument } from '../errors.ts';
import { msg } from './msg.ts';
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
 * Said when INFO or DEBUG is asked of the standard build, which carries no message of those levels
 * (as the official SDK 4.24's standard bundles); the /full entries' loggers never say it.
 */
const NO_VERBOSE = msg`No INFO/DEBUG logs in this build: import a /full entry (kameleoon-ts/full, /react/full, /react-sdk/full)`;

/** The sink and level of clients that have none of their own (see KameleoonLogger). */
const shared: { sink: IExternalLogger; level: LogLevel } = { sink: consoleLogger, level: LogLevel.WARNING };

function isLevel(level: unknown): level is LogLevel {
  return Number.isInteger(level) && (level as number) >= 0 && (level as number) <= 4;
}

/**
 * The SDK's logger: filters by level, never lets a user sink throw into the SDK, and can say a
 * warning once per distinct reason. Without a sink or level of its own, it follows KameleoonLogger's.
 */
export class Logger {
  #level: LogLevel | undefined;
  #sink: IExternalLogger | undefined;
  #said = new Set<string>();
  readonly #verbose: boolean;

  /** @param verbose - a logger of the /full build: INFO and DEBUG levels are not warned about */
  constructor(sink?: IExternalLogger, verbose = false) {
    this.#sink = sink;
    this.#verbose = verbose;
  }

  get level(): LogLevel {
    return this.#level ?? shared.level;
  }

  set level(level: LogLevel) {
    this.#level = level;
    if (level > LogLevel.WARNING && !this.#verbose) this.warnOnce(NO_VERBOSE, NO_VERBOSE);
  }

  /** Logs `message` at `level` when the level is enabled. */
  log(level: LogLevel, message: string): void {
    if (level > this.level || level === LogLevel.NONE) return;
    try {
      (this.#sink ?? shared.sink).log(level, message);
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

/**
 * KameleoonLogger.setLogLevel without the standard build's warning (the /full entries' logger).
 * @throws {@link InvalidArgument} when `level` is not a LogLevel
 */
export function setSharedLevel(level: LogLevel): void {
  if (!isLevel(level)) throw new InvalidArgument(msg`KameleoonLogger.setLogLevel(): level must be a LogLevel (0 to 4).`);
  shared.level = level;
}

function format(strings: TemplateStringsArray | string, keys: unknown[]): string {
  if (typeof strings === 'string') return keys.length ? `${strings} ${keys.map(String).join(' ')}` : strings;
  return strings.reduce((text, part, i) => text + (i > 0 ? String(keys[i - 1]) : '') + part, '');
}

/**
 * The official SDK's global logger: where the messages of every client without its own
 * `externals.logger` go, at the level of every client that did not call `setLogLevel`; custom
 * externals can log through it too. Unlike the official SDK, a client's `setLogLevel()` and
 * `externals.logger` apply to that client only.
 */
export class KameleoonLogger {
  private constructor() {}

  /**
   * Replaces the default sink (the console) of clients without `externals.logger`.
   * @throws {@link InvalidArgument} when `logger` has no `log` function
   */
  static setLogger(logger: IExternalLogger): void {
    if (typeof logger?.log !== 'function') throw new InvalidArgument(msg`KameleoonLogger.setLogger() takes an object with a log(level, message) function.`);
    shared.sink = logger;
  }

  /**
   * Sets the level of clients that did not call `setLogLevel` (default `WARNING`). The standard
   * entries log no INFO or DEBUG message: there, INFO or DEBUG logs a warning that says to import
   * from `kameleoon-ts/full` (or `/react/full`, `/react-sdk/full`).
   * @throws {@link InvalidArgument} when `level` is not a LogLevel
   */
  static setLogLevel(level: LogLevel): void {
    setSharedLevel(level);
    if (level > LogLevel.WARNING) KameleoonLogger.warning(NO_VERBOSE);
  }

  /** Whether messages of `level` are logged at the global level. */
  static checkLevel(level: LogLevel): boolean {
    return level !== LogLevel.NONE && level <= shared.level;
  }

  /** Logs a message (a string, or a template with its keys) at `level`, through the global sink. */
  static log({ level, strings, keys = [] }: { level: LogLevel; strings: TemplateStringsArray | string; keys?: unknown[] }): void {
    if (!KameleoonLogger.checkLevel(level)) return;
    try {
      shared.sink.log(level, format(strings, keys));
    } catch {
      // A failing user logger must not break its caller.
    }
  }

  /** Logs at ERROR: `KameleoonLogger.error('text')` or as a template tag. */
  static error(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    KameleoonLogger.log({ level: LogLevel.ERROR, strings, keys });
  }

  /** Logs at WARNING. */
  static warning(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    KameleoonLogger.log({ level: LogLevel.WARNING, strings, keys });
  }

  /** Logs at INFO. */
  static info(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    KameleoonLogger.log({ level: LogLevel.INFO, strings, keys });
  }

  /** Logs at DEBUG. */
  static debug(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    KameleoonLogger.log({ level: LogLevel.DEBUG, strings, keys });
  }
}
