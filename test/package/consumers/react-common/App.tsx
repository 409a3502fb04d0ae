/**
 * The React bindings as an app uses them: `<KameleoonProvider client={client}>` (or
 * `sdkParameters`) and the hooks, which return values. Type-checked with React's JSX runtime in
 * the bundler and node10 projects.
 */
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import {
  Conversion,
  CustomData,
  EventType,
  KameleoonError,
  KameleoonException,
  KameleoonProvider,
  useFeatureFlag,
  useFeatureVariable,
  useKameleoon,
  useKameleoonStatus,
  useVariation,
  useVariations,
  useVisitorCode,
  type FeatureFlagResult,
  type Variation,
} from 'kameleoon-ts/react';
import { client } from './kameleoon';

function Checkout() {
  const { active, variables, status }: FeatureFlagResult = useFeatureFlag('new_checkout');
  const variation: Variation | null = useVariation('search_ranking', { track: false });
  const color = useFeatureVariable('new_checkout', 'color');
  const all: ReadonlyMap<string, Variation> = useVariations(['new_checkout', 'search_ranking']);
  const visitorCode: string | undefined = useVisitorCode();
  const { status: clientStatus, reason } = useKameleoonStatus();
  const { addData, trackConversion, flush } = useKameleoon();

  useEffect(() => {
    addData(new CustomData(1, 'value'), new Conversion({ goalId: 1, revenue: 10 }));
  }, [addData]);

  const buy = () => {
    trackConversion({ goalId: 1, revenue: 10 });
    flush({ instant: true });
  };
  if (status === 'loading' || clientStatus === 'loading') return <p>Loading…</p>;
  return (
    <section data-visitor={visitorCode} data-reason={reason?.type ?? ''}>
      <button type="button" onClick={buy} style={{ color: String(variables.get('color')?.value ?? color ?? 'black') }}>
        {active ? 'New checkout' : 'Checkout'} ({variation?.key ?? 'none'}, {all.size} flags)
      </button>
    </section>
  );
}

client.onEvent(EventType.Evaluation, ({ featureKey, variation }) => console.log(featureKey, variation.key));
client.initialize().catch((error: unknown) => {
  if (error instanceof KameleoonError && error.type === KameleoonException.ClientConfiguration) console.warn('offline');
});

export function App() {
  return (
    <StrictMode>
      <KameleoonProvider client={client}>
        <Checkout />
      </KameleoonProvider>
      <KameleoonProvider sdkParameters={{ siteCode: 'abc', configuration: { environment: 'staging' } }} visitorCode="visitor-1">
        <Checkout />
      </KameleoonProvider>
    </StrictMode>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
