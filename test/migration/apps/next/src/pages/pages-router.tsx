// App 3: a Pages Router page deciding in getServerSideProps, with the visitor code from the
// Node request and response. No SDK import: ../kameleoon.ts holds the client.
import type { GetServerSideProps, GetServerSidePropsContext } from 'next';
import { initClient } from '../kameleoon';
import PageNewDesign from '../components/PageNewDesign';
import PageOldDesign from '../components/PageOldDesign';

interface PageHomeProps {
  newDesign: boolean;
}

export const getServerSideProps: GetServerSideProps<PageHomeProps> = async (context: GetServerSidePropsContext) => {
  // Access req/res via context
  const { req, res } = context;

  const client = await initClient();

  const visitorCode = client.getVisitorCode({ request: req, response: res });

  const isActive = client.isFeatureFlagActive({
    visitorCode,
    featureKey: 'new_design', // Your feature key
  });

  return {
    props: {
      newDesign: isActive,
    },
  };
};

export default function PageHome({ newDesign }: PageHomeProps) {
  return newDesign ? <PageNewDesign /> : <PageOldDesign />;
}
