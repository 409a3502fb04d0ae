/**
 * Browsers, devices and operating systems known to Kameleoon, and their tracking indexes, in a
 * module of their own: the lazy tracking chunk imports them without importing the data classes'
 * module (which would split the modules the entry shares with it into a chunk of their own).
 */

/** Browsers known to Kameleoon, with the official SDK's member names. */
export const BrowserType = {
  Chrome: 'CHROME',
  InternetExplorer: 'IE',
  Firefox: 'FIREFOX',
  Safari: 'SAFARI',
  Opera: 'OPERA',
  Other: 'OTHER',
} as const;
/** One of {@link BrowserType}. */
export type BrowserType = (typeof BrowserType)[keyof typeof BrowserType];

/** Device classes known to Kameleoon. */
export const DeviceType = { Phone: 'PHONE', Tablet: 'TABLET', Desktop: 'DESKTOP' } as const;
/** One of {@link DeviceType}. */
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

/** Operating systems known to Kameleoon. */
export const OperatingSystemType = {
  WindowsPhone: 'WINDOWS_PHONE',
  Windows: 'WINDOWS',
  Android: 'ANDROID',
  Linux: 'LINUX',
  Mac: 'MAC',
  IOS: 'IOS',
} as const;
/** One of {@link OperatingSystemType}. */
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
