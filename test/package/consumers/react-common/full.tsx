/**
 * The /full entries (INFO and DEBUG logging, as the official SDK 4.24's `/full`) compile with the
 * standard entries' types, here under node10 and bundler resolution.
 */
import type { JSX } from 'react';
import { KameleoonClient, KameleoonLogger, LogLevel } from 'kameleoon-ts/full';
import * as node from 'kameleoon-ts/node/full';
import * as browser from 'kameleoon-ts/browser/full';
import { KameleoonProvider, useFeatureFlag, type FeatureFlagResult } from 'kameleoon-ts/react/full';
import { KameleoonProviderSSR, createClient, useInitialize, type IUseInitialize } from 'kameleoon-ts/react-sdk/full';

KameleoonLogger.setLogLevel(LogLevel.DEBUG);
export const verbose = new KameleoonClient({ siteCode: 'abc' });
export const factory: typeof node.KameleoonClientFactory = node.KameleoonClientFactory;
export const inBrowser: browser.KameleoonClient = new browser.KameleoonClient({ siteCode: 'abc' });
export const sdkClient = createClient({ siteCode: 'abc' });

function Banner(): JSX.Element {
  const { active }: FeatureFlagResult = useFeatureFlag('new_checkout');
  const { initialize }: IUseInitialize = useInitialize();
  return <p onClick={() => void initialize()}>{String(active)}</p>;
}

export function App(): JSX.Element {
  return (
    <>
      <KameleoonProvider sdkParameters={{ siteCode: 'abc' }}>
        <Banner />
      </KameleoonProvider>
      <KameleoonProviderSSR sdkParameters={{ siteCode: 'abc' }}>
        <Banner />
      </KameleoonProviderSSR>
    </>
  );
}
