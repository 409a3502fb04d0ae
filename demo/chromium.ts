/**
 * Where the demo's `--check` and every test that drives a real browser find Chromium, and how they
 * start it. Nothing is downloaded: a Chromium must be installed (Debian: `apt-get install
 * chromium`, which `.ci/run` does).
 */

/** The variable that names the Chromium executable. */
export const CHROMIUM_PATH_VARIABLE = 'CHROMIUM_PATH';

/** Debian's Chromium, used when the variable is not set. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The Chromium executable: `CHROMIUM_PATH` when set (and not empty), else `/usr/bin/chromium`. */
export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  return env[CHROMIUM_PATH_VARIABLE]?.trim() || DEFAULT_CHROMIUM_PATH;
}

/** Headless, with the background services that would reach the internet (updates, sync, safe browsing) off. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** What to say when there is no Chromium at `path`. */
export function missingChromium(path: string, needed: string): string {
  return `${needed} Chromium, and there is none at ${path}: install it (Debian: apt-get install chromium, which .ci/run does) or set ${CHROMIUM_PATH_VARIABLE} to its executable.`;
}
