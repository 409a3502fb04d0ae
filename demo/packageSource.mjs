// @ts-check
/**
 * The demo runs the SDK from this repository's sources, but picks the build the way a bundler
 * picks it from the published package: it reads `exports["."]` of package.json with the bundle's
 * conditions (`edge-light` for Next.js middleware, `workerd` for a Worker, `node`, `browser`) and
 * maps the file chosen (`./dist/edge.js`) to its source (`src/edge.ts`). A condition missing from
 * package.json therefore shows in the demo and its tests (each app reports the `BUILD` it got).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);

/**
 * The first target of a conditional exports value for `conditions`, in the package's key order
 * (as Node and bundlers walk it; `default` always matches).
 * @param {unknown} value
 * @param {readonly string[]} conditions
 * @returns {string | undefined}
 */
function pick(value, conditions) {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, target] of Object.entries(value)) {
    if (key !== 'default' && !conditions.includes(key)) continue;
    const found = pick(target, conditions);
    if (found) return found;
  }
  return undefined;
}

/**
 * The source file (absolute path) of the build `import 'kameleoon-ts'` resolves to under
 * `conditions` (e.g. `['edge-light', 'browser', 'import']` gives `<repo>/src/edge.ts`).
 * @param {readonly string[]} conditions
 * @returns {string}
 * @throws Error when the package's exports give no `./dist/<name>.js` for them
 */
export function packageSource(conditions) {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'));
  const target = pick(pkg.exports?.['.'], [...conditions, 'import']);
  const name = /^\.\/dist\/([a-z-]+)\.js$/.exec(target ?? '')?.[1];
  if (!name) throw new Error(`package.json exports["."] gives ${JSON.stringify(target)} for ${conditions.join(', ')}: expected ./dist/<entry>.js`);
  return fileURLToPath(new URL(`src/${name}.ts`, ROOT));
}
