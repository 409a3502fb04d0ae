// Official form: ./provider.tsx.official (the import line of @kameleoon/react-sdk, and no dev server).
import type { ReactNode } from 'react';
import { KameleoonProviderSSR } from 'kameleoon-ts/react-sdk';

const DEV_SERVER = process.env.KAMELEOON_DEV_SERVER; // the local dev server (endpoints below)

const SITE_CODE = 'my_site_code'; // Your Kameleoon site code

const Provider = ({ children }: { children: ReactNode }) => {
  const sdkParams = {
    siteCode: SITE_CODE,
    configuration: { endpoints: { configuration: DEV_SERVER, tracking: DEV_SERVER, realTime: DEV_SERVER, dataApi: DEV_SERVER, api: DEV_SERVER } },
  };
  return <KameleoonProviderSSR sdkParameters={sdkParams}>{children}</KameleoonProviderSSR>;
};

export default Provider;
