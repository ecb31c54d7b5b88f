// Checks (or, with --local, updates) the API report of every public subpath in package.json "exports".
// The reports in api-report/ are committed: a change to the public API shows up in review and fails CI
// until the report is updated on purpose with `npm run api:update`.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const local = process.argv.includes('--local');
const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const base = ExtractorConfig.loadFile(join(root, 'api-extractor.json'));
let failed = 0;

for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object' || !target.types) continue;
  const name = subpath === '.' ? 'icode' : `icode-${subpath.slice(2).replaceAll('/', '-')}`;
  const configObject = {
    ...base,
    mainEntryPointFilePath: join(root, target.types),
    apiReport: { ...base.apiReport, reportFileName: `${name}.api.md` },
  };
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(root, 'api-extractor.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: local,
    showVerboseMessages: false,
    messageCallback: (m) => {
      if (m.logLevel === 'warning' && m.category === 'Compiler') m.handled = true;
    },
  });
  if (!result.succeeded || (!local && result.apiReportChanged)) {
    failed++;
    console.error(
      `API report of ${subpath}: ${result.apiReportChanged ? 'changed (run `npm run api:update` and commit api-report/)' : 'failed'}`,
    );
  } else {
    console.log(`API report of ${subpath}: ${local && result.apiReportChanged ? 'updated' : 'ok'}`);
  }
}
process.exit(failed ? 1 : 0);
