/**
 * Quotas under concurrency: many parallel creates against a small quota; the check counts rows in
 * the transaction that inserts the volume, so exactly the quota succeeds (202) and the rest get
 * Cinder's 413. Snapshots and the per-type quota the same way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCinder, type Cinder } from './volumes-helpers';

describe('block storage: quotas under concurrency', () => {
  let c: Cinder;
  before(async () => {
    c = await startCinder();
  });
  after(async () => {
    await c?.cloud.close();
  });

  it('lets exactly `volumes` parallel creates through', async () => {
    assert.equal((await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 4 } })).status, 200);
    const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => c.call(c.other, 'POST', '/v3/volumes', { volume: { size: 1, name: `q${i}` } })));
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 202).length, 4, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 413).length, 20);
    for (const r of replies.filter((x) => x.status === 413)) {
      assert.equal(r.body.overLimit.message, "VolumeLimitExceeded: Maximum number of volumes allowed (4) exceeded for quota 'volumes'.");
    }
    assert.equal((await c.call(c.other, 'GET', '/v3/volumes')).body.volumes.length, 4);
  });

  it('holds gigabytes and per-type limits under concurrency too', async () => {
    await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.alpha}`, { quota_set: { volumes: 100, gigabytes: 10, volumes_multiattach: 2 } });
    const sized = await Promise.all(Array.from({ length: 12 }, () => c.call(c.member, 'POST', '/v3/volumes', { volume: { size: 3 } })));
    assert.equal(sized.filter((r) => r.status === 202).length, 3, 'three 3 GiB volumes fit in 10 GiB');
    const typed = await Promise.all(Array.from({ length: 8 }, () => c.call(c.member, 'POST', '/v3/volumes', { volume: { size: 0 + 1, volume_type: 'multiattach' } })));
    assert.equal(typed.filter((r) => r.status === 202).length, 1, '9 + 1 GiB: only one more fits the 10 GiB');
    const usage = await c.call(c.member, 'GET', `/v3/os-quota-sets/${c.alpha}?usage=True`);
    assert.equal(usage.body.quota_set.gigabytes.in_use, 10);
    assert.ok(usage.body.quota_set.gigabytes.in_use <= usage.body.quota_set.gigabytes.limit);
  });

  it('lets exactly `snapshots` parallel snapshots through', async () => {
    await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.alpha}`, { quota_set: { gigabytes: 1000, snapshots: 2 } });
    const v = await c.call(c.member, 'POST', '/v3/volumes', { volume: { size: 1 } });
    await c.waitFor(c.member, `/v3/volumes/${v.body.volume.id}`, (b) => b?.volume?.status, 'available');
    const snaps = await Promise.all(Array.from({ length: 10 }, () => c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: v.body.volume.id } })));
    assert.equal(snaps.filter((r) => r.status === 202).length, 2);
    const refused = snaps.find((r) => r.status === 413)!;
    assert.deepEqual(refused.body, { overLimit: { code: 413, message: 'SnapshotLimitExceeded: Maximum number of snapshots allowed (2) exceeded', retryAfter: '0' } });
  });
});
