/** The demo's Next.js App Router app (demo/next), built and started against the dev server. */
export { startNext } from '../test/e2e/nextApp.ts';
