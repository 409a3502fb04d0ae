// App 4: a React app on the official hooks under KameleoonProviderSSR, rendered by Next.js
// (App Router). The SDK runs in the browser only: the hooks' methods are called in an effect.
import PageExperiment from './_components/pageExperiment';
import Provider from './_providers/provider';

export default function PageHome() {
  return (
    <div>
      <h1>Server-side rendered area</h1>
      <Provider>
        <PageExperiment />
      </Provider>
    </div>
  );
}
