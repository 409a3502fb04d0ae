// A dynamic page: the flags decided for the request's visitor (or overridden from the toolbar).
import { color, variant } from '../flags';

export default async function Home() {
  const [v, c] = await Promise.all([variant(), color()]);
  return (
    <main data-variant={v} data-color={c}>
      Variant {v}, color {c}
    </main>
  );
}
