/**
 * kameleoon-ts/react/full: the React bindings (kameleoon-ts/react) over the /full build, whose
 * clients also log at INFO and DEBUG (see kameleoon-ts/full). The standard entries carry none of
 * this code.
 */
import { useContext, useState, type ReactNode } from 'react';
import { instrument, verbose, type Verbose } from '../src/full/instrument.ts';
import type { SDKParameters } from '../src/client/options.ts';
import { KameleoonContext, KameleoonProvider as StandardProvider, type KameleoonProviderProps } from './provider.tsx';

export * from './index.ts';
export { KameleoonClient, KameleoonLogger } from '../src/full/browser.ts';

/** Instruments the client the provider above created from `sdkParameters`, as it first renders. */
function Instrument({ setup, children }: { setup: Verbose<SDKParameters>; children?: ReactNode }): ReactNode {
  const client = useContext(KameleoonContext)?.store.client;
  // Idempotent (StrictMode renders twice), and done before the provider's effect initializes the client.
  useState(() => client && instrument(client, setup.logger, setup.params));
  return children;
}

/**
 * Makes a Kameleoon client available to the hooks below it (see the standard entry's). A client
 * it creates from `sdkParameters` logs at the INFO and DEBUG levels too, as the /full build's
 * `KameleoonClient`.
 */
export function KameleoonProvider(props: KameleoonProviderProps): ReactNode {
  const [setup] = useState(() => (props.sdkParameters ? verbose(props.sdkParameters) : undefined));
  if (!setup) return <StandardProvider {...props} />;
  return (
    <StandardProvider snapshot={props.snapshot} visitorCode={props.visitorCode} sdkParameters={setup.params}>
      <Instrument setup={setup}>{props.children}</Instrument>
    </StandardProvider>
  );
}
