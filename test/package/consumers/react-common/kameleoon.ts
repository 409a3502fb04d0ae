/** One browser client for the app, as the official React SDK's documentation creates it. */
import { KameleoonClient } from 'kameleoon-ts/react';

export const client = new KameleoonClient({
  siteCode: 'abc',
  configuration: { updateInterval: 60, environment: 'production' },
});
