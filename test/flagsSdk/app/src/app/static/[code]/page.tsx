// A precomputed page: static (generated on first request, then served from the cache), its
// variant read from the code the middleware put in the URL.
import { precomputed, variant } from '../../../flags';

export async function generateStaticParams() {
  return [];
}

export default async function StaticPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const v = await variant(code, precomputed);
  return (
    <main data-variant={v} data-static="yes">
      Static variant {v}
    </main>
  );
}
