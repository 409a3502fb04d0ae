/**
 * Browsers, devices and operating systems known to Kameleoon, and their tracking indexes, in a
 * module of their own: the lazy tracking chunk imports them without importing the data classes'
 * module (which would split the modules the entry shares with it into a chunk of their own).
 */

/** Browsers known to Kameleoon, with the official SDK's member names. */
export const BrowserType = {
  /** Chrome (tracking index 0). The browser analyzer reports every Chromium-based browser as Chrome. */
  Chrome: 'CHROME',
  /** Internet Explorer (tracking index 1). */
  InternetExplorer: 'IE',
  /** Firefox (tracking index 2). */
  Firefox: 'FIREFOX',
  /** Safari (tracking index 3). */
  Safari: 'SAFARI',
  /** Opera (tracking index 4). */
  Opera: 'OPERA',
  /** Any other browser (tracking index 5). */
  Other: 'OTHER',
} as const;
/** One of `BrowserType`. */
export type BrowserType = (typeof BrowserType)[keyof typeof BrowserType];

/** Device classes known to Kameleoon. */
export const DeviceType = {
  /** A phone. */
  Phone: 'PHONE',
  /** A tablet. */
  Tablet: 'TABLET',
  /** A desktop or laptop computer. */
  Desktop: 'DESKTOP',
} as const;
/** One of `DeviceType`. */
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

/** Operating systems known to Kameleoon. */
export const OperatingSystemType = {
  /** Windows Phone (tracking index 5). */
  WindowsPhone: 'WINDOWS_PHONE',
  /** Windows (tracking index 0). */
  Windows: 'WINDOWS',
  /** Android (tracking index 4). */
  Android: 'ANDROID',
  /** Linux (tracking index 3). */
  Linux: 'LINUX',
  /** macOS (tracking index 1). */
  Mac: 'MAC',
  /** iOS and iPadOS (tracking index 2). */
  IOS: 'IOS',
} as const;
/** One of `OperatingSystemType`. */
export type OperatingSystemType = (typeof OperatingSystemType)[keyof typeof OperatingSystemType];

/** Kameleoon's index of each browser (`browserIndex` in tracking and visit data) is its position here. */
export const BROWSER_INDEXES: readonly BrowserType[] = [BrowserType.Chrome, BrowserType.InternetExplorer, BrowserType.Firefox, BrowserType.Safari, BrowserType.Opera, BrowserType.Other];
/** Kameleoon's index of each operating system (`osIndex`) is its position here. */
export const OS_INDEXES: readonly OperatingSystemType[] = [
  OperatingSystemType.Windows,
  OperatingSystemType.Mac,
  OperatingSystemType.IOS,
  OperatingSystemType.Linux,
  OperatingSystemType.Android,
  OperatingSystemType.WindowsPhone,
];
