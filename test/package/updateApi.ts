/**
 * Regenerates test/package/api/<entry>.api.md from the package as package.test.ts sees it (built,
 * packed, unpacked in the temporary directory): `npx tsx test/package/updateApi.ts`. Review the
 * diff (`git diff test/package/api`) as the change of the public API it is, then commit it.
 */
import { join } from 'node:path';
import { apiReports, prepareApiFolder } from './apiReport.ts';
import { buildAndPack } from './harness.ts';

const packed = await buildAndPack();
try {
  const folder = join(packed.root, 'api-report/kameleoon-ts');
  await prepareApiFolder(packed, folder);
  let failed = false;
  for (const result of apiReports(folder, join(packed.root, 'api-report/temp'), true)) {
    // In local mode API Extractor reports a new or changed report as a warning; both are expected here.
    const problems = result.problems.filter((p) => !/^\(console-api-report-(created|copied)\)/.test(p));
    console.log(`${result.entry}: ${result.changed ? 'updated' : 'unchanged'} (${result.reportPath})`);
    console.log(`  ae-forgotten-export: ${result.forgotten.join(', ') || 'none'}`);
    console.log(`  undocumented (ae-undocumented): ${result.undocumented.length}`);
    // Written into the reports all the same; package.test.ts fails on them.
    for (const problem of result.documentation) console.log(`  documentation: ${problem}`);
    for (const problem of problems) console.log(`  ${problem}`);
    if (problems.length > 0) failed = true;
  }
  if (failed) process.exitCode = 1;
} finally {
  packed.dispose();
}
