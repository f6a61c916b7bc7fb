import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { PATCH_TYPE, World, assertGlanceError, createImage, glance, unique, useTestCloud } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;
useTestCloud((c) => ({ cloud, admin, w } = c));

describe('image discovery and schemas', () => {
  test('GET / is 300 and /versions 200 with the v2.x list; /v2 redirects, /v2/ is 404', async () => {
    const root = await glance(cloud, 'GET', '/');
    assert.equal(root.status, 300);
    assert.equal(root.body.versions[0].id, 'v2.15');
    assert.equal(root.body.versions[0].status, 'CURRENT');
    assert.ok(root.body.versions.every((v: any) => v.links[0].href.endsWith('/image/v2/')));
    assert.equal((await glance(cloud, 'GET', '/versions')).status, 200);
    const v2 = await glance(cloud, 'GET', '/v2', { token: admin });
    assert.equal(v2.status, 302);
    assert.match(v2.headers.get('location')!, /\/image\/v2\/$/);
    assert.equal((await glance(cloud, 'GET', '/v2/', { token: admin })).status, 404);
    const schema = await glance(cloud, 'GET', '/v2/schemas/image', { token: admin });
    assert.equal(schema.body.name, 'image');
  });

  test('no token: 401 naming Keystone; errors negotiate JSON, HTML or text', async () => {
    const r = await glance(cloud, 'GET', '/v2/images');
    assertGlanceError(r, 401, 'This server could not verify');
    assert.match(r.headers.get('www-authenticate')!, /^Keystone uri=/);
    const html = await glance(cloud, 'GET', '/v2/images/nope', { token: admin, headers: { Accept: '*/*' } });
    assert.equal(html.status, 404);
    assert.match(html.headers.get('content-type')!, /^text\/html/);
    assert.match(html.text, /<title>404 Not Found<\/title>/);
    const text = await glance(cloud, 'GET', '/v2/images/nope', { token: admin, headers: { Accept: 'text/plain' } });
    assert.match(text.headers.get('content-type')!, /^text\/plain/);
    assert.match(text.text, /^404 Not Found\n\nNo image found with ID nope/);
  });
});

describe('images', () => {
  test('create: 201, Location, import-methods header, Glance defaults, custom properties at the top level', async () => {
    const m = await w.member();
    const r = await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { name: 'img', foo: 'bar', tags: ['a', 'a', 'b'] } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `${cloud.endpoints.find((e) => e.service === 'image')!.url}/v2/images/${r.body.id}`);
    assert.equal(r.headers.get('openstack-image-import-methods'), 'glance-direct');
    assert.deepEqual(Object.keys(r.body), ['foo', 'name', 'disk_format', 'container_format', 'visibility', 'size', 'virtual_size', 'status',
      'checksum', 'protected', 'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo', 'os_hash_value', 'id', 'created_at',
      'updated_at', 'tags', 'self', 'file', 'schema']);
    assert.equal(r.body.visibility, 'shared');
    assert.equal(r.body.status, 'queued');
    assert.equal(r.body.owner, m.projectId);
    assert.deepEqual(r.body.tags, ['a', 'b']);
    assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.body.size, null);
  });

  test('create: refusals in Glance\'s words, and nothing is created', async () => {
    const m = await w.member();
    const before = (await glance(cloud, 'GET', '/v2/images?limit=1000', { token: m.token })).body.images.length;
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { name: 12 } }), 400,
      "Provided object does not match schema 'image': 12 is not of type 'null', 'string'\n\nFailed validating 'type' in schema['properties']['name']:");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { status: 'active' } }), 403, "Attribute 'status' is read-only.");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { self: 'x' } }), 403, "Attribute 'self' is read-only.");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { locations: [] } }), 403, "Attribute 'locations' is reserved.");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { os_glance_x: 'y' } }), 403, 'Access was denied to this resource.<br /><br />\nAttribute \'os_glance_x\' is reserved.');
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { min_disk: -1 } }), 400, "Invalid value '-1' for parameter 'min_disk': Cannot be a negative value");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { foo: 1 } }), 400, "Provided object does not match schema 'image': 1 is not of type 'string'");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, raw: '{"name":' }), 400, 'Malformed JSON in request body.');
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, raw: '[1]' }), 400, /does not match schema/);
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { name: 'emoji-😀' } }), 400, "Name can't contain 4 byte unicode characters.");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { visibility: 'public' } }), 403, 'You are not authorized to complete publicize_image action.');
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { owner: 'someone-else' } }), 403, "You are not permitted to create images owned by 'someone-else'.");
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, raw: JSON.stringify({ name: 'x'.repeat(200_000) }) }), 413, /Request Entity Too Large/);
    const after = (await glance(cloud, 'GET', '/v2/images?limit=1000', { token: m.token })).body.images.length;
    assert.equal(after, before);
    const id = (await createImage(cloud, m.token, { id: '0b5c0c3c-8a37-4f4e-9d2e-1d2c3b4a5f60' })).id;
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { id } }), 409, `Image with identifier ${id} already exists!`);
  });

  test('readers cannot create or change images (2023+ defaults); hostile names are stored as given', async () => {
    const m = await w.member();
    const r = await w.member('reader', m.projectId);
    assertGlanceError(await glance(cloud, 'POST', '/v2/images', { token: r.token, body: { name: 'x' } }), 403, 'You are not authorized to complete add_image action.');
    const name = `<script>alert(1)</script>'; DROP TABLE images;-- ${unique('n')}`;
    const img = await createImage(cloud, m.token, { name });
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: r.token })).body.name, name);
    assertGlanceError(await glance(cloud, 'PATCH', `/v2/images/${img.id}`, { token: r.token, headers: PATCH_TYPE, body: [{ op: 'replace', path: '/name', value: 'y' }] }), 403,
      'You are not authorized to complete modify_image action.');
    const list = await glance(cloud, 'GET', `/v2/images?name=${encodeURIComponent(name)}`, { token: m.token });
    assert.equal(list.body.images.length, 1);
  });

  test('PATCH: v2.1 and v2.0 dialects, custom properties, 415 with Accept-Patch, read-only 403, missing 409', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token, { name: 'p' });
    const patch = (body: unknown, headers = PATCH_TYPE) => glance(cloud, 'PATCH', `/v2/images/${img.id}`, { token: m.token, headers, body });
    let r = await patch([{ op: 'add', path: '/foo', value: 'bar' }, { op: 'replace', path: '/name', value: 'n2' }, { op: 'replace', path: '/min_ram', value: 512 }]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.foo, 'bar');
    assert.equal(r.body.name, 'n2');
    assert.equal(r.body.min_ram, 512);
    r = await patch([{ replace: '/name', value: 'n3' }], { 'Content-Type': 'application/openstack-images-v2.0-json-patch' });
    assert.equal(r.body.name, 'n3');
    r = await patch([{ op: 'remove', path: '/foo' }]);
    assert.equal(r.body.foo, undefined);
    r = await patch([], { 'Content-Type': 'application/json' });
    assert.equal(r.status, 415);
    assert.equal(r.headers.get('accept-patch'), 'application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch');
    assertGlanceError(await patch([{ op: 'replace', path: '/status', value: 'active' }]), 403, "Attribute 'status' is read-only.");
    assertGlanceError(await patch([{ op: 'remove', path: '/nope' }]), 409, 'There was a conflict when trying to complete your request.<br /><br />\nProperty nope does not exist.');
    assertGlanceError(await patch([{ op: 'remove', path: '/name' }]), 403, /Property name may not be removed/);
    assertGlanceError(await patch([{ op: 'move', path: '/name' }]), 400, 'Invalid operation: `move`. It must be one of the following: add, remove, replace.');
    assertGlanceError(await patch({ op: 'add' }), 400, 'Request body must be a JSON array of operation objects.');
    assertGlanceError(await patch([{ op: 'replace', value: 1 }]), 400, "Unable to find 'path' in JSON Schema change");
    assertGlanceError(await patch([{ op: 'replace', path: '/a/b', value: 'x' }]), 400, "Invalid JSON pointer for this resource: '/a/b'");
    assertGlanceError(await patch([{ op: 'replace', path: '/protected', value: 'yes' }]), 400, /'yes' is not of type 'boolean'/);
    assertGlanceError(await patch([{ op: 'replace', path: '/owner', value: 'x' }]), 403, /Owner can't be updated by non admin/);
    // A failed patch changes nothing, even its valid first operation.
    assertGlanceError(await patch([{ op: 'replace', path: '/name', value: 'changed' }, { op: 'remove', path: '/nope' }]), 409, /Property nope/);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token })).body.name, 'n3');
  });

  test('delete: 204, then 404; protected images refuse it; others cannot see or delete', async () => {
    const m = await w.member();
    const o = await w.member();
    const img = await createImage(cloud, m.token, { protected: true, visibility: 'private' });
    assertGlanceError(await glance(cloud, 'DELETE', `/v2/images/${img.id}`, { token: o.token }), 404, `Failed to find image ${img.id} to delete`);
    assertGlanceError(await glance(cloud, 'DELETE', `/v2/images/${img.id}`, { token: m.token }), 403, `Image ${img.id} is protected and cannot be deleted.`);
    await glance(cloud, 'PATCH', `/v2/images/${img.id}`, { token: m.token, headers: PATCH_TYPE, body: [{ op: 'replace', path: '/protected', value: false }] });
    assert.equal((await glance(cloud, 'DELETE', `/v2/images/${img.id}`, { token: m.token })).status, 204);
    assertGlanceError(await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token }), 404, `No image found with ID ${img.id}`);
    assertGlanceError(await glance(cloud, 'DELETE', `/v2/images/${img.id}`, { token: m.token }), 404, `Failed to find image ${img.id} to delete`);
  });

  test('tags: PUT and DELETE; deleting a missing tag is 404', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    assert.equal((await glance(cloud, 'PUT', `/v2/images/${img.id}/tags/t1`, { token: m.token })).status, 204);
    assert.equal((await glance(cloud, 'PUT', `/v2/images/${img.id}/tags/t1`, { token: m.token })).status, 204);
    assert.deepEqual((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token })).body.tags, ['t1']);
    assert.equal((await glance(cloud, 'DELETE', `/v2/images/${img.id}/tags/t1`, { token: m.token })).status, 204);
    assert.equal((await glance(cloud, 'DELETE', `/v2/images/${img.id}/tags/t1`, { token: m.token })).status, 404);
  });

  test('the bootstrap cirros image is public, active, qcow2 and downloadable', async () => {
    const m = await w.member();
    const r = await glance(cloud, 'GET', '/v2/images?name=cirros', { token: m.token });
    assert.equal(r.body.images.length, 1);
    const c = r.body.images[0];
    assert.equal(c.visibility, 'public');
    assert.equal(c.status, 'active');
    assert.equal(c.disk_format, 'qcow2');
    assert.equal(c.virtual_size, 117_440_512);
    const file = await glance(cloud, 'GET', `/v2/images/${c.id}/file`, { token: m.token }) as any;
    assert.equal(file.status, 200);
    assert.equal(file.bytes.length, c.size);
  });
});
