/**
 * Must NOT compile: the line after each `expect TSxxxx` comment must give exactly that error, and
 * no other line any error (package.test.ts checks both), so this project's type checks bite.
 */
import kameleoon = require('kameleoon-ts');
// expect TS2305: the store is exported by the Node and React entries, not by the browser one
import { KameleoonStore } from 'kameleoon-ts/browser';

declare const somePlatform: unknown;

// expect TS2554: the platform is chosen by the entry, never passed in
new kameleoon.KameleoonClient({ siteCode: 'abc' }, somePlatform);
// expect TS2322: updateInterval is a number of minutes
new kameleoon.KameleoonClient({ siteCode: 'abc', configuration: { updateInterval: '60' } });
// expect TS2554: a factory client is created from a site code
kameleoon.KameleoonClientFactory.create();
console.log(KameleoonStore);
