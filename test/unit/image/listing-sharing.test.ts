import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { OCTET, World, assertGlanceError, createImage, glance, unique, useTestCloud } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;
useTestCloud((c) => ({ cloud, admin, w } = c));

const names = (r: any) => r.body.images.map((i: any) => i.name);

describe('image listing', () => {
  test('filters, sort_key/sort_dir and sort=, marker/limit paging with next, first and schema', async () => {
    const m = await w.member();
    const tag = unique('t');
    for (const [i, n] of ['c', 'a', 'b', 'e', 'd'].entries()) {
      await createImage(cloud, m.token, { name: `${tag}-${n}`, tags: i % 2 ? [tag, 'odd'] : [tag], min_ram: i, protected: i === 0 });
    }
    const list = (q: string) => glance(cloud, 'GET', `/v2/images?tag=${tag}&${q}`, { token: m.token });
    assert.deepEqual(names(await list('sort_key=name&sort_dir=asc')), ['a', 'b', 'c', 'd', 'e'].map((n) => `${tag}-${n}`));
    assert.deepEqual(names(await list('sort=name:desc')), ['e', 'd', 'c', 'b', 'a'].map((n) => `${tag}-${n}`));
    assert.deepEqual(names(await list('tag=odd&sort=name:asc')), [`${tag}-a`, `${tag}-e`]);
    assert.deepEqual(names(await list('protected=true')), [`${tag}-c`]);
    assert.deepEqual(names(await list(`name=in:${tag}-a,${tag}-b&sort=name:asc`)), [`${tag}-a`, `${tag}-b`]);
    // Paging walks every image once.
    const seen: string[] = [];
    let r = await list('limit=2&sort=name:asc');
    assert.equal(r.body.first, `/v2/images?tag=${tag}&limit=2&sort=name%3Aasc`);
    assert.equal(r.body.schema, '/v2/schemas/images');
    for (let i = 0; i < 5; i++) {
      seen.push(...names(r));
      if (!r.body.next) break;
      assert.match(r.body.next, /^\/v2\/images\?.*marker=/);
      r = await glance(cloud, 'GET', r.body.next.replace(/^\/v2/, '/v2'), { token: m.token });
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e'].map((n) => `${tag}-${n}`));
    assertGlanceError(await list('sort_key=bogus'), 400, 'Invalid sort key: bogus. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.');
    assertGlanceError(await list('sort_dir=up'), 400, 'Invalid sort direction: up');
    assertGlanceError(await list('sort=name&sort_key=id'), 400, 'Old and new sorting syntax cannot be combined');
    assertGlanceError(await list('limit=x'), 400, 'limit param must be an integer');
    assertGlanceError(await list('limit=-1'), 400, 'limit param must be positive');
    assertGlanceError(await list('visibility=bogus'), 400, 'Invalid visibility value: bogus');
    assertGlanceError(await list('member_status=bogus'), 400, 'Invalid status: bogus');
    assertGlanceError(await list('protected=maybe'), 400, "Invalid value 'maybe' for 'protected' filter. Valid values are 'true' or 'false'.");
    assertGlanceError(await list('marker=00000000-0000-4000-8000-000000000000'), 400, 'No image found with ID 00000000-0000-4000-8000-000000000000');
  });

  test('size_min/size_max, os_hidden, custom property filters', async () => {
    const m = await w.member();
    const tag = unique('s');
    const small = await createImage(cloud, m.token, { name: 'small', tags: [tag], flavour: 'x' });
    const big = await createImage(cloud, m.token, { name: 'big', tags: [tag], os_hidden: true });
    await glance(cloud, 'PUT', `/v2/images/${small.id}/file`, { token: m.token, raw: 'ab', headers: OCTET });
    await glance(cloud, 'PUT', `/v2/images/${big.id}/file`, { token: m.token, raw: 'abcdefgh', headers: OCTET });
    const list = (q: string) => glance(cloud, 'GET', `/v2/images?tag=${tag}&${q}`, { token: m.token });
    assert.deepEqual(names(await list('')), ['small'], 'hidden images are left out by default');
    assert.deepEqual(names(await list('os_hidden=true')), ['big']);
    assert.deepEqual(names(await list('size_min=3&os_hidden=true')), ['big']);
    assert.deepEqual(names(await list('size_max=3')), ['small']);
    assert.deepEqual(names(await list('flavour=x')), ['small']);
    assert.deepEqual(names(await list('flavour=y')), []);
  });
});

describe('visibility and members', () => {
  test('private images are the owner\'s; public and community are everyone\'s, community unlisted', async () => {
    const a = await w.member();
    const b = await w.member();
    const priv = await createImage(cloud, a.token, { name: unique('priv'), visibility: 'private' });
    const comm = await createImage(cloud, a.token, { name: unique('comm'), visibility: 'community' });
    const pub = await createImage(cloud, admin, { name: unique('pub'), visibility: 'public' });
    assertGlanceError(await glance(cloud, 'GET', `/v2/images/${priv.id}`, { token: b.token }), 404, `No image found with ID ${priv.id}`);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${comm.id}`, { token: b.token })).status, 200);
    const bList = names(await glance(cloud, 'GET', '/v2/images?limit=1000', { token: b.token }));
    assert.ok(bList.includes(pub.name));
    assert.ok(!bList.includes(comm.name), 'community images are not in the default list');
    assert.ok(!bList.includes(priv.name));
    assert.ok(names(await glance(cloud, 'GET', '/v2/images?visibility=community&limit=1000', { token: b.token })).includes(comm.name));
    assert.ok(names(await glance(cloud, 'GET', '/v2/images?limit=1000', { token: a.token })).includes(comm.name), 'the owner lists its community images');
    assert.ok(names(await glance(cloud, 'GET', '/v2/images?limit=1000', { token: admin })).includes(priv.name), 'admins see every image');
  });

  test('shared: owner adds a member (pending), member sees it, lists it once accepted, not when rejected', async () => {
    const a = await w.member();
    const b = await w.member();
    const c = await w.member();
    const img = await createImage(cloud, a.token, { name: unique('shared') });
    const members = `/v2/images/${img.id}/members`;
    assertGlanceError(await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: b.token }), 404, /No image found/);
    assertGlanceError(await glance(cloud, 'POST', members, { token: a.token, body: {} }), 400, 'Member to be added not specified');
    const add = await glance(cloud, 'POST', members, { token: a.token, body: { member: b.projectId } });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(Object.keys(add.body), ['member_id', 'image_id', 'status', 'created_at', 'updated_at', 'schema']);
    assert.equal(add.body.status, 'pending');
    assertGlanceError(await glance(cloud, 'POST', members, { token: a.token, body: { member: b.projectId } }), 409, `Member ${b.projectId} is duplicated for image ${img.id}`);
    assertGlanceError(await glance(cloud, 'POST', members, { token: b.token, body: { member: c.projectId } }), 403, `Not allowed to create members for image ${img.id}.`);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: b.token })).status, 200, 'a pending member sees the image');
    const listB = (q = '') => glance(cloud, 'GET', `/v2/images?limit=1000${q}`, { token: b.token }).then(names);
    assert.ok(!(await listB()).includes(img.name), 'not listed while pending');
    assert.ok((await listB('&member_status=pending')).includes(img.name));
    assertGlanceError(await glance(cloud, 'PUT', `${members}/${b.projectId}`, { token: a.token, body: { status: 'accepted' } }), 403, `Not allowed to update members for image ${img.id}.`);
    assertGlanceError(await glance(cloud, 'PUT', `${members}/${b.projectId}`, { token: b.token, body: { status: 'bogus' } }), 400, /Incorrect request/);
    assert.equal((await glance(cloud, 'PUT', `${members}/${b.projectId}`, { token: b.token, body: { status: 'accepted' } })).body.status, 'accepted');
    assert.ok((await listB()).includes(img.name), 'listed once accepted');
    await glance(cloud, 'PUT', `${members}/${b.projectId}`, { token: b.token, body: { status: 'rejected' } });
    assert.ok(!(await listB()).includes(img.name));
    // The member sees only its own membership; the owner sees all.
    await glance(cloud, 'POST', members, { token: a.token, body: { member: c.projectId } });
    assert.equal((await glance(cloud, 'GET', members, { token: a.token })).body.members.length, 2);
    assert.deepEqual((await glance(cloud, 'GET', members, { token: b.token })).body.members.map((x: any) => x.member_id), [b.projectId]);
    assertGlanceError(await glance(cloud, 'GET', `${members}/${c.projectId}`, { token: b.token }), 404, `${c.projectId} not found in the member list of the image ${img.id}.`);
    assert.equal((await glance(cloud, 'DELETE', `${members}/${b.projectId}`, { token: a.token })).status, 204);
    assertGlanceError(await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: b.token }), 404, /No image found/);
    const priv = await createImage(cloud, a.token, { visibility: 'private' });
    assertGlanceError(await glance(cloud, 'POST', `/v2/images/${priv.id}/members`, { token: a.token, body: { member: b.projectId } }), 403, /Not allowed to create members/);
  });
});
