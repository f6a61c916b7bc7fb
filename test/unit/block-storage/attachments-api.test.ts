/**
 * The attachments API (3.27+) and the legacy attach actions: the volume's status machine
 * (reserved → attaching → in-use → available), multiattach, service-owned (Nova's) attachments,
 * project isolation, and the recorded answers of a real Cinder (test/fixtures/cinder-zed).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachmentRoutes } from '../../../reference-cloud/block-storage/api/attachments';
import { registerAttachActions } from '../../../reference-cloud/block-storage/api/attach-actions';
import { ADMIN, OTHER, SERVICE_TOKEN, action, addVolume, call, openBlockStorage, volume, type TestBlockStorage } from './attachments-helpers';

const opened: TestBlockStorage[] = [];
function open() {
  const t = openBlockStorage();
  registerAttachActions(t.api);
  opened.push(t);
  return { ...t, routes: attachmentRoutes(t.api) };
}
after(() => opened.forEach((t) => t.close()));

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures/cinder-zed', `${name}.json`), 'utf8')).response.body;
const SERVER = '11111111-2222-4333-8444-ad35a83cf2c1';
const CONNECTOR = { initiator: 'iqn.1993-08.org.debian:01:rec', ip: '127.0.0.1', platform: 'x86_64', host: 'lab-compute', os_type: 'linux', multipath: false, mountpoint: '/dev/vdb' };
const keys = (o: object) => Object.keys(o);

describe('attachments API', () => {
  it('is a 404 below 3.27 (and os-complete below 3.44)', async () => {
    const t = open();
    const v = addVolume(t.api);
    const r = await call(t.routes, 'POST', '/attachments', { mv: '3.26', body: { attachment: { volume_uuid: v.id, instance_uuid: SERVER } } });
    assert.equal(r.status, 404);
    assert.equal(r.message, fixture('attachment-create-3.26').itemNotFound.message);
    assert.equal((await call(t.routes, 'GET', '/attachments', { mv: '3.26' })).status, 404);
    const a = (await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: v.id, instance_uuid: SERVER } } })).body.attachment;
    assert.equal((await call(t.routes, 'POST', `/attachments/${a.id}/action`, { mv: '3.27', body: { 'os-complete': null } })).status, 404);
  });

  it('takes a volume through reserved, attaching, in-use and back to available with the recorded shapes', async () => {
    const t = open();
    const v = addVolume(t.api);
    const created = await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: v.id, instance_uuid: SERVER } } });
    assert.equal(created.status, 200);
    const rec = fixture('attachment-create').attachment;
    assert.deepEqual(keys(created.body.attachment), keys(rec));
    assert.deepEqual({ ...created.body.attachment, id: 'x', volume_id: 'y' }, { ...rec, id: 'x', volume_id: 'y' });
    assert.equal(volume(t.api, v.id).status, 'reserved');
    const id = created.body.attachment.id;

    const again = await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: v.id } } });
    assert.equal(again.status, 400);
    assert.equal(again.message, `Invalid volume: Volume ${v.id} status must be available or downloading to reserve, but the current status is reserved.`);

    const updated = await call(t.routes, 'PUT', `/attachments/${id}`, { mv: '3.27', body: { attachment: { connector: CONNECTOR } } });
    assert.equal(updated.status, 200);
    const recU = fixture('attachment-update').attachment;
    assert.deepEqual(keys(updated.body.attachment), keys(recU));
    assert.deepEqual(updated.body.attachment.connection_info, { ...recU.connection_info, attachment_id: id });
    assert.equal(updated.body.attachment.status, 'reserved', 'the answer is the copy loaded before the update');
    assert.equal(volume(t.api, v.id).status, 'attaching');

    assert.equal((await call(t.routes, 'POST', `/attachments/${id}/action`, { mv: '3.44', body: { 'os-complete': null } })).status, 204);
    const vol = volume(t.api, v.id);
    assert.equal(vol.status, 'in-use');
    assert.equal(vol.attach_status, 'attached');
    const shown = (await call(t.routes, 'GET', `/attachments/${id}`, { mv: '3.44' })).body.attachment;
    assert.equal(shown.status, 'attached');
    assert.equal(shown.attach_mode, 'rw');
    assert.match(shown.attached_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(shown.detached_at, '');

    const list = (await call(t.routes, 'GET', '/attachments', { mv: '3.27' })).body;
    assert.deepEqual(list, { attachments: [{ id, status: 'attached', instance: SERVER, volume_id: v.id }] });
    assert.deepEqual(keys((await call(t.routes, 'GET', '/attachments/detail', { mv: '3.27' })).body.attachments[0]), keys(fixture('attachment-list-detail').attachments[0]));

    const deleted = await call(t.routes, 'DELETE', `/attachments/${id}`, { mv: '3.27' });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, fixture('attachment-delete'));
    assert.equal(volume(t.api, v.id).status, 'available');
    assert.equal(volume(t.api, v.id).attach_status, 'detached');
    const gone = await call(t.routes, 'DELETE', `/attachments/${id}`, { mv: '3.27' });
    assert.equal(gone.status, 404);
    assert.equal(gone.message, `Volume attachment could not be found with filter: attachment_id = ${id}.`);
  });

  it('lets a multiattach volume hold several attachments and stays in-use while one remains', async () => {
    const t = open();
    const v = addVolume(t.api, { multiattach: 1 });
    const ids: string[] = [];
    for (const server of [SERVER, '22222222-2222-4333-8444-ad35a83cf2c1']) {
      const a = (await call(t.routes, 'POST', '/attachments', { mv: '3.54', body: { attachment: { volume_uuid: v.id, instance_uuid: server, connector: CONNECTOR, mode: 'ro' } } })).body.attachment;
      assert.equal(a.attach_mode, 'ro');
      assert.equal(a.connection_info.access_mode, 'ro');
      assert.equal((await call(t.routes, 'POST', `/attachments/${a.id}/action`, { mv: '3.44', body: { 'os-complete': null } })).status, 204);
      ids.push(a.id);
    }
    assert.equal(volume(t.api, v.id).status, 'in-use');
    const left = await call(t.routes, 'DELETE', `/attachments/${ids[0]}`, { mv: '3.27' });
    assert.deepEqual(left.body.attachments.map((a: { id: string }) => a.id), [ids[1]]);
    assert.equal(volume(t.api, v.id).status, 'in-use');
    await call(t.routes, 'DELETE', `/attachments/${ids[1]}`, { mv: '3.27' });
    assert.equal(volume(t.api, v.id).status, 'available');
  });

  it('refuses attachments of volumes in error, and bad bodies, changing nothing', async () => {
    const t = open();
    const bad = addVolume(t.api, { status: 'error' });
    const r = await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: bad.id } } });
    assert.equal(r.status, 400);
    assert.match(r.message!, /^Invalid volume: Volume attachments can not be created if the volume is in an error state/);
    const v = addVolume(t.api);
    for (const body of [null, [], { attachment: {} }, { attachment: { volume_uuid: 'nope' } }, { attachment: { volume_uuid: v.id, colour: 1 } }, { attachment: { volume_uuid: v.id, mode: 'rw' } }]) {
      assert.equal((await call(t.routes, 'POST', '/attachments', { mv: '3.27', body })).status, 400, JSON.stringify(body));
    }
    const unknown = await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: '00000000-0000-0000-0000-000000000000', instance_uuid: SERVER } } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.message, fixture('attachment-create-unknown-volume').itemNotFound.message);
    assert.equal(volume(t.api, v.id).status, 'available');
    assert.equal((t.api.store.db.prepare('SELECT COUNT(*) AS n FROM volume_attachment').get() as { n: number }).n, 0);
  });

  it('keeps projects apart; an admin lists all with all_tenants', async () => {
    const t = open();
    const v = addVolume(t.api);
    assert.equal((await call(t.routes, 'POST', '/attachments', { mv: '3.27', auth: OTHER, body: { attachment: { volume_uuid: v.id } } })).status, 404);
    const a = (await call(t.routes, 'POST', '/attachments', { mv: '3.27', body: { attachment: { volume_uuid: v.id } } })).body.attachment;
    assert.equal((await call(t.routes, 'GET', `/attachments/${a.id}`, { mv: '3.27', auth: OTHER })).status, 404);
    assert.equal((await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27', auth: OTHER })).status, 404);
    assert.deepEqual((await call(t.routes, 'GET', '/attachments', { mv: '3.27', auth: OTHER })).body.attachments, []);
    assert.equal((await call(t.routes, 'GET', '/attachments', { mv: '3.27', auth: ADMIN })).body.attachments.length, 0);
    assert.equal((await call(t.routes, 'GET', '/attachments?all_tenants=1', { mv: '3.27', auth: ADMIN })).body.attachments.length, 1);
    assert.equal((await call(t.routes, 'GET', '/attachments?colour=red', { mv: '3.34' })).status, 400);
    assert.equal((await call(t.routes, 'GET', `/attachments?volume_id=${v.id}`, { mv: '3.34' })).body.attachments.length, 1);
  });
});

describe('service-owned (Nova) attachments', () => {
  it('cannot be deleted or detached without a service token (ConflictNovaUsingAttachment)', async () => {
    const t = open();
    const v = addVolume(t.api);
    const svc = { 'X-Service-Token': SERVICE_TOKEN };
    const a = (await call(t.routes, 'POST', '/attachments', { mv: '3.44', headers: svc, body: { attachment: { volume_uuid: v.id, instance_uuid: SERVER } } })).body.attachment;
    // Reserved, not connected: anyone may drop it.
    await call(t.routes, 'PUT', `/attachments/${a.id}`, { mv: '3.44', headers: svc, body: { attachment: { connector: CONNECTOR } } });
    await call(t.routes, 'POST', `/attachments/${a.id}/action`, { mv: '3.44', headers: svc, body: { 'os-complete': null } });
    const expected = `ConflictNovaUsingAttachment: Detach volume from instance ${SERVER} using the Compute API`;
    const del = await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27' });
    assert.equal(del.status, 409);
    assert.equal(del.message, expected);
    const legacy = await action(t.api, v.id, 'os-detach', { attachment_id: a.id });
    assert.equal(legacy.status, 409);
    assert.equal(legacy.message, expected);
    assert.equal((await action(t.api, v.id, 'os-terminate_connection', { connector: CONNECTOR })).status, 409);
    assert.equal((await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27', headers: { 'X-Service-Token': 'tok-p1' } })).status, 409, 'a token without the service role is no service token');
    assert.equal((await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27', headers: { 'X-Service-Token': 'garbage' } })).status, 401);
    assert.equal(volume(t.api, v.id).status, 'in-use');
    assert.equal((await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27', headers: svc })).status, 200);
    assert.equal(volume(t.api, v.id).status, 'available');
  });

  it('lets a user delete the attachments it made itself', async () => {
    const t = open();
    const v = addVolume(t.api);
    const a = (await call(t.routes, 'POST', '/attachments', { mv: '3.44', body: { attachment: { volume_uuid: v.id, instance_uuid: SERVER, connector: CONNECTOR } } })).body.attachment;
    await call(t.routes, 'POST', `/attachments/${a.id}/action`, { mv: '3.44', body: { 'os-complete': null } });
    assert.equal((await call(t.routes, 'DELETE', `/attachments/${a.id}`, { mv: '3.27' })).status, 200);
  });
});

describe('legacy attach actions', () => {
  it('reserve, unreserve, attach, begin and roll back detaching, detach', async () => {
    const t = open();
    const v = addVolume(t.api);
    assert.equal((await action(t.api, v.id, 'os-reserve', {})).status, 202);
    assert.equal(volume(t.api, v.id).status, 'attaching');
    const twice = await action(t.api, v.id, 'os-reserve', {});
    assert.equal(twice.status, 400);
    assert.equal(twice.message, 'Invalid volume: Volume status must be available to reserve, but the status is attaching.');
    await action(t.api, v.id, 'os-unreserve', {});
    assert.equal(volume(t.api, v.id).status, 'available');

    const begin = await action(t.api, v.id, 'os-begin_detaching', {});
    assert.equal(begin.status, 400);
    assert.equal(begin.message, "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");

    assert.equal((await action(t.api, v.id, 'os-attach', { instance_uuid: SERVER, mountpoint: '/dev/vdb' })).status, 202);
    assert.equal(volume(t.api, v.id).status, 'in-use');
    assert.equal(volume(t.api, v.id).attach_status, 'attached');
    const second = await action(t.api, v.id, 'os-attach', { instance_uuid: '22222222-2222-4333-8444-ad35a83cf2c1', mountpoint: '/dev/vdc' });
    assert.equal(second.status, 400);
    assert.match(second.message!, /multiple attachments are not enabled/);
    assert.equal((await action(t.api, v.id, 'os-attach', { mountpoint: '/dev/vdb' })).status, 400, 'instance_uuid or host_name is required');

    await action(t.api, v.id, 'os-begin_detaching', {});
    assert.equal(volume(t.api, v.id).status, 'detaching');
    await action(t.api, v.id, 'os-roll_detaching', {});
    assert.equal(volume(t.api, v.id).status, 'in-use');
    const conn = await action(t.api, v.id, 'os-initialize_connection', { connector: CONNECTOR });
    assert.equal(conn.status, 200);
    assert.deepEqual(conn.body, { connection_info: { driver_volume_type: 'iscsi', data: { access_mode: 'rw', qos_specs: null, encrypted: false, cacheable: false } } });
    assert.equal((await action(t.api, v.id, 'os-detach', {})).status, 202);
    const after = volume(t.api, v.id);
    assert.equal(after.status, 'available');
    assert.equal(after.attach_status, 'detached');
    assert.equal((await action(t.api, v.id, 'os-detach', { attachment_id: 'x' })).status, 400);
  });
});
