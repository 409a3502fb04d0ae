/**
 * A React app reading flag `alpha` with useVariation; its configuration comes from the test
 * server's /cdn and real-time updates from its /stream (server-sent events).
 */
import { createRoot } from 'react-dom/client';
import { KameleoonProvider, useKameleoonStatus, useVariation } from '../../../react/index.ts';

function Alpha() {
  const variation = useVariation('alpha', { visitorCode: 'live-visitor', track: false });
  const { status } = useKameleoonStatus();
  return (
    <p id="alpha" data-status={status}>
      {variation?.key ?? 'loading'}
    </p>
  );
}

createRoot(document.getElementById('root')!).render(
  <KameleoonProvider sdkParameters={{ siteCode: 'react-site', configuration: { endpoints: { configuration: `${location.origin}/cdn`, realTime: `${location.origin}/stream` } } }}>
    <Alpha />
  </KameleoonProvider>,
);
