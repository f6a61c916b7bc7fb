/** `stackproof report`: the Allure HTML report from reports/allure-results (allure-commandline, needs Java). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function report(opts: { reports?: string; open?: boolean }): number {
  const reports = resolve(opts.reports ?? join(__dirname, '..', '..', 'reports'));
  const results = join(reports, 'allure-results');
  const out = join(reports, 'allure-report');
  if (!existsSync(results)) {
    process.stderr.write(`no results in ${results}: run \`npm test\` or \`stackproof verify\` first\n`);
    return 2;
  }
  const allure = require.resolve('allure-commandline/bin/allure');
  const r = spawnSync(allure, ['generate', results, '-o', out, '--clean'], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('allure-commandline failed (it needs a Java runtime: apt-get install default-jre-headless)\n');
    return r.status ?? 1;
  }
  process.stdout.write(`Allure report: ${join(out, 'index.html')}\n`);
  return 0;
}
