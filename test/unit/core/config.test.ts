import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseLocalConf } from '../../../reference-cloud/core/config';

describe('reference cloud configuration', () => {
  it('has defaults that need nothing', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 7700);
    assert.equal(c.region, 'RegionOne');
    assert.equal(c.tokenExpiration, 3600);
  });

  it('layers file < environment < overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'stackproof.yaml');
    writeFileSync(file, 'port: 9000\nregion: RegionTwo\ndelays:\n  server_build: 50\n');
    const c = loadConfig({ file, env: { STACKPROOF_REGION: 'RegionThree', STACKPROOF_DELAY_VOLUME_CREATE: '20' }, overrides: { port: 9100 } });
    assert.equal(c.port, 9100);
    assert.equal(c.region, 'RegionThree');
    assert.deepEqual(c.delays, { server_build: 50, volume_create: 20 });
  });

  it('reads the localrc section of a DevStack local.conf', () => {
    const o = parseLocalConf('[[local|localrc]]\nADMIN_PASSWORD="s3cret"\nREGION_NAME=RegionX\nENABLED_SERVICES=foo\n[[post-config|$NOVA_CONF]]\nADMIN_PASSWORD=ignored\n');
    assert.deepEqual(o, { adminPassword: 's3cret', region: 'RegionX' });
  });

  it('rejects wrong settings with a sentence that names them', () => {
    assert.throws(() => loadConfig({ env: { STACKPROOF_PORT: 'eighty' } }), (e: Error) => e instanceof ConfigError && /port must be an integer/.test(e.message));
    assert.throws(() => loadConfig({ env: { STACKPROOF_PASSWORD_HASH_COST: '4' } }), /passwordHashCost/);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'x.yaml'), 'prot: 1\n');
    assert.throws(() => loadConfig({ file: join(dir, 'x.yaml'), env: {} }), /unknown setting "prot"/);
  });
});
