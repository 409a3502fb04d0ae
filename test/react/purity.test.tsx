// @vitest-environment jsdom
/**
 * Hooks render purely: reading a flag during render fires no Evaluation handler and writes no
 * storage; the one real evaluation per provider, flag and visitor (in an effect) fires the
 * handlers once, under StrictMode and across configuration updates too.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EventType, KameleoonProvider, KameleoonStore, useVariation, type KameleoonClient } from '../../react/index.ts';
import { fakeBackend, newClient, twoFlags } from './helpers.tsx';

const clients: KameleoonClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  localStorage.clear();
});

/** A client whose Evaluation events and storage writes are counted. */
function countedClient(config = twoFlags('a1', 'b1')) {
  const backend = fakeBackend(config);
  const counts = { evaluations: [] as string[], writes: 0 };
  const memory = new Map<string, unknown>();
  const client = newClient(backend, {
    externals: {
      storage: {
        read: (key) => memory.get(key) ?? null,
        write: (key, data) => {
          counts.writes++;
          memory.set(key, data);
        },
      },
    },
  });
  client.onEvent(EventType.Evaluation, ({ featureKey }) => counts.evaluations.push(featureKey));
  clients.push(client);
  return { backend, client, counts };
}

describe('hooks render purely', () => {
  it("the store's render-time read fires no Evaluation handler and writes nothing; the real evaluation fires once", async () => {
    const { client, counts } = countedClient();
    await client.initialize();
    const store = new KameleoonStore(client);
    // A visitor new to the page first collects the page's data (browser, page view), as
    // getVisitorCode() does: that write is the switch to the visitor, not the evaluation.
    store.variation('v1', 'beta');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const writes = counts.writes;
    for (let i = 0; i < 3; i++) {
      store.invalidate(); // a new version: evaluated anew each time
      expect(store.variation('v1', 'alpha')?.key).toBe('a1');
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // storage writes are coalesced
    expect(counts.evaluations).toEqual([]);
    expect(counts.writes).toBe(writes);

    store.trackExposure('v1', 'alpha');
    store.trackExposure('v1', 'alpha');
    expect(counts.evaluations).toEqual(['alpha']);
  });

  it('a hook under StrictMode, re-rendered and updated, fires the Evaluation handler once per flag and variation shown', async () => {
    const { backend, client, counts } = countedClient();
    let bump: () => void = () => undefined;
    function Flags() {
      const [n, setN] = useState(0);
      bump = () => setN(n + 1);
      const alpha = useVariation('alpha', { visitorCode: 'v1' });
      const beta = useVariation('beta', { visitorCode: 'v1', track: false });
      return (
        <span data-testid="flags">
          {alpha?.key ?? 'loading'} {beta?.key ?? 'loading'} {n}
        </span>
      );
    }
    render(
      <StrictMode>
        <KameleoonProvider client={client}>
          <Flags />
        </KameleoonProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('flags').textContent).toBe('a1 b1 0'));
    for (let i = 1; i <= 3; i++) act(() => bump());
    expect(screen.getByTestId('flags').textContent).toBe('a1 b1 3');
    backend.config = twoFlags('a2', 'b1');
    await act(async () => backend.push(123));
    await waitFor(() => expect(screen.getByTestId('flags').textContent).toBe('a2 b1 3'));
    // a2 is a new variation shown: its exposure is the update's (beta's stays b1: not again).
    expect(counts.evaluations.sort()).toEqual(['alpha', 'alpha', 'beta']);
  });
});
