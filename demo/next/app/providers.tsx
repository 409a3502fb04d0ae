'use client';
/**
 * The browser side of the SDK: a KameleoonProvider that starts from the server's snapshot, so the
 * first render in the browser equals the server HTML, and the exposures the server tracked are not
 * tracked again. On the server it creates no client (the snapshot is enough).
 */
import type { ReactNode } from 'react';
import { KameleoonProvider, type EndpointsType, type KameleoonSnapshot } from 'kameleoon-ts/react';

export function Providers(props: { siteCode: string; endpoints: EndpointsType; snapshot: KameleoonSnapshot; children: ReactNode }): ReactNode {
  const { siteCode, endpoints, snapshot, children } = props;
  return (
    <KameleoonProvider sdkParameters={{ siteCode, configuration: { endpoints } }} snapshot={snapshot}>
      {children}
    </KameleoonProvider>
  );
}
