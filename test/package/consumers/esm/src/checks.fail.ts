/**
 * Must NOT compile: the line after each `expect TSxxxx` comment must give exactly that error, and
 * no other line any error (package.test.ts checks both), so this project's type checks bite.
 */
import { KameleoonClient, KameleoonClientBase, KameleoonException, type SDKParameters } from 'kameleoon-ts';
// expect TS2724: the client factory is Node-only; the browser entry does not declare it
import { KameleoonClientFactory as browserFactory } from 'kameleoon-ts/browser';

declare const somePlatform: unknown;
const params: SDKParameters = { siteCode: 'abc' };

// expect TS2554: the platform is chosen by the entry, never passed in
new KameleoonClient(params, somePlatform);
// expect TS2674: the base class cannot be constructed
new KameleoonClientBase(params);
// expect TS2561: an option the official SDK does not have
new KameleoonClient({ siteCode: 'abc', configuration: { updateIntervalMinutes: 60 } });
// expect TS2345: getVariation needs the feature key
new KameleoonClient(params).getVariation({ visitorCode: 'visitor' });
// expect TS2339: the official name is FeatureFlagConfigurationNotFound
console.log(KameleoonException.FeatureFlagNotFound, browserFactory);
