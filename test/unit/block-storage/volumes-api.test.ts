/**
 * The volumes, snapshots, types, zones, quotas and limits APIs over HTTP on an embedded cloud:
 * field sets and key order per microversion and role as the recorded Zed answers show them,
 * the recorded error sentences, lifecycles through the volume service, filters and paging,
 * project isolation and roles.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accepts } from '../harness/recorded';
import { recorded, startCinder, type Cinder } from './volumes-helpers';

const keysOf = (o: unknown): string[] => Object.keys(o as object);

describe('block storage: volumes API', () => {
  let c: Cinder;
  let imageId = '';

  const create = async (token: string, volume: Record<string, unknown>, mv?: string) => c.call(token, 'POST', '/v3/volumes', { volume }, mv);
  const available = async (token: string, id: string) => c.waitFor(token, `/v3/volumes/${id}`, (b) => b?.volume?.status, 'available');

  before(async () => {
    c = await startCinder();
    const img = await fetch(`${c.imageUrl}/v2/images`, {
      method: 'POST', headers: { 'X-Auth-Token': c.admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'cirros', disk_format: 'qcow2', container_format: 'bare', visibility: 'public', min_disk: 2, hw_disk_bus: 'scsi' }),
    });
    imageId = ((await img.json()) as { id: string }).id;
    await fetch(`${c.imageUrl}/v2/images/${imageId}/file`, { method: 'PUT', headers: { 'X-Auth-Token': c.admin, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(4096) });
  });
  after(async () => {
    await c?.cloud.close();
  });

  it('answers discovery as recorded: / without a token (300), /v3 with one', async () => {
    const root = await fetch(`${c.baseUrl}/`);
    assert.equal(root.status, 300);
    assert.equal(root.headers.get('openstack-api-version'), 'volume 3.0');
    const doc = (await root.json()) as any;
    assert.deepEqual(keysOf(doc.versions[0]), keysOf(recorded('versions-root').response.body.versions[0]));
    assert.equal(doc.versions[0].version, '3.71');
    assert.equal(doc.versions[0].links[1].href, `${c.baseUrl}/v3/`);
    assert.equal((await fetch(`${c.baseUrl}/v3/`)).status, 401);
    assert.equal((await c.call(c.member, 'GET', '/v3/')).status, 200);
    const latest = await c.call(c.member, 'GET', '/v3/volumes', undefined, 'latest');
    assert.equal(latest.headers.get('openstack-api-version'), 'volume 3.71');
    const other = await c.call(c.member, 'GET', '/v3/volumes', undefined, undefined, { 'OpenStack-API-Version': 'compute 2.60' });
    assert.equal(other.status, 400);
    assert.equal((await c.call(c.member, 'GET', '/v3/resource_filters', undefined, '3.32')).status, 404);
    assert.deepEqual((await c.call(c.member, 'GET', '/v3/resource_filters', undefined, '3.33')).body, recorded('resource-filters-3.33').response.body);
  });

  it('creates a volume: 202 creating with the recorded fields per microversion, then available', async () => {
    const r = await create(c.member, { size: 1, name: 'v1', metadata: { purpose: 'test' } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.volume.status, 'creating');
    assert.deepEqual(keysOf(r.body.volume), keysOf(recorded('volume-create').response.body.volume));
    assert.match(r.body.volume.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const r59 = await create(c.member, { size: 1 }, '3.59');
    assert.deepEqual(keysOf(r59.body.volume), keysOf(recorded('volume-create-3.59').response.body.volume));
    const id = r.body.volume.id;
    const shown = await available(c.member, id);
    assert.deepEqual(keysOf(shown.volume), keysOf(recorded('volume-show-3.0').response.body.volume));
    assert.equal(shown.volume.bootable, 'false');
    assert.equal(shown.volume.volume_type, 'lvmdriver-1');
    accepts('volume/volume', shown);
    for (const mv of ['3.48', '3.61', '3.63', '3.65', '3.70']) {
      const s = await c.call(c.member, 'GET', `/v3/volumes/${id}`, undefined, mv);
      assert.deepEqual(keysOf(s.body.volume), keysOf(recorded(`volume-show-${mv}`).response.body.volume), mv);
    }
    const s65 = await c.call(c.member, 'GET', `/v3/volumes/${id}`, undefined, '3.65');
    accepts('volume/volume-3.65', s65.body);
    const admin = await c.call(c.admin, 'GET', `/v3/${c.adminProject}/volumes/${id}`, undefined, '3.70');
    assert.deepEqual(keysOf(admin.body.volume), keysOf(recorded('volume-show-admin-3.70').response.body.volume));
    assert.match(admin.body.volume['os-vol-host-attr:host'], /^stackproof@[\w.-]+#[\w.-]+$/);
  });

  it('ends in error when no backend can take the volume (capacity or capabilities)', async () => {
    const t = await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: 'nowhere', extra_specs: { volume_backend_name: 'ceph' } } });
    assert.equal(t.status, 200);
    const unmatched = await create(c.member, { size: 1, volume_type: 'nowhere' });
    assert.equal(unmatched.status, 202);
    await c.waitFor(c.member, `/v3/volumes/${unmatched.body.volume.id}`, (b) => b?.volume?.status, 'error');
    await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.adminProject}`, { quota_set: { gigabytes: 5000 } });
    const huge = await create(c.admin, { size: 1001 });
    assert.equal(huge.status, 202, huge.text);
    const err = await c.waitFor(c.admin, `/v3/volumes/${huge.body.volume.id}`, (b) => b?.volume?.status, 'error');
    assert.equal(err.volume['os-vol-host-attr:host'], null);
    // An error volume can be deleted, and frees nothing it never held.
    assert.equal((await c.call(c.admin, 'DELETE', `/v3/volumes/${huge.body.volume.id}`)).status, 202);
    assert.equal((await c.call(c.member, 'DELETE', `/v3/volumes/${unmatched.body.volume.id}`)).status, 202);
    await c.waitFor(c.member, `/v3/volumes/${unmatched.body.volume.id}`, (b) => b?.itemNotFound?.code, 404);
    assert.equal((await c.call(c.admin, 'DELETE', `/v3/types/${t.body.volume_type.id}`)).status, 202);
  });

  it('refuses bad creates with the recorded sentences and creates nothing', async () => {
    const before = (await c.call(c.member, 'GET', '/v3/volumes')).body.volumes.length;
    for (const name of ['volume-create-bad-size', 'volume-create-size-string', 'volume-create-no-size', 'volume-create-not-object', 'volume-create-malformed',
      'volume-create-unknown-az', 'volume-create-unknown-type']) {
      const fx = recorded(name);
      const body = fx.request.body;
      const raw = typeof body === 'string' ? body : JSON.stringify(body).replaceAll('rec-93e007-nowhere', 'nowhere').replaceAll('rec-93e007-nope', 'nope');
      const expected = JSON.parse(JSON.stringify(fx.response.body).replaceAll('rec-93e007-nowhere', 'nowhere').replaceAll('rec-93e007-nope', 'nope'));
      const r = await c.call(c.member, 'POST', '/v3/volumes', raw);
      assert.equal(r.status, fx.response.status, name);
      assert.deepEqual(r.body, expected, name);
    }
    assert.equal((await c.call(c.member, 'GET', '/v3/volumes')).body.volumes.length, before);
    const unknown = await create(c.member, { size: 1, colour: 'red' });
    assert.equal(unknown.status, 202, 'unknown keys are ignored before 3.53');
    const strict = await create(c.member, { size: 1, colour: 'red' }, '3.53');
    assert.equal(strict.status, 400);
    const multi = await create(c.member, { size: 1, multiattach: true });
    assert.equal(multi.status, 400);
    assert.match(multi.body.badRequest.message, /^multiattach parameter has been removed/);
  });

  it('creates from an image (downloading, bootable, image metadata) and checks min_disk', async () => {
    const small = await create(c.member, { size: 1, imageRef: imageId });
    assert.equal(small.status, 400);
    assert.equal(small.body.badRequest.message, 'Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size 2GB.');
    const bad = await create(c.member, { size: 2, imageRef: '00000000-0000-0000-0000-000000000000' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.badRequest.message, 'Invalid image identifier or unable to access requested image.');
    const r = await create(c.member, { size: 2, imageRef: imageId, name: 'boot' });
    assert.equal(r.status, 202, r.text);
    const v = await available(c.member, r.body.volume.id);
    assert.equal(v.volume.bootable, 'true');
    assert.equal(v.volume.volume_image_metadata.image_id, imageId);
    assert.equal(v.volume.volume_image_metadata.hw_disk_bus, 'scsi');
    assert.equal(v.volume.volume_image_metadata.min_disk, '2');
    // A clone and a volume from a snapshot inherit bootable and the image metadata.
    const clone = await create(c.member, { source_volid: v.volume.id });
    assert.equal(clone.status, 202, clone.text);
    assert.equal(clone.body.volume.size, 2);
    const cv = await available(c.member, clone.body.volume.id);
    assert.equal(cv.volume.bootable, 'true');
    assert.equal(cv.volume.volume_image_metadata.image_id, imageId);
    const smaller = await create(c.member, { size: 1, source_volid: v.volume.id });
    assert.equal(smaller.body.badRequest.message, "Invalid input received: Volume size '1'GB cannot be smaller than original volume size  2GB. They must be >= original volume size.");
  });

  it('lists with filters, sort, paging, next links and counts', async () => {
    for (const n of ['p-a', 'p-b', 'p-c']) await create(c.other, { size: 1, name: n, metadata: { group: n === 'p-b' ? 'x' : 'y' } });
    const all = await c.call(c.other, 'GET', '/v3/volumes?sort=name:asc');
    assert.deepEqual(all.body.volumes.map((v: any) => v.name), ['p-a', 'p-b', 'p-c']);
    assert.deepEqual(keysOf(all.body.volumes[0]), ['id', 'name', 'links']);
    const page1 = await c.call(c.other, 'GET', '/v3/volumes?limit=2&sort=name:asc');
    assert.equal(page1.body.volumes.length, 2);
    const next = new URL(page1.body.volumes_links[0].href);
    assert.equal(next.searchParams.get('marker'), page1.body.volumes[1].id);
    assert.equal(next.searchParams.get('limit'), '2');
    const page2 = await c.call(c.other, 'GET', `/v3/volumes${next.search}`);
    assert.deepEqual(page2.body.volumes.map((v: any) => v.name), ['p-c']);
    assert.equal(page2.body.volumes_links, undefined);
    const byName = await c.call(c.other, 'GET', '/v3/volumes?name=p-b');
    assert.deepEqual(byName.body.volumes.map((v: any) => v.name), ['p-b']);
    const byMeta = await c.call(c.other, 'GET', `/v3/volumes?metadata=${encodeURIComponent('{"group":"y"}')}`);
    assert.equal(byMeta.body.volumes.length, 2);
    const counted = await c.call(c.other, 'GET', '/v3/volumes?with_count=true&limit=1', undefined, '3.45');
    assert.equal(counted.body.count, 3);
    assert.deepEqual(keysOf(counted.body), ['volumes', 'volumes_links', 'count']);
    const unknown = await c.call(c.other, 'GET', '/v3/volumes?colour=red', undefined, '3.59');
    assert.deepEqual(unknown.body, recorded('volume-list-unknown-filter').response.body);
    const like = await c.call(c.other, 'GET', '/v3/volumes?name~=p', undefined, '3.34');
    assert.equal(like.body.badRequest.message, 'Invalid filters name~ are found in query options.');
    const old = await c.call(c.other, 'GET', '/v3/volumes?colour=red', undefined, '3.0');
    assert.equal(old.body.volumes.length, 3, 'before 3.34 unknown filters are dropped');
    assert.deepEqual((await c.call(c.other, 'GET', '/v3/volumes?limit=-1')).body, recorded('volume-list-bad-limit').response.body);
    assert.deepEqual((await c.call(c.other, 'GET', '/v3/volumes?sort=colour:asc')).body, recorded('volume-list-bad-sort').response.body);
    assert.deepEqual((await c.call(c.other, 'GET', '/v3/volumes?marker=00000000-0000-0000-0000-000000000000')).body, recorded('volume-list-marker-unknown').response.body);
    // A member's all_tenants is ignored; an admin's shows every project.
    assert.equal((await c.call(c.other, 'GET', '/v3/volumes?all_tenants=1')).body.volumes.length, 3);
    const everyone = await c.call(c.admin, 'GET', '/v3/volumes/detail?all_tenants=1');
    assert.ok(everyone.body.volumes.length > 3);
    const onlyBeta = await c.call(c.admin, 'GET', `/v3/volumes/detail?all_tenants=1&project_id=${c.beta}`);
    assert.ok(onlyBeta.body.volumes.every((v: any) => v['os-vol-tenant-attr:tenant_id'] === c.beta));
    // Summary from 3.12, metadata from 3.36.
    assert.equal((await c.call(c.other, 'GET', '/v3/volumes/summary')).status, 404);
    const sum = await c.call(c.other, 'GET', '/v3/volumes/summary', undefined, '3.36');
    assert.deepEqual(sum.body, { 'volume-summary': { total_count: 3, total_size: 3, metadata: { group: ['y', 'x'] } } });
  });

  it('isolates projects and checks the URL project', async () => {
    const mine = await create(c.member, { size: 1 });
    const id = mine.body.volume.id;
    assert.equal((await c.call(c.other, 'GET', `/v3/volumes/${id}`)).status, 404);
    assert.equal((await c.call(c.other, 'DELETE', `/v3/volumes/${id}`)).status, 404);
    assert.equal((await c.call(c.other, 'PUT', `/v3/volumes/${id}`, { volume: { name: 'x' } })).status, 404);
    const wrongUrl = await c.call(c.member, 'GET', `/v3/${c.beta}/volumes`);
    assert.deepEqual(wrongUrl.body, { badRequest: { code: 400, message: 'Malformed request url' } });
    assert.equal((await c.call(c.member, 'GET', `/v3/${c.alpha}/volumes/${id}`)).status, 200);
    const reset = await c.call(c.member, 'POST', `/v3/volumes/${id}/action`, { 'os-reset_status': { status: 'error' } });
    assert.deepEqual(reset.body, { forbidden: { code: 403, message: "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed." } });
  });

  it('updates, keeps metadata and deletes with the recorded rules', async () => {
    const r = await create(c.member, { size: 1, name: 'upd' });
    const id = r.body.volume.id;
    await available(c.member, id);
    const u = await c.call(c.member, 'PUT', `/v3/volumes/${id}`, { volume: { name: 'renamed', description: 'd', metadata: { a: 'b' } } });
    assert.equal(u.status, 200);
    assert.deepEqual(keysOf(u.body.volume), keysOf(recorded('volume-update').response.body.volume));
    assert.deepEqual(u.body.volume.metadata, { a: 'b' });
    const bad = await c.call(c.member, 'PUT', `/v3/volumes/${id}`, { volume: { size: 5 } });
    assert.deepEqual(bad.body, recorded('volume-update-bad').response.body);
    assert.equal((await c.call(c.member, 'PUT', `/v3/volumes/${id}`, { volume: {} })).status, 200);
    // Metadata API.
    assert.deepEqual((await c.call(c.member, 'POST', `/v3/volumes/${id}/metadata`, { metadata: { k: 'v' } })).body, { metadata: { a: 'b', k: 'v' } });
    assert.deepEqual((await c.call(c.member, 'PUT', `/v3/volumes/${id}/metadata`, { metadata: { only: 'this' } })).body, { metadata: { only: 'this' } });
    assert.deepEqual((await c.call(c.member, 'GET', `/v3/volumes/${id}/metadata/only`)).body, { meta: { only: 'this' } });
    assert.deepEqual((await c.call(c.member, 'PUT', `/v3/volumes/${id}/metadata/only`, { meta: { only: 'that' } })).body, { meta: { only: 'that' } });
    assert.equal((await c.call(c.member, 'PUT', `/v3/volumes/${id}/metadata/only`, { meta: { other: 'x' } })).body.badRequest.message, 'Request body and URI mismatch');
    const del = await c.call(c.member, 'DELETE', `/v3/volumes/${id}/metadata/only`);
    assert.equal(del.status, 200);
    assert.equal(del.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal((await c.call(c.member, 'GET', `/v3/volumes/${id}/metadata/only`)).body.itemNotFound.message, `Volume ${id} has no metadata with key only.`);
    // A snapshot blocks the delete (400), a cascade takes both.
    const s = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: id, name: 's' } });
    assert.equal(s.status, 202, s.text);
    await c.waitFor(c.member, `/v3/snapshots/${s.body.snapshot.id}`, (b) => b?.snapshot?.status, 'available');
    const blocked = await c.call(c.member, 'DELETE', `/v3/volumes/${id}`);
    assert.deepEqual(blocked.body, recorded('volume-delete-with-snapshots').response.body);
    const gone = await c.call(c.member, 'DELETE', `/v3/volumes/${id}?cascade=true`);
    assert.equal(gone.status, 202);
    assert.equal(gone.headers.get('content-type'), 'text/html; charset=UTF-8');
    await c.waitFor(c.member, `/v3/volumes/${id}`, (b) => b?.itemNotFound?.code, 404);
    assert.equal((await c.call(c.member, 'GET', `/v3/snapshots/${s.body.snapshot.id}`)).status, 404);
    assert.equal((await c.call(c.member, 'DELETE', `/v3/volumes/${id}`)).status, 404);
  });

  it('runs the actions: extend, bootable, image metadata, retype, reset, force delete, upload', async () => {
    const r = await create(c.member, { size: 1 });
    const id = r.body.volume.id;
    await available(c.member, id);
    const act = (body: unknown, token = c.member, mv?: string) => c.call(token, 'POST', `/v3/volumes/${id}/action`, body, mv);
    assert.deepEqual((await act({ 'os-explode': {} })).body, recorded('volume-action-unknown').response.body);
    assert.deepEqual((await act({ 'os-set_bootable': { bootable: true }, 'os-extend': { new_size: 3 } })).body, recorded('volume-action-two-actions').response.body);
    assert.deepEqual((await act({ 'os-extend': { new_size: 1 } })).body, recorded('volume-action-extend-smaller').response.body);
    assert.deepEqual((await act({ 'os-extend': { new_size: 'big' } })).body, recorded('volume-action-extend-bad').response.body);
    assert.equal((await act({ 'os-extend': { new_size: 2 } })).status, 202);
    const ext = await available(c.member, id);
    assert.equal(ext.volume.size, 2);
    assert.equal((await act({ 'os-set_bootable': { bootable: 'maybe' } })).body.badRequest.message, recorded('volume-action-set-bootable-bad').response.body.badRequest.message);
    const boot = await act({ 'os-set_bootable': { bootable: true } });
    assert.equal(boot.status, 200);
    assert.equal((await c.call(c.member, 'GET', `/v3/volumes/${id}`)).body.volume.bootable, 'true');
    const set = await act({ 'os-set_image_metadata': { metadata: { hw_disk_bus: 'scsi', os_type: 'linux' } } });
    assert.deepEqual(set.body, { metadata: { hw_disk_bus: 'scsi', os_type: 'linux' } });
    assert.equal((await act({ 'os-unset_image_metadata': { key: 'os_type' } })).status, 200);
    assert.equal((await act({ 'os-unset_image_metadata': { key: 'os_type' } })).body.itemNotFound.message, `Glance metadata for volume/snapshot ${id} cannot be found.`);
    assert.deepEqual((await act({ 'os-show_image_metadata': null })).body, { metadata: { hw_disk_bus: 'scsi' } });
    // Retype to the multiattach type moves the volume to the multiattach backend.
    assert.equal((await act({ 'os-retype': { new_type: 'lvmdriver-1' } })).body.badRequest.message, recorded('volume-action-retype-same').response.body.badRequest.message);
    assert.equal((await act({ 'os-retype': { new_type: 'nope' } })).body.itemNotFound.message, 'Volume type with name nope could not be found.');
    assert.equal((await act({ 'os-retype': { new_type: 'multiattach', migration_policy: 'on-demand' } })).status, 202);
    const retyped = await available(c.member, id);
    assert.equal(retyped.volume.volume_type, 'multiattach');
    assert.equal(retyped.volume.multiattach, true);
    const adminView = await c.call(c.admin, 'GET', `/v3/volumes/${id}`);
    assert.equal(adminView.body.volume['os-vol-host-attr:host'], 'stackproof@multi-1#multi-1');
    // Admin actions.
    const badStatus = await act({ 'os-reset_status': { status: 'sleeping' } }, c.admin);
    assert.deepEqual(badStatus.body, recorded('volume-action-reset-status-bad').response.body);
    assert.equal((await act({ 'os-reset_status': { status: 'error' } }, c.admin)).status, 202);
    assert.equal((await c.call(c.member, 'GET', `/v3/volumes/${id}`)).body.volume.status, 'error');
    const inError = await act({ 'os-extend': { new_size: 3 } });
    assert.equal(inError.body.badRequest.message, `Invalid volume: Volume ${id} status must be '{'status': 'available'}' to extend, currently error.`);
    assert.equal((await act({ 'os-reset_status': { status: 'available' } }, c.admin)).status, 202);
    // Upload to an image (qcow2: an empty qcow2 of the volume's size).
    const up = await act({ 'os-volume_upload_image': { image_name: 'from-volume', disk_format: 'qcow2', container_format: 'bare' } });
    assert.equal(up.status, 202, up.text);
    assert.deepEqual(keysOf(up.body['os-volume_upload_image']), keysOf(recorded('volume-action-upload-image').response.body['os-volume_upload_image']));
    assert.equal(up.body['os-volume_upload_image'].status, 'uploading');
    await available(c.member, id);
    const img = await fetch(`${c.imageUrl}/v2/images/${up.body['os-volume_upload_image'].image_id}`, { headers: { 'X-Auth-Token': c.member } });
    const image = (await img.json()) as any;
    assert.equal(image.status, 'active');
    assert.equal(image.hw_disk_bus, 'scsi');
    const data = Buffer.from(await (await fetch(`${c.imageUrl}/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': c.member } })).arrayBuffer());
    assert.equal(data.subarray(0, 4).toString('latin1'), 'QFI\xfb');
    assert.equal(data.readBigUInt64BE(24), 2n * 1024n ** 3n);
    // Force delete: admin only.
    assert.equal((await act({ 'os-force_delete': {} })).body.forbidden.message, "Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed.");
    assert.equal((await act({ 'os-force_delete': {} }, c.admin)).status, 202);
    await c.waitFor(c.member, `/v3/volumes/${id}`, (b) => b?.itemNotFound?.code, 404);
  });

  it('refuses reset to in-use without an attachment', async () => {
    const r = await create(c.member, { size: 1 });
    const id = r.body.volume.id;
    await available(c.member, id);
    const reset = await c.call(c.admin, 'POST', `/v3/volumes/${id}/action`, { 'os-reset_status': { status: 'in-use', attach_status: 'attached' } });
    assert.deepEqual(reset.body, { badRequest: { code: 400, message: 'Cannot reset-state to in-use because volume does not have any attachments.' } });
    assert.equal((await c.call(c.member, 'GET', `/v3/volumes/${id}`)).body.volume.status, 'available');
  });

  it('snapshots: create, fields per microversion, update, metadata, force for in-use, delete', async () => {
    const v = await create(c.member, { size: 1 });
    await available(c.member, v.body.volume.id);
    const s = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: v.body.volume.id, name: 'snap', description: 'd', metadata: { sk: 'sv' } } });
    assert.equal(s.status, 202);
    assert.deepEqual(keysOf(s.body.snapshot), keysOf(recorded('snapshot-create').response.body.snapshot));
    const id = s.body.snapshot.id;
    await c.waitFor(c.member, `/v3/snapshots/${id}`, (b) => b?.snapshot?.status, 'available');
    assert.deepEqual(keysOf((await c.call(c.member, 'GET', `/v3/snapshots/${id}`)).body.snapshot), keysOf(recorded('snapshot-show').response.body.snapshot));
    assert.deepEqual(keysOf((await c.call(c.member, 'GET', `/v3/snapshots/${id}`, undefined, '3.65')).body.snapshot), keysOf(recorded('snapshot-show-3.65').response.body.snapshot));
    assert.deepEqual(keysOf((await c.call(c.member, 'GET', '/v3/snapshots')).body.snapshots[0]), keysOf(recorded('snapshot-list').response.body.snapshots[0]));
    const detail = await c.call(c.member, 'GET', '/v3/snapshots/detail', undefined, '3.70');
    assert.deepEqual(keysOf(detail.body.snapshots[0]), keysOf(recorded('snapshot-list-detail').response.body.snapshots[0]));
    assert.equal(detail.body.snapshots[0]['os-extended-snapshot-attributes:progress'], '100%');
    const bad = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: v.body.volume.id, force: 'maybe' } });
    assert.deepEqual(bad.body, recorded('snapshot-create-bad').response.body);
    const unknown = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: '00000000-0000-0000-0000-000000000000' } });
    assert.deepEqual(unknown.body, recorded('snapshot-create-unknown-volume').response.body);
    const upd = await c.call(c.member, 'PUT', `/v3/snapshots/${id}`, { snapshot: { name: 'renamed' } });
    assert.equal(upd.body.snapshot.name, 'renamed');
    assert.deepEqual((await c.call(c.member, 'POST', `/v3/snapshots/${id}/metadata`, { metadata: { sk2: 'sv2' } })).body, { metadata: { sk: 'sv', sk2: 'sv2' } });
    // A volume from the snapshot takes its size when none is given.
    const fromSnap = await create(c.member, { snapshot_id: id });
    assert.equal(fromSnap.status, 202);
    assert.equal(fromSnap.body.volume.snapshot_id, id);
    await available(c.member, fromSnap.body.volume.id);
    // In-use needs force.
    await c.call(c.admin, 'POST', `/v3/volumes/${v.body.volume.id}/action`, { 'os-reset_status': { status: 'reserved' } });
    const refused = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: v.body.volume.id } });
    assert.equal(refused.body.badRequest.message, `Invalid volume: Volume ${v.body.volume.id} status must be available, but current status is: reserved.`);
    await c.call(c.admin, 'POST', `/v3/volumes/${v.body.volume.id}/action`, { 'os-reset_status': { status: 'available' } });
    const del = await c.call(c.member, 'DELETE', `/v3/snapshots/${id}`);
    assert.equal(del.status, 202);
    await c.waitFor(c.member, `/v3/snapshots/${id}`, (b) => b?.itemNotFound?.code, 404);
    assert.deepEqual((await c.call(c.member, 'DELETE', `/v3/snapshots/${id}`)).body, { itemNotFound: { code: 404, message: `Snapshot ${id} could not be found.` } });
  });

  it('types: list/show/default, admin management, extra specs visibility, private access', async () => {
    const list = await c.call(c.member, 'GET', '/v3/types');
    assert.deepEqual(list.body.volume_types.map((t: any) => t.name), ['multiattach', 'lvmdriver-1', '__DEFAULT__']);
    assert.deepEqual(keysOf(list.body.volume_types[0]), keysOf(recorded('type-list').response.body.volume_types[0]));
    assert.deepEqual(list.body.volume_types[0].extra_specs, { multiattach: '<is> True' }, 'multiattach is a user-visible spec');
    assert.deepEqual(list.body.volume_types[1].extra_specs, {}, 'volume_backend_name is hidden from members');
    const paged = await c.call(c.member, 'GET', '/v3/types?limit=1&sort=name:asc');
    assert.deepEqual(paged.body.volume_types.map((t: any) => t.name), ['__DEFAULT__']);
    assert.match(paged.body.volume_type_links[0].href, /\/types\?limit=1&sort=name%3Aasc&marker=/);
    const bySpec = await c.call(c.member, 'GET', `/v3/types?extra_specs=${encodeURIComponent("{'multiattach': '<is> True'}")}`);
    assert.deepEqual(bySpec.body.volume_types.map((t: any) => t.name), ['multiattach']);
    assert.deepEqual((await c.call(c.member, 'GET', `/v3/types?extra_specs=${encodeURIComponent('{"volume_backend_name": "lvmdriver-1"}')}`)).body.volume_types, []);
    assert.equal((await c.call(c.admin, 'GET', `/v3/types?extra_specs=${encodeURIComponent('{"volume_backend_name": "lvmdriver-1"}')}`)).body.volume_types.length, 1);
    const def = await c.call(c.member, 'GET', '/v3/types/default');
    assert.deepEqual(keysOf(def.body.volume_type), keysOf(recorded('type-default').response.body.volume_type));
    assert.equal(def.body.volume_type.name, 'lvmdriver-1');
    const denied = await c.call(c.member, 'POST', '/v3/types', { volume_type: { name: 'x' } });
    assert.deepEqual(denied.body, recorded('type-create-by-member').response.body);
    assert.deepEqual((await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: '' } })).body, recorded('type-create-bad').response.body);
    const gold = await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: 'gold', description: 'recorded', extra_specs: { volume_backend_name: 'lvmdriver-1' } } });
    assert.equal(gold.status, 200);
    assert.deepEqual(keysOf(gold.body.volume_type), keysOf(recorded('type-create').response.body.volume_type));
    const dup = await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: 'gold' } });
    assert.deepEqual(dup.body, { conflictingRequest: { code: 409, message: 'Volume Type gold already exists.' } });
    const tid = gold.body.volume_type.id;
    assert.deepEqual(keysOf((await c.call(c.admin, 'GET', `/v3/types/${tid}`)).body.volume_type), keysOf(recorded('type-show-admin').response.body.volume_type));
    const upd = await c.call(c.admin, 'PUT', `/v3/types/${tid}`, { volume_type: { description: 'updated' } });
    assert.deepEqual(keysOf(upd.body.volume_type), keysOf(recorded('type-update').response.body.volume_type));
    assert.deepEqual((await c.call(c.admin, 'POST', `/v3/types/${tid}/extra_specs`, { extra_specs: { 'custom:key': 'v1' } })).body, { extra_specs: { 'custom:key': 'v1' } });
    assert.deepEqual((await c.call(c.admin, 'GET', `/v3/types/${tid}/extra_specs/custom:key`)).body, { 'custom:key': 'v1' });
    assert.deepEqual((await c.call(c.admin, 'PUT', `/v3/types/${tid}/extra_specs/custom:key`, { 'custom:key': 'v2' })).body, { 'custom:key': 'v2' });
    assert.deepEqual((await c.call(c.member, 'GET', `/v3/types/${tid}/extra_specs`)).body, { extra_specs: {} });
    assert.equal((await c.call(c.admin, 'DELETE', `/v3/types/${tid}/extra_specs/custom:key`)).status, 202);
    assert.equal((await c.call(c.admin, 'GET', `/v3/types/${tid}/extra_specs/custom:key`)).body.itemNotFound.message, `Volume Type ${tid} has no extra specs with key custom:key.`);
    // In use: cannot be deleted.
    const v = await create(c.member, { size: 1, volume_type: 'gold' });
    assert.equal(v.status, 202);
    assert.deepEqual((await c.call(c.admin, 'DELETE', `/v3/types/${tid}`)).body, recorded('type-delete-in-use').response.body);
    // Private type: hidden without access, visible with it.
    const priv = await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: 'private', 'os-volume-type-access:is_public': false } });
    const pid = priv.body.volume_type.id;
    assert.equal((await c.call(c.member, 'GET', `/v3/types/${pid}`)).status, 404);
    assert.equal((await create(c.member, { size: 1, volume_type: pid })).body.itemNotFound.message, `Volume type ${pid} could not be found.`);
    const add = await c.call(c.admin, 'POST', `/v3/types/${pid}/action`, { addProjectAccess: { project: c.alpha } });
    assert.equal(add.status, 202);
    assert.equal(add.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal((await c.call(c.admin, 'POST', `/v3/types/${pid}/action`, { addProjectAccess: { project: c.alpha } })).status, 409);
    assert.deepEqual((await c.call(c.admin, 'GET', `/v3/types/${pid}/os-volume-type-access`)).body, { volume_type_access: [{ volume_type_id: pid, project_id: c.alpha }] });
    assert.deepEqual((await c.call(c.admin, 'GET', `/v3/types/${tid}/os-volume-type-access`)).body, recorded('type-access-list-public').response.body);
    assert.equal((await c.call(c.member, 'GET', `/v3/types/${pid}`)).status, 200);
    assert.ok((await c.call(c.member, 'GET', '/v3/types')).body.volume_types.some((t: any) => t.id === pid));
    assert.ok(!(await c.call(c.other, 'GET', '/v3/types')).body.volume_types.some((t: any) => t.id === pid));
    assert.ok(!(await c.call(c.admin, 'GET', '/v3/types')).body.volume_types.some((t: any) => t.id === pid), 'admins list public types by default');
    assert.ok((await c.call(c.admin, 'GET', '/v3/types?is_public=None')).body.volume_types.some((t: any) => t.id === pid));
    assert.equal((await c.call(c.admin, 'POST', `/v3/types/${pid}/action`, { removeProjectAccess: { project: c.alpha } })).status, 202);
    assert.equal((await c.call(c.member, 'GET', `/v3/types/${pid}`)).status, 404);
    const gone = await c.call(c.admin, 'DELETE', `/v3/types/${pid}`);
    assert.equal(gone.status, 202);
    assert.equal((await c.call(c.admin, 'DELETE', `/v3/types/${pid}`)).status, 404);
  });

  it('zones, quotas and limits as recorded', async () => {
    assert.deepEqual((await c.call(c.member, 'GET', '/v3/os-availability-zone')).body, recorded('az-list').response.body);
    const q = await c.call(c.other, 'GET', `/v3/os-quota-sets/${c.beta}`);
    const keys = keysOf(q.body.quota_set);
    assert.deepEqual(keys.slice(0, 6), ['volumes', 'per_volume_gigabytes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes']);
    assert.deepEqual(keys.slice(-2), ['groups', 'id']);
    for (const t of ['lvmdriver-1', 'multiattach', '__DEFAULT__']) for (const r of ['volumes', 'gigabytes', 'snapshots']) assert.equal(q.body.quota_set[`${r}_${t}`], -1);
    const usage = await c.call(c.other, 'GET', `/v3/os-quota-sets/${c.beta}?usage=True`);
    assert.deepEqual(usage.body.quota_set.volumes, { limit: 10, in_use: 3, reserved: 0 });
    assert.deepEqual(usage.body.quota_set['volumes_lvmdriver-1'].in_use + usage.body.quota_set.volumes_multiattach.in_use, 3);
    assert.deepEqual((await c.call(c.other, 'GET', `/v3/os-quota-sets/${c.alpha}`)).body, { forbidden: { code: 403, message: "Policy doesn't allow volume_extension:quotas:show to be performed." } });
    assert.deepEqual((await c.call(c.other, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 5 } })).body, recorded('quota-update-by-member').response.body);
    assert.deepEqual((await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 'many' } })).body, recorded('quota-update-bad-value').response.body);
    assert.deepEqual((await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { floating_ips: 1 } })).body, recorded('quota-update-unknown-key').response.body);
    assert.equal((await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 0 } })).body.badRequest.message,
      'Quota volumes limit must be equal or greater than existing resources. Current usage is 3 and the requested limit is 0.');
    const set = await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 3, gigabytes: 4, 'volumes_lvmdriver-1': 50 } });
    assert.equal(set.status, 200);
    assert.equal(set.body.quota_set.id, undefined);
    assert.equal(set.body.quota_set.gigabytes, 4);
    const over = await create(c.other, { size: 1 });
    assert.deepEqual(over.body, { overLimit: { code: 413, message: "VolumeLimitExceeded: Maximum number of volumes allowed (3) exceeded for quota 'volumes'.", retryAfter: '0' } });
    assert.equal(over.headers.get('retry-after'), '0');
    await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { volumes: 10 } });
    const big = await create(c.other, { size: 2 });
    assert.equal(big.body.overLimit.message, 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2G, quota is 4G and 3G has been consumed.');
    await c.call(c.admin, 'PUT', `/v3/os-quota-sets/${c.beta}`, { quota_set: { gigabytes: 100, volumes_multiattach: 0 } });
    const typed = await create(c.other, { size: 1, volume_type: 'multiattach' });
    assert.equal(typed.body.overLimit.message, "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes_multiattach'.");
    const limits = await c.call(c.other, 'GET', '/v3/limits');
    assert.deepEqual(keysOf(limits.body.limits.absolute), keysOf(recorded('limits').response.body.limits.absolute));
    assert.equal(limits.body.limits.absolute.totalVolumesUsed, 3);
    assert.equal(limits.body.limits.absolute.maxTotalVolumeGigabytes, 100);
    const del = await c.call(c.admin, 'DELETE', `/v3/os-quota-sets/${c.beta}`);
    assert.equal(del.status, 200);
    assert.equal((await c.call(c.other, 'GET', `/v3/os-quota-sets/${c.beta}`)).body.quota_set.gigabytes, 1000);
  });
});
