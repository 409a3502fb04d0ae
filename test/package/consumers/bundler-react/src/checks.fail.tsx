/**
 * Must NOT compile: the line after each `expect TSxxxx` comment must give exactly that error, and
 * no other line any error (package.test.ts checks both), so this project's type checks bite.
 */
// expect TS2724: bundlers resolve "." to the browser build, which has no client factory
import { KameleoonClient, KameleoonClientFactory } from 'kameleoon-ts';
import { KameleoonProvider, useFeatureFlag } from 'kameleoon-ts/react';
import { createClient, useFeatureFlag as useFeatureFlagMethods } from 'kameleoon-ts/react-sdk';

declare const somePlatform: unknown;

// expect TS2554: the platform is chosen by the entry, never passed in
export const client = new KameleoonClient({ siteCode: 'abc' }, somePlatform);

function Banner() {
  // expect TS2345: a feature key is a string
  const { active } = useFeatureFlag(42);
  return <p>{String(active)}</p>;
}

function OfficialBanner() {
  // expect TS2554: the official React SDK's hooks take no argument (they return the client's methods)
  const { getVariation } = useFeatureFlagMethods('new_checkout');
  return <p>{getVariation({ visitorCode: 'v', featureKey: 'new_checkout' }).key}</p>;
}

// expect TS2353: as in the official React SDK, createClient takes no _internals (prng and platformAnalyzer go in externals)
export const reactClient = createClient({ siteCode: 'abc', _internals: {} });

export function App() {
  return (
    <>
      {/* expect TS2322: the provider needs a client or the parameters to create one */}
      <KameleoonProvider>
        <Banner />
      </KameleoonProvider>
      {KameleoonClientFactory ? null : <Banner />}
      <OfficialBanner />
    </>
  );
}
