/**
 * The demo's React SPA: every flag's variation for this visitor, named, with the rule that gave it
 * (live); the checkout block of `new_checkout` with its variables and a conversion button; the
 * premium promotion of `promo_banner` with a button that makes the visitor premium; and a consent
 * control when the configuration requires consent. The dev server's URL comes from `?devServer=`
 * (the demo runner sets it); the rules in words and the consent setting come from the dev server's
 * live view (`/_events`), as the flags file says them now.
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CustomData, KameleoonProvider, useFeatureFlag, useKameleoon, useKameleoonStatus, useVariations, useVisitorCode } from '../../react/index.ts';
import type { LiveState } from '../../src/devserver/index.ts';

const devServer = new URLSearchParams(location.search).get('devServer') ?? 'http://127.0.0.1:8787';
const endpoints = { configuration: devServer, realTime: devServer, tracking: devServer, dataApi: devServer, api: devServer };

/** The dev server's view of the flags file, kept current over its stream. */
function useLiveState(): LiveState | undefined {
  const [state, setState] = useState<LiveState>();
  useEffect(() => {
    const stream = new EventSource(`${devServer}/_events`);
    stream.addEventListener('state', (m) => setState(JSON.parse((m as MessageEvent<string>).data) as LiveState));
    void fetch(`${devServer}/api/state`).then(async (r) => setState((await r.json()) as LiveState)).catch(() => undefined);
    return () => stream.close();
  }, []);
  return state;
}

function FlagPanel({ live }: { live: LiveState | undefined }) {
  const variations = useVariations();
  const ruleOf = (experimentId: number | null) => {
    for (const flag of live?.flags ?? []) for (const rule of flag.rules) if (rule.experimentId === experimentId) return `rule ${rule.position}: ${rule.text}`;
    return experimentId === null ? 'no rule applies: the default' : 'a rule';
  };
  return (
    <table id="flags">
      <thead>
        <tr><th>flag</th><th>variation</th><th>why</th></tr>
      </thead>
      <tbody>
        {[...variations].map(([key, variation]) => (
          <tr key={key} data-flag={key}>
            <td><code>{key}</code></td>
            <td><code className="variation">{variation.key}</code>{variation.name && variation.name !== variation.key ? <span className="name"> {variation.name}</span> : null}</td>
            <td className="why">{ruleOf(variation.experimentId)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Checkout() {
  const { active, variation, variables } = useFeatureFlag('new_checkout');
  const { trackConversion } = useKameleoon();
  const [converted, setConverted] = useState(0);
  return (
    <section id="checkout" data-variation={variation?.key ?? ''}>
      <h2>Checkout: {active ? (variation?.name || variation?.key) : 'classic'}</h2>
      <p>Variables: <code>{JSON.stringify(Object.fromEntries([...variables].map(([k, v]) => [k, v.value])))}</code></p>
      <button
        id="buy"
        onClick={() => {
          trackConversion({ goalId: 1, revenue: 42 });
          setConverted((n) => n + 1);
        }}
      >
        Buy (conversion of goal 1)
      </button>
      <span id="converted">{converted}</span>
    </section>
  );
}

function Premium() {
  const { active, variables } = useFeatureFlag('promo_banner');
  const { addData } = useKameleoon();
  const [premium, setPremium] = useState(false);
  return (
    <section id="premium" data-active={String(active)}>
      <h2>Premium promotion: {active ? 'on' : 'off'}</h2>
      {active ? <p className="banner">{String(variables.get('message')?.value ?? '')}</p> : <p>Only visitors in the segment <code>premium</code> (custom data <code>plan</code> is <code>premium</code>) see it.</p>}
      <button
        id="become-premium"
        disabled={premium}
        onClick={() => {
          addData(new CustomData('plan', 'premium'));
          setPremium(true);
        }}
      >
        {premium ? 'This visitor is premium' : 'Become premium (custom data plan = premium)'}
      </button>
    </section>
  );
}

function Consent() {
  const { setLegalConsent } = useKameleoon();
  const [given, setGiven] = useState<boolean | null>(null);
  return (
    <p id="consent-control">
      The flags file requires consent (<code>consent: required</code>): until it is given, experiments give the default variation and nothing is tracked. Consent:{' '}
      <button id="consent" onClick={() => { const next = !given; setLegalConsent(next); setGiven(next); }}>
        {given === null ? 'not set' : given ? 'given' : 'refused'}
      </button>
    </p>
  );
}

function App() {
  const { status, reason } = useKameleoonStatus();
  const visitorCode = useVisitorCode();
  const live = useLiveState();
  return (
    <main>
      <h1>kameleoon-ts demo: React SPA</h1>
      <p className="status">visitor <code id="visitor">{visitorCode}</code> · status <span id="status">{status}</span>{reason ? ` (${reason.message})` : ''} · dev server <a href={devServer}>{devServer}</a> (its page counts what this page tracks)</p>
      <p id="try" className="try">
        <b>Try this:</b> in <code>demo/flags.yaml</code>, set <code>traffic: 0</code> on the <code>new_checkout</code> rule and save: within a second, without a reload, the checkout below goes back to the classic one (<code>off</code>).
      </p>
      {live?.error ? <p id="flags-error" className="error">The last edit of the flags file was not loaded (line {live.error.line ?? '?'}): {live.error.message}</p> : null}
      <FlagPanel live={live} />
      <Checkout />
      <Premium />
      {live?.consentRequired ? <Consent /> : null}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <KameleoonProvider sdkParameters={{ siteCode: 'demo-site', configuration: { endpoints } }}>
    <App />
  </KameleoonProvider>,
);
