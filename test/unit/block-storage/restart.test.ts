/**
 * What the API acknowledged survives a restart: a volume answered `creating` (its job on the
 * durable queue, its delay longer than the process lived) becomes available after the cloud
 * starts again on the same data; a deletion acknowledged before the stop completes after it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCinder } from './volumes-helpers';

describe('block storage: restart', () => {
  it('finishes creates and deletes acknowledged before a stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sp-cinder-restart-'));
    try {
      const first = await startCinder({ ephemeral: false, dataDir, delays: { volume_create: 600_000, volume_delete: 600_000 } });
      const created = await first.call(first.member, 'POST', '/v3/volumes', { volume: { size: 1, name: 'survivor' } });
      assert.equal(created.status, 202);
      const id = created.body.volume.id;
      const doomed = await first.call(first.member, 'POST', '/v3/volumes', { volume: { size: 1, name: 'doomed' } });
      await first.call(first.admin, 'POST', `/v3/volumes/${doomed.body.volume.id}/action`, { 'os-reset_status': { status: 'available' } });
      const del = await first.call(first.member, 'DELETE', `/v3/volumes/${doomed.body.volume.id}`);
      assert.equal(del.status, 202);
      assert.equal((await first.call(first.member, 'GET', `/v3/volumes/${doomed.body.volume.id}`)).body.volume.status, 'deleting');
      assert.equal((await first.call(first.member, 'GET', `/v3/volumes/${id}`)).body.volume.status, 'creating');
      await first.cloud.close();

      const second = await startCinder({ ephemeral: false, dataDir, delays: { volume_create: 0, volume_delete: 0 } });
      try {
        const v = await second.waitFor(second.member, `/v3/volumes/${id}`, (b) => b?.volume?.status, 'available');
        assert.equal(v.volume.name, 'survivor');
        await second.waitFor(second.member, `/v3/volumes/${doomed.body.volume.id}`, (b) => b?.itemNotFound?.code, 404);
      } finally {
        await second.cloud.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
