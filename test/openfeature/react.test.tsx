// @vitest-environment jsdom
/**
 * `@openfeature/react-sdk` over the web provider and a browser client of this package: a
 * component using `useBooleanFlagValue` shows the flag for the visitor of the cookie (the context
 * has no targeting key) and re-renders when the configuration changes.
 */
import { OpenFeature, OpenFeatureProvider, useBooleanFlagValue } from '@openfeature/react-sdk';
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { KameleoonClient } from '../../src/browser.ts';
import { KameleoonWebProvider } from '../../src/openfeature/index.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';
import { openFeatureConfig, serverParams, startServer } from './fixtures.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;

beforeEach(async () => {
  server = await startServer(openFeatureConfig('first'));
  document.cookie = 'kameleoonVisitorCode=react-visitor; path=/';
  client = new KameleoonClient(serverParams(server));
});

afterEach(async () => {
  await OpenFeature.close();
  await client.close();
  await server.stop();
  document.cookie = 'kameleoonVisitorCode=; max-age=0; path=/';
  localStorage.clear();
});

function Banner() {
  const on = useBooleanFlagValue('ff_values', false);
  return <p data-testid="banner">{on ? 'on' : 'off'}</p>;
}

it('useBooleanFlagValue shows the flag for the cookie visitor and re-renders when the configuration changes', async () => {
  let renders = 0;
  function Counted() {
    renders++;
    return <Banner />;
  }
  await OpenFeature.setProviderAndWait(new KameleoonWebProvider({ client }));
  render(
    <OpenFeatureProvider>
      <Counted />
    </OpenFeatureProvider>,
  );
  await waitFor(() => expect(screen.getByTestId('banner').textContent).toBe('on'));
  expect(client.getVariation({ visitorCode: 'react-visitor', featureKey: 'ff_values', track: false }).key).toBe('on');
  await waitFor(() => expect(client.getConfigurationStatus().streaming).toBe(true));

  await act(async () => {
    server.setConfig(openFeatureConfig('first', false));
    server.push({ siteCode: 'of-site', ts: 1 });
  });
  await waitFor(() => expect(screen.getByTestId('banner').textContent).toBe('off'));
  await act(async () => {
    server.setConfig(openFeatureConfig('first'));
    server.push({ siteCode: 'of-site', ts: 2 });
  });
  await waitFor(() => expect(screen.getByTestId('banner').textContent).toBe('on'));
  expect(renders).toBe(1); // only the hooks' component re-rendered
  // The cookie's visitor was the one evaluated (and exposed).
  await client.flushInstant();
  expect(server.trackingLines.some((l) => l.includes('visitorCode=react-visitor') && l.includes('eventType=experiment'))).toBe(true);
});
