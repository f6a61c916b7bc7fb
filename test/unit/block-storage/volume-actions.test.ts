/**
 * Volume actions on a store, where states the HTTP API cannot reach alone (an attached volume)
 * are set up directly: extend in-use from 3.42 only, back to in-use; snapshots of in-use volumes
 * need force; retype of an in-use volume to a multiattach type is refused; force delete refuses
 * attached volumes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registerVolumeActions } from '../../../reference-cloud/block-storage/api/volume-actions';
import { registerVolumeWork } from '../../../reference-cloud/block-storage/volume-manager';
import { ADMIN, action, addVolume, openBlockStorage, volume } from './attachments-helpers';

function setup() {
  const t = openBlockStorage();
  t.api.store.db.prepare(`INSERT INTO backends (host, backend_name, availability_zone, total_capacity_gb, capabilities) VALUES ('stackproof@lvmdriver-1#lvmdriver-1', 'lvmdriver-1', 'nova', 100, '{}')`).run();
  t.api.store.db.prepare("INSERT INTO volume_types (id, name, created_at) VALUES ('type-multi', 'multiattach', ?)").run(t.api.now());
  t.api.store.db.prepare("INSERT INTO volume_type_extra_specs (volume_type_id, key, value) VALUES ('type-multi', 'multiattach', '<is> True')").run();
  registerVolumeWork(t.api);
  registerVolumeActions(t.api);
  return t;
}

describe('block storage: volume actions on attached volumes', () => {
  it('extends an in-use volume from 3.42 and returns it to in-use', async () => {
    const t = setup();
    try {
      const v = addVolume(t.api, { status: 'in-use', attach_status: 'attached', host: 'stackproof@lvmdriver-1#lvmdriver-1' });
      const old = await action(t.api, v.id, 'os-extend', { new_size: 2 }, { mv: '3.41' });
      assert.equal(old.status, 400);
      assert.equal(old.message, `Invalid volume: Volume ${v.id} status must be '{'status': 'available'}' to extend, currently in-use.`);
      const ok = await action(t.api, v.id, 'os-extend', { new_size: 2 }, { mv: '3.42' });
      assert.equal(ok.status, 202);
      assert.equal(volume(t.api, v.id).status, 'extending');
      await t.api.queue.idle();
      assert.equal(volume(t.api, v.id).status, 'in-use');
      assert.equal(volume(t.api, v.id).size, 2);
      // No room on the backend: the extend fails in the volume service.
      const big = await action(t.api, v.id, 'os-extend', { new_size: 500 }, { mv: '3.42' });
      assert.equal(big.status, 202);
      await t.api.queue.idle();
      assert.equal(volume(t.api, v.id).status, 'error_extending');
      assert.equal(volume(t.api, v.id).size, 2);
    } finally {
      t.close();
    }
  });

  it('refuses a multiattach retype and a force delete of an in-use volume', async () => {
    const t = setup();
    try {
      const v = addVolume(t.api, { status: 'in-use', attach_status: 'attached', host: 'stackproof@lvmdriver-1#lvmdriver-1' });
      const r = await action(t.api, v.id, 'os-retype', { new_type: 'multiattach', migration_policy: 'on-demand' });
      assert.equal(r.status, 400);
      assert.match(r.message!, /multiattach/);
      const fd = await action(t.api, v.id, 'os-force_delete', {}, { auth: ADMIN });
      assert.equal(fd.status, 400);
      assert.equal(volume(t.api, v.id).status, 'in-use');
      // Upload needs force for an in-use volume.
      const up = await action(t.api, v.id, 'os-volume_upload_image', { image_name: 'x' });
      assert.equal(up.status, 400);
      assert.equal(up.message, `Invalid volume: Volume ${v.id} status must be available`);
    } finally {
      t.close();
    }
  });
});
