/**
 * What every real-client test shares: python-openstackclient, unmodified, against a reference
 * cloud started for the test file. `OSC_SKIP` is the reason to skip where the `openstack`
 * command is not installed (.ci/run installs Debian's python3-openstackclient).
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCloud, type RunningCloud } from '../../reference-cloud/core/cloud';
import { loadConfig } from '../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../reference-cloud/services';
import { writeCloudsYaml } from '../../harness/config';
import { targetForCloud } from '../../harness/cli/cloud-target';

export const run = promisify(execFile);
export const OPENSTACK = ['/usr/bin/openstack', '/usr/local/bin/openstack'].find((p) => existsSync(p));
export const OSC_SKIP: string | false = OPENSTACK ? false : 'python-openstackclient is not installed (apt-get install python3-openstackclient)';

export interface OscFixture {
  /** Runs one `openstack` command; JSON output is parsed; a non-zero exit fails the test with its stderr. */
  os(...args: string[]): Promise<any>;
  /** A scratch directory for the test's files (removed after). */
  dir(): string;
  cloud(): RunningCloud;
}

/** Starts an ephemeral cloud before the suite (inside a describe) and stops it after. */
export function useOscCloud(): OscFixture {
  let cloud: RunningCloud | undefined;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stackproof-osc-'));
    cloud = await startCloud(loadConfig({ overrides: { ephemeral: true, port: 0, logLevel: 'warn', passwordHashCost: 12 } }), { services: ALL_SERVICES });
    writeCloudsYaml(join(dir, 'clouds.yaml'), 'stackproof', targetForCloud(cloud.admin));
  });
  after(async () => {
    await cloud?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    async os(...args: string[]) {
      const env = { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), OS_CLOUD: 'stackproof', PATH: `/usr/bin:${process.env.PATH}` };
      try {
        const { stdout } = await run(OPENSTACK!, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
        const t = stdout.trim();
        return t.startsWith('{') || t.startsWith('[') ? JSON.parse(t) : t;
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        assert.fail(`openstack ${args.join(' ')} failed: ${err.stderr || err.message}`);
      }
    },
    dir: () => dir,
    cloud: () => cloud!,
  };
}
