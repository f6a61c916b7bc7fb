/** Block-storage capability tags: backup services found with admin GET /os-services, backend limits declared. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../../harness/client/exchange';
import type { RequestOptions } from '../../../harness/client/session';
import {
  countBackupServices, discoverBlockStorage, parseDisabledVolumeFeatures, unmetRequirement, type Capabilities,
} from '../../../harness/capabilities';

function fakeSession(answers: Record<string, { status: number; json?: unknown }>) {
  const asked: string[] = [];
  return {
    asked,
    async request(opts: RequestOptions): Promise<Exchange> {
      const key = opts.path!;
      asked.push(`${opts.method} ${opts.service} ${key}`);
      const a = answers[key] ?? { status: 404 };
      return {
        request: { method: opts.method, url: key, headers: {} },
        response: { status: a.status, headers: {}, text: JSON.stringify(a.json ?? ''), ...(a.json !== undefined ? { json: a.json } : {}) },
        durationMs: 1,
      };
    },
  };
}

const SERVICES = '/os-services?binary=cinder-backup';
const base: Capabilities = { services: { 'block-storage': { maxVersion: '3.70', minVersion: '3.0' } }, admin: true, extensions: [] };

describe('block-storage capabilities', () => {
  it('counts cinder-backup services that are up and enabled', () => {
    assert.equal(countBackupServices({ services: [
      { binary: 'cinder-backup', state: 'up', status: 'enabled' },
      { binary: 'cinder-backup', state: 'down', status: 'enabled' },
      { binary: 'cinder-backup', state: 'up', status: 'disabled' },
      { binary: 'cinder-volume', state: 'up', status: 'enabled' },
    ] }), 1);
    assert.equal(countBackupServices({ services: [] }), 0);
    assert.equal(countBackupServices({ nope: 1 }), undefined);
  });

  it('parses the declared backend limits and refuses unknown names', () => {
    assert.deepEqual(parseDisabledVolumeFeatures(undefined), []);
    assert.deepEqual(parseDisabledVolumeFeatures(' from-image, extend detach,extend'), ['from-image', 'extend', 'detach']);
    assert.throws(() => parseDisabledVolumeFeatures('from-image,teleport'), /"teleport" is not a volume feature/);
  });

  it('asks an admin for the backup services, and says why they are unknown otherwise', async () => {
    const s = fakeSession({ [SERVICES]: { status: 200, json: { services: [{ binary: 'cinder-backup', state: 'up', status: 'enabled' }] } } });
    assert.deepEqual(await discoverBlockStorage(s, true, {}), { backupServices: 1, disabled: [] });
    assert.deepEqual(s.asked, [`GET block-storage ${SERVICES}`]);
    const member = fakeSession({});
    const c = await discoverBlockStorage(member, false, { STACKPROOF_VOLUME_FEATURES_DISABLED: 'detach' });
    assert.deepEqual(member.asked, []);
    assert.deepEqual(c.disabled, ['detach']);
    assert.match(unmetRequirement(['@requires:volume-backup'], { ...base, blockStorage: c })!, /unknown \(listing services needs admin credentials\)/);
    const none = await discoverBlockStorage(fakeSession({}), true, {});
    assert.match(unmetRequirement(['@requires:volume-backup'], { ...base, blockStorage: none })!, /GET \/os-services\?binary=cinder-backup answered 404/);
  });

  it('skips what the target cannot do, and passes what it can', async () => {
    const noBackup = await discoverBlockStorage(fakeSession({ [SERVICES]: { status: 200, json: { services: [] } } }), true,
      { STACKPROOF_VOLUME_FEATURES_DISABLED: 'from-image' });
    const caps = { ...base, blockStorage: noBackup };
    assert.match(unmetRequirement(['@requires:volume-backup'], caps)!, /the target has none/);
    assert.match(unmetRequirement(['@requires:volume-feature:from-image'], caps)!, /STACKPROOF_VOLUME_FEATURES_DISABLED declares/);
    assert.equal(unmetRequirement(['@requires:volume-feature:extend', '@requires:block-storage>=3.44'], caps), undefined);
    assert.match(unmetRequirement(['@requires:volume-feature:teleport'], caps)!, /malformed/);
    assert.match(unmetRequirement(['@requires:volume-feature:extend'], { ...base })!, /block-storage service/);
    const withBackup = { ...base, blockStorage: { backupServices: 2, disabled: [] } };
    assert.equal(unmetRequirement(['@requires:volume-backup'], withBackup), undefined);
  });
});
