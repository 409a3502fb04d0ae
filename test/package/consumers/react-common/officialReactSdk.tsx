/**
 * The official React SDK's documented forms (`@kameleoon/react-sdk` 10.x), unchanged but for the
 * package name: `kameleoon-ts/react-sdk`. Type-checked with React's JSX runtime in the bundler and
 * node10 projects.
 */
import { useEffect, useState, type JSX } from 'react';
import {
  CustomData,
  Environment,
  EventType,
  KameleoonError,
  KameleoonException,
  KameleoonProvider,
  KameleoonProviderSSR,
  LogLevel,
  createClient,
  useData,
  useFeatureFlag,
  useInitialize,
  useKameleoon,
  useLog,
  useVisitorCode,
  type IUseData,
  type IUseFeatureFlag,
  type IUseInitialize,
  type IUseVisitorCode,
  type IKameleoonProviderProps,
  type IKameleoonProviderSSRProps,
  type KameleoonClient,
  type SDKParameters,
  type Variation,
} from 'kameleoon-ts/react-sdk';

const parameters: SDKParameters = {
  siteCode: 'abc',
  configuration: { updateInterval: 60, environment: Environment.Production },
  externals: { prng: { getRandomNumber: () => Math.random() }, platformAnalyzer: { getResult: () => ({}) } },
  stubMode: typeof window === 'undefined',
};
export const client: KameleoonClient = createClient(parameters);

function Checkout(): JSX.Element {
  const { initialize, isInitialized, onEvent }: IUseInitialize = useInitialize();
  const { getVariation, isFeatureFlagActive, getFeatureFlagVariable, getVariations, getDataFile }: IUseFeatureFlag = useFeatureFlag();
  const { addData, flush, trackConversion, getRemoteData }: IUseData = useData();
  const { getVisitorCode, setLegalConsent }: IUseVisitorCode = useVisitorCode();
  const { setLogLevel } = useLog();
  const sameClient: KameleoonClient = useKameleoon();
  const [label, setLabel] = useState('Checkout');

  useEffect(() => {
    const run = async (): Promise<void> => {
      try {
        await initialize();
      } catch (error) {
        if (error instanceof KameleoonError && error.type === KameleoonException.ClientConfiguration) return;
        throw error;
      }
      setLogLevel(LogLevel.WARNING);
      onEvent(EventType.Evaluation, ({ featureKey, variation }) => console.log(featureKey, variation.key));
      const visitorCode: string = getVisitorCode();
      setLegalConsent(visitorCode, true);
      addData(visitorCode, new CustomData(1, 'premium'));
      const variation: Variation = getVariation({ visitorCode, featureKey: 'new_checkout', track: false });
      const active: boolean = isFeatureFlagActive(visitorCode, 'new_checkout') && isFeatureFlagActive({ visitorCode, featureKey: 'new_checkout' });
      const { value } = getFeatureFlagVariable({ visitorCode, featureKey: 'new_checkout', variableKey: 'color' });
      const all: Map<string, Variation> = getVariations({ visitorCode, onlyActive: true });
      trackConversion({ visitorCode, goalId: 1, revenue: 10 });
      flush(visitorCode, true);
      flush();
      const remote = await getRemoteData('key');
      setLabel(`${variation.key} ${String(active)} ${String(value)} ${all.size} ${getDataFile().featureFlags.size} ${JSON.stringify(remote)} ${String(isInitialized() && sameClient.isInitialized())}`);
    };
    void run();
  }, [initialize, isInitialized, onEvent, getVariation, isFeatureFlagActive, getFeatureFlagVariable, getVariations, getDataFile, addData, flush, trackConversion, getRemoteData, getVisitorCode, setLegalConsent, setLogLevel, sameClient]);
  return <button type="button">{label}</button>;
}

export function App(): JSX.Element {
  const props: Omit<IKameleoonProviderProps, 'children'> = { client };
  const ssr: Omit<IKameleoonProviderSSRProps, 'children'> = { sdkParameters: { siteCode: 'abc' } };
  return (
    <>
      <KameleoonProvider {...props}>
        <Checkout />
      </KameleoonProvider>
      <KameleoonProviderSSR {...ssr}>
        <Checkout />
      </KameleoonProviderSSR>
    </>
  );
}
