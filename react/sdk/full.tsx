/**
 * kameleoon-ts/react-sdk/full: the official React SDK's API (kameleoon-ts/react-sdk) over the
 * /full build, as `@kameleoon/react-sdk/full`: clients also log at INFO and DEBUG (see
 * kameleoon-ts/full). The standard entries carry none of this code.
 */
import { memo, useContext, useState, type JSX, type MemoExoticComponent, type ReactNode } from 'react';
import type { KameleoonClient } from '../../src/browser.ts';
import { instrument, verbose, type Verbose } from '../../src/full/instrument.ts';
import { createClient as createStandardClient, type SDKParameters } from './createClient.ts';
import { KameleoonContext, KameleoonProviderSSR as StandardProviderSSR, type IKameleoonProviderSSRProps, type KameleoonContextType } from './provider.tsx';

export * from './index.ts';
export { KameleoonClient, KameleoonLogger } from '../../src/full/browser.ts';

/**
 * Creates a browser client as the official React SDK does (see the standard entry's), which logs
 * at the INFO and DEBUG levels too.
 * @param parameters - the site code, and optionally `configuration`, `externals` and `stubMode`
 * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
 */
export function createClient(parameters: SDKParameters): KameleoonClient {
  const { logger, params } = verbose(parameters);
  return instrument(createStandardClient(params), logger, parameters);
}

/**
 * Instruments the client the SSR provider above creates when a hook method first needs one: the
 * context's `kameleoonClient` is set then (see provider.tsx's clientOf).
 */
function Instrument({ setup, children }: { setup: Verbose<SDKParameters>; children: ReactNode }): ReactNode {
  const context = useContext(KameleoonContext);
  useState(() => {
    if (!context || Object.getOwnPropertyDescriptor(context, 'kameleoonClient')?.set) return;
    let client = context.kameleoonClient;
    Object.defineProperty(context, 'kameleoonClient', {
      get: () => client,
      set: (value: KameleoonContextType['kameleoonClient']) => {
        client = value && instrument(value, setup.logger, setup.params);
      },
      configurable: true,
      enumerable: true,
    });
  });
  return children;
}

function KameleoonProviderSSRImpl(props: IKameleoonProviderSSRProps): JSX.Element {
  const [setup] = useState(() => (typeof props.sdkParameters === 'object' && props.sdkParameters !== null ? verbose(props.sdkParameters) : undefined));
  if (!setup) return <StandardProviderSSR {...props} />;
  return (
    <StandardProviderSSR sdkParameters={setup.params}>
      <Instrument setup={setup}>{props.children}</Instrument>
    </StandardProviderSSR>
  );
}

/**
 * Gives the hooks below it a client created from `sdkParameters` when a hook method first needs
 * one (see the standard entry's); that client logs at the INFO and DEBUG levels too.
 * @throws {@link InvalidArgument} when `sdkParameters` is missing
 */
export const KameleoonProviderSSR: MemoExoticComponent<(props: IKameleoonProviderSSRProps) => JSX.Element> = memo(KameleoonProviderSSRImpl);
