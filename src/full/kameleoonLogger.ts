import { KameleoonLogger as StandardLogger, setSharedLevel, type LogLevel } from '../logging/logger.ts';
import type { IExternalLogger } from '../logging/logger.ts';

/**
 * The official SDK's global logger, as in the standard entries (the same sink and level: one
 * global logger for both), except that INFO and DEBUG are this build's levels: setting them does
 * not warn.
 */
export class KameleoonLogger {
  private constructor() {}

  /**
   * Replaces the default sink (the console) of clients without `externals.logger`.
   * @throws {@link InvalidArgument} when `logger` has no `log` function
   */
  static setLogger(logger: IExternalLogger): void {
    StandardLogger.setLogger(logger);
  }

  /**
   * Sets the level of clients that did not call `setLogLevel` (default `WARNING`); `INFO` and
   * `DEBUG` show this build's messages.
   * @throws {@link InvalidArgument} when `level` is not a LogLevel
   */
  static setLogLevel(level: LogLevel): void {
    setSharedLevel(level);
  }

  /** Whether messages of `level` are logged at the global level. */
  static checkLevel(level: LogLevel): boolean {
    return StandardLogger.checkLevel(level);
  }

  /** Logs a message (a string, or a template with its keys) at `level`, through the global sink. */
  static log(message: { level: LogLevel; strings: TemplateStringsArray | string; keys?: unknown[] }): void {
    StandardLogger.log(message);
  }

  /** Logs at ERROR: `KameleoonLogger.error('text')` or as a template tag. */
  static error(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    StandardLogger.error(strings, ...keys);
  }

  /** Logs at WARNING. */
  static warning(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    StandardLogger.warning(strings, ...keys);
  }

  /** Logs at INFO. */
  static info(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    StandardLogger.info(strings, ...keys);
  }

  /** Logs at DEBUG. */
  static debug(strings: TemplateStringsArray | string, ...keys: unknown[]): void {
    StandardLogger.debug(strings, ...keys);
  }
}
