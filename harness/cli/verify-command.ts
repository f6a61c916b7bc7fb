/**
 * `stackproof verify`: runs the conformance features with cucumber-js against a target. With
 * no target configured (no --os-cloud, OS_CLOUD or OS_AUTH_URL) it starts an ephemeral
 * reference cloud for the run and stops it after. Writes Allure results, JUnit, the Allure
 * environment and categories, and prints a one-screen summary with the verdict.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { startCloud, type RunningCloud } from '../../reference-cloud/core/cloud';
import { loadConfig } from '../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../reference-cloud/services';
import { loadTarget, writeCloudsYaml, type Target } from '../config';
import { Session } from '../client';
import { discoverCapabilities } from '../capabilities';
import { REFERENCE_CLOUD_NAME, targetForCloud } from './cloud-target';

export interface VerifyOptions {
  osCloud?: string;
  tags?: string;
  parallel?: string;
  paths?: string[];
  reports?: string;
  name?: string;
}

const ROOT = resolve(__dirname, '..', '..');

export async function verify(opts: VerifyOptions): Promise<number> {
  const reports = resolve(opts.reports ?? join(ROOT, 'reports'));
  const results = join(reports, 'allure-results');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const runId = `${new Date().toISOString().replace(/[-:T]/g, '').slice(2, 12)}${randomBytes(2).toString('hex')}`;

  let cloud: RunningCloud | undefined;
  let tmp: string | undefined;
  const env: Record<string, string> = { STACKPROOF_RUN_ID: runId, STACKPROOF_LEDGER_DIR: join(reports, 'ledger') };
  if (opts.osCloud) env.OS_CLOUD = opts.osCloud;
  const hasTarget = !!(opts.osCloud || process.env.OS_CLOUD || process.env.OS_AUTH_URL);
  if (!hasTarget) {
    cloud = await startCloud(loadConfig({ overrides: { ephemeral: true, port: 0, logLevel: 'warn', passwordHashCost: 12 } }), { services: ALL_SERVICES });
    tmp = mkdtempSync(join(tmpdir(), 'stackproof-verify-'));
    const cloudsFile = join(tmp, 'clouds.yaml');
    writeCloudsYaml(cloudsFile, REFERENCE_CLOUD_NAME, targetForCloud(cloud.admin));
    env.OS_CLIENT_CONFIG_FILE = cloudsFile;
    env.OS_CLOUD = REFERENCE_CLOUD_NAME;
    process.stdout.write(`Target: embedded reference cloud (${cloud.authUrl}), ready in ${cloud.startupMs.toFixed(0)} ms\n`);
  }
  Object.assign(process.env, env);
  try {
    const target = loadTarget({ cloud: process.env.OS_CLOUD });
    if (!target) throw new Error('no target');
    process.stdout.write(`Target: cloud "${target.name}" at ${target.auth.authUrl}\n`);
    await writeEnvironment(results, target);
    writeFileSync(join(results, 'categories.json'), JSON.stringify(CATEGORIES, null, 2));

    const parallel = Number(opts.parallel ?? 0);
    const { runConfiguration } = await loadConfiguration({
      provided: {
        paths: opts.paths?.length ? opts.paths : [join(ROOT, 'features/**/*.feature')],
        requireModule: ['tsx/cjs'],
        require: [join(ROOT, 'steps/**/*.ts')],
        tags: opts.tags ?? '',
        name: opts.name ? [opts.name] : [],
        parallel,
        format: [
          // Live progress: a bar with failures as they happen on a terminal, dots in CI logs.
          process.stdout.isTTY ? 'progress-bar' : 'progress',
          ['junit', join(reports, 'junit.xml')],
          ['allure-cucumberjs/reporter', join(reports, '.allure-reporter.out')],
          ['summary', join(reports, 'summary.txt')],
        ],
        formatOptions: {
          resultsDir: results,
          junit: { suiteName: 'stackproof' },
        },
        strict: true,
      },
    });
    const { success } = await runCucumber(runConfiguration);
    copyHistory(reports, results);
    process.stdout.write(`\nReports: ${results} (npm run report), ${join(reports, 'junit.xml')}\n`);
    process.stdout.write(`Verdict: ${success ? 'PASS' : 'FAIL'}\n`);
    return success ? 0 : 1;
  } finally {
    await cloud?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function writeEnvironment(results: string, target: Target): Promise<void> {
  const session = new Session(target);
  const lines = [`cloud=${target.name}`, `auth_url=${target.auth.authUrl}`, `region=${target.regionName ?? ''}`];
  try {
    const caps = await discoverCapabilities(session);
    for (const [type, c] of Object.entries(caps.services).sort()) lines.push(`${type}=${c.maxVersion ?? ''}`);
    lines.push(`admin=${caps.admin}`);
  } finally {
    await session.close();
  }
  writeFileSync(join(results, 'environment.properties'), `${lines.join('\n')}\n`);
}

/** Keeps Allure's trend across runs: the last report's history goes into the new results. */
function copyHistory(reports: string, results: string): void {
  const history = join(reports, 'allure-report', 'history');
  if (!existsSync(history)) return;
  mkdirSync(join(results, 'history'), { recursive: true });
  for (const f of ['history.json', 'history-trend.json', 'duration-trend.json', 'categories-trend.json', 'retry-trend.json']) {
    if (existsSync(join(history, f))) copyFileSync(join(history, f), join(results, 'history', f));
  }
}

/** Allure categories: what a failure most likely is. */
const CATEGORIES = [
  { name: 'Skipped: capability not offered by the target', matchedStatuses: ['skipped'] },
  { name: 'Product defect: the cloud answered differently', matchedStatuses: ['failed'], messageRegex: '(?s).*(answered|does not match schema|header|expected).*' },
  { name: 'Test defect: the step itself broke', matchedStatuses: ['broken', 'failed'], messageRegex: '(?s).*(TypeError|ReferenceError|no earlier step|not set up).*' },
  { name: 'Infrastructure: the target was unreachable', matchedStatuses: ['broken', 'failed'], messageRegex: '(?s).*(ECONNREFUSED|ETIMEDOUT|socket|network).*' },
];
