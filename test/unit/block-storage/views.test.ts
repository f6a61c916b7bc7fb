/**
 * The volume and snapshot views against the recordings: attachments only when attached (with
 * the recorded keys), admin-only keys, summary snapshot lists without microversioned fields.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Microversion } from '../../../reference-cloud/core/microversion';
import type { ApiRequest } from '../../../reference-cloud/core/service';
import { volumeDetail } from '../../../reference-cloud/block-storage/views/volumes';
import { snapshotView } from '../../../reference-cloud/block-storage/views/snapshots';
import { ADMIN, MEMBER, addVolume, openBlockStorage } from './attachments-helpers';
import { recorded } from './volumes-helpers';
import type { SnapshotRow } from '../../../reference-cloud/block-storage/models/volumes';

const request = (auth: typeof MEMBER, mv: string) => ({ auth, microversion: Microversion.of(mv), params: {}, baseUrl: 'http://test/volume' }) as unknown as ApiRequest;

describe('block storage: views', () => {
  it('shows only attached attachments, with the recorded keys; host_name for admins only', () => {
    const t = openBlockStorage();
    try {
      const v = addVolume(t.api, { status: 'in-use', attach_status: 'attached' });
      const put = t.api.store.db.prepare(`INSERT INTO volume_attachment (id, volume_id, project_id, instance_uuid, attached_host, mountpoint, attach_status, attach_time, created_at)
        VALUES (?, ?, 'p1', 'server-1', 'compute-1', '/dev/sdb', ?, ?, ?)`);
      put.run('att-1', v.id, 'attached', '2026-11-25T01:29:08.228Z', t.api.now());
      put.run('att-2', v.id, 'reserved', null, t.api.now());
      put.run('att-3', v.id, 'detached', null, t.api.now());
      const member = volumeDetail(t.api.store.db, request(MEMBER, '3.0'), v);
      const want = recorded('volume-show-nova-attached').response.body.volume;
      assert.deepEqual(Object.keys(member), Object.keys(want));
      assert.equal((member.attachments as unknown[]).length, 1);
      assert.deepEqual(Object.keys((member.attachments as object[])[0]), Object.keys(want.attachments[0]));
      assert.deepEqual((member.attachments as object[])[0], {
        id: v.id, attachment_id: 'att-1', volume_id: v.id, server_id: 'server-1', host_name: null, device: '/dev/sdb', attached_at: '2026-11-25T01:29:08.228000',
      });
      const admin = volumeDetail(t.api.store.db, request(ADMIN, '3.70'), v);
      assert.equal((admin.attachments as { host_name: string }[])[0].host_name, 'compute-1');
      assert.deepEqual(Object.keys(admin), Object.keys(recorded('volume-show-admin-3.70').response.body.volume));
      const created = volumeDetail(t.api.store.db, request(MEMBER, '3.0'), v, false);
      assert.deepEqual(Object.keys(created), Object.keys(recorded('volume-create').response.body.volume));
    } finally {
      t.close();
    }
  });

  it('keeps the snapshot summary list free of microversioned fields', () => {
    const t = openBlockStorage();
    try {
      const v = addVolume(t.api);
      const s: SnapshotRow = {
        id: 's1', volume_id: v.id, project_id: 'p1', user_id: 'u', name: 'n', description: null, size: 1, status: 'available', progress: '100%',
        volume_type_id: 'type-1', consumes_quota: 1, created_at: t.api.now(), updated_at: null,
      };
      const at = (mv: string, view: 'summary' | 'detail' | 'extended') => Object.keys(snapshotView(t.api.store.db, request(MEMBER, mv), s, view));
      assert.deepEqual(at('3.70', 'summary'), Object.keys(recorded('snapshot-list').response.body.snapshots[0]));
      assert.deepEqual(at('3.70', 'extended'), Object.keys(recorded('snapshot-list-detail').response.body.snapshots[0]));
      assert.deepEqual(at('3.65', 'extended'), Object.keys(recorded('snapshot-show-3.65').response.body.snapshot));
      assert.deepEqual(at('3.0', 'detail'), Object.keys(recorded('snapshot-create').response.body.snapshot));
    } finally {
      t.close();
    }
  });
});
