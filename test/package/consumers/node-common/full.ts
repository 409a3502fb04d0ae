/**
 * The /full entries (INFO and DEBUG logging, as the official SDK 4.24's `/full`) compile with the
 * standard entries' types, here under nodenext (ES module and CommonJS projects).
 */
import { KameleoonClient, KameleoonClientFactory, KameleoonLogger, LogLevel, type KameleoonClient as ClientType } from 'kameleoon-ts/full';
import * as node from 'kameleoon-ts/node/full';
import * as browser from 'kameleoon-ts/browser/full';
import * as react from 'kameleoon-ts/react/full';
import * as reactSdk from 'kameleoon-ts/react-sdk/full';
import * as standard from 'kameleoon-ts';

KameleoonLogger.setLogLevel(LogLevel.DEBUG);
export const verbose: ClientType = new KameleoonClient({ siteCode: 'abc' });
verbose.setLogLevel(LogLevel.INFO);
export const shared: node.KameleoonClient = node.KameleoonClientFactory.create('abc');
export const same: standard.KameleoonClient = KameleoonClientFactory.create('abc');
export const inBrowser: browser.KameleoonClient = new browser.KameleoonClient({ siteCode: 'abc' });
export const providers = [react.KameleoonProvider, reactSdk.KameleoonProviderSSR] as const;
export const created: reactSdk.KameleoonClient = reactSdk.createClient({ siteCode: 'abc' });
