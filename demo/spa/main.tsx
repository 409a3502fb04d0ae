/**
 * The demo's React SPA: a flag panel (every flag's variation for this visitor, live), the
 * checkout block of `new_checkout` with its variables, a conversion button and a consent toggle.
 * The dev server's URL comes from `?devServer=` (the demo runner sets it).
 */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { KameleoonProvider, useFeatureFlag, useKameleoon, useKameleoonStatus, useVariations, useVisitorCode } from '../../react/index.ts';

const devServer = new URLSearchParams(location.search).get('devServer') ?? 'http://127.0.0.1:8787';
const endpoints = { configuration: devServer, realTime: devServer, tracking: devServer, dataApi: devServer, api: devServer };

function FlagPanel() {
  const variations = useVariations();
  return (
    <table id="flags">
      <thead>
        <tr><th>flag</th><th>variation</th><th>experiment</th></tr>
      </thead>
      <tbody>
        {[...variations].map(([key, variation]) => (
          <tr key={key} data-flag={key}>
            <td><code>{key}</code></td>
            <td className="variation">{variation.key}</td>
            <td>{variation.experimentId ?? '—'}</td>
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
      <h2>Checkout {active ? `(${variation?.key})` : '(classic)'}</h2>
      <p>Variables: <code>{JSON.stringify(Object.fromEntries([...variables].map(([k, v]) => [k, v.value])))}</code></p>
      <button
        id="buy"
        onClick={() => {
          trackConversion({ goalId: 1, revenue: 42 });
          setConverted((n) => n + 1);
        }}
      >
        Buy (conversion)
      </button>
      <span id="converted">{converted}</span>
    </section>
  );
}

function Consent() {
  const { setLegalConsent } = useKameleoon();
  const [given, setGiven] = useState<boolean | null>(null);
  return (
    <p>
      Consent:{' '}
      <button id="consent" onClick={() => { const next = !given; setLegalConsent(next); setGiven(next); }}>
        {given === null ? 'not set' : given ? 'given' : 'refused'}
      </button>
    </p>
  );
}

function App() {
  const { status, reason } = useKameleoonStatus();
  const visitorCode = useVisitorCode();
  return (
    <main>
      <h1>kameleoon-ts demo: React SPA</h1>
      <p className="status">visitor <code id="visitor">{visitorCode}</code> · status <span id="status">{status}</span>{reason ? ` (${reason.message})` : ''} · dev server {devServer}</p>
      <FlagPanel />
      <Checkout />
      <Consent />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <KameleoonProvider sdkParameters={{ siteCode: 'demo-site', configuration: { endpoints } }}>
    <App />
  </KameleoonProvider>,
);
