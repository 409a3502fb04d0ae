/**
 * The first stage builds its evaluation model without the checks (buildModel, from a document
 * parseConfiguration checked when it was fetched): on a document the checks pass, the model must
 * be the one parseConfiguration builds, field by field (segment functions aside, which the
 * differential tests compare by their answers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel, type ParsedConfig } from '../../src/config/model.ts';
import { parseConfiguration } from '../../src/config/parse.ts';
import { CONDITIONS } from '../../src/targeting/conditions.ts';
import { CORE_CONDITIONS } from '../../src/targeting/coreConditions.ts';
import { nativeUserRegExp } from '../../src/targeting/nativeRegex.ts';

const DIR = new URL('../conformance/fixtures/synthetic-configs/', import.meta.url);
const documents = readdirSync(DIR).map((file) => [file, readFileSync(new URL(file, DIR), 'utf8')] as const);

/** The model without its functions: segments by id, types and flags. */
const shape = (config: ParsedConfig) =>
  JSON.parse(
    JSON.stringify(config, (key, value: unknown) => {
      if (value instanceof Map) return [...value.entries()];
      if (value instanceof Set) return [...value.values()];
      if (typeof value === 'function') return 'fn';
      return value;
    }),
  ) as unknown;

describe('buildModel (unchecked) and parseConfiguration (checked)', () => {
  it.each(documents)('%s: the same model', (_file, text) => {
    const checked = parseConfiguration(text);
    expect(shape(buildModel(JSON.parse(text), nativeUserRegExp, CONDITIONS))).toEqual(shape(checked));
    // The first stage's table builds the same structure; only the functions of other types differ.
    expect(shape(buildModel(JSON.parse(text), nativeUserRegExp, CORE_CONDITIONS))).toEqual(shape(checked));
  });

  it('a segment without operator lists (as a raw document may have them) evaluates as a checked one', () => {
    const doc = JSON.parse(documents[0]![1]) as { segments?: { conditionsData: { firstLevelOrOperators?: unknown; firstLevel: { orOperators?: unknown }[] } }[] };
    const segments = doc.segments ?? [];
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) {
      delete s.conditionsData.firstLevelOrOperators;
      for (const g of s.conditionsData.firstLevel) delete g.orOperators;
    }
    const lean = buildModel(structuredClone(doc) as never, nativeUserRegExp, CONDITIONS);
    const checked = parseConfiguration(doc);
    const ctx = { data: undefined, visitorCode: 'v', documentCookies: () => [], segmentsAvailable: true, tables: checked, depth: 0 } as never;
    for (const [id, segment] of checked.segments) expect(lean.segments.get(id)!.evaluate(ctx)).toBe(segment.evaluate(ctx));
  });

  it('parseConfiguration still rejects what buildModel does not check', () => {
    const doc = JSON.parse(documents[0]![1]) as { featureFlags: { featureKey: unknown }[] };
    doc.featureFlags[0]!.featureKey = 42;
    expect(() => parseConfiguration(doc)).toThrow(/featureFlags\[0\]\.featureKey should be a string/);
  });
});
