/**
 * os-aggregates and availability zones: Nova's shapes, statuses and sentences, admin only, and
 * the zone rules (a host in one zone only, no empty zone name, no zone rename under instances).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateRoutes } from '../../../reference-cloud/compute/api/aggregates';
import { availabilityZoneRoutes } from '../../../reference-cloud/compute/api/availability-zones';
import type { Route } from '../../../reference-cloud/core/service';
import { availableZones } from '../../../reference-cloud/compute/models/services';
import { ADMIN, MEMBER, invoke, openCompute, removeDir, spec, type TestCompute } from './infra-helpers';

describe('os-aggregates', () => {
  let t: TestCompute;
  let routes: Route[];
  before(() => {
    t = openCompute();
    routes = [...aggregateRoutes(t.api), ...availabilityZoneRoutes(t.api)];
  });
  after(() => { t.close(); removeDir(t.dir); });

  it('creates without hosts and metadata, shows with them, uuid from 2.41', async () => {
    const c = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-a', availability_zone: 'zone-a' } } });
    assert.equal(c.status, 200);
    assert.deepEqual(Object.keys(c.body.aggregate), ['id', 'name', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'availability_zone']);
    assert.equal(c.body.aggregate.name, 'agg-a');
    assert.match(c.body.aggregate.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const id = c.body.aggregate.id;
    const s = await invoke(routes, 'GET', `/os-aggregates/${id}`, { mv: '2.41' });
    assert.deepEqual(Object.keys(s.body.aggregate), ['id', 'uuid', 'name', 'hosts', 'metadata', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'availability_zone']);
    assert.deepEqual(s.body.aggregate.metadata, { availability_zone: 'zone-a' });
    const list = await invoke(routes, 'GET', '/os-aggregates');
    assert.ok(list.body.aggregates.some((a: { id: number }) => a.id === id));
  });

  it('refuses members, duplicates, bad names and unknown ids as Nova does', async () => {
    assert.deepEqual(await invoke(routes, 'POST', '/os-aggregates', { auth: MEMBER, body: { aggregate: { name: 'm' } } }),
      { status: 403, body: undefined, message: "Policy doesn't allow os_compute_api:os-aggregates:create to be performed." });
    assert.equal((await invoke(routes, 'GET', '/os-aggregates', { auth: MEMBER })).message, "Policy doesn't allow os_compute_api:os-aggregates:index to be performed.");
    assert.equal((await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-a' } } })).message, 'Aggregate agg-a already exists.');
    assert.equal((await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: '' } } })).message, "Invalid input for field/attribute name. Value: . '' is too short");
    assert.equal((await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'x', availability_zone: 'a:b' } } })).status, 400);
    assert.equal((await invoke(routes, 'GET', '/os-aggregates/999999')).message, 'Aggregate 999999 could not be found.');
    assert.equal((await invoke(routes, 'GET', '/os-aggregates/abc')).status, 400);
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/1/action', { body: { explode: {} } })).message, 'There is no such action: explode');
  });

  it('adds and removes hosts with Nova sentences; deleting a non-empty aggregate is 400, an empty one 200', async () => {
    const c = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-h' } } });
    const id = c.body.aggregate.id;
    const add = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { add_host: { host: 'compute-1' } } });
    assert.equal(add.status, 200);
    assert.deepEqual(add.body.aggregate.hosts, ['compute-1']);
    assert.deepEqual(await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { add_host: { host: 'compute-1' } } }),
      { status: 409, body: undefined, message: `Aggregate ${id} already has host compute-1.` });
    assert.deepEqual(await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { add_host: { host: 'nohost' } } }),
      { status: 404, body: undefined, message: 'Compute host nohost could not be found.' });
    assert.deepEqual(await invoke(routes, 'DELETE', `/os-aggregates/${id}`),
      { status: 400, body: undefined, message: `Cannot remove host from aggregate ${id}. Reason: Host aggregate is not empty.` });
    assert.equal((await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { remove_host: { host: 'compute-1' } } })).status, 200);
    assert.deepEqual(await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { remove_host: { host: 'compute-1' } } }),
      { status: 404, body: undefined, message: `Cannot remove host compute-1 in aggregate ${id}` });
    const del = await invoke(routes, 'DELETE', `/os-aggregates/${id}`);
    assert.equal(del.status, 200);
    assert.equal((await invoke(routes, 'GET', `/os-aggregates/${id}`)).status, 404);
  });

  it('set_metadata merges, null removes, availability_zone mirrored', async () => {
    const c = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-m', availability_zone: 'zm' } } });
    const id = c.body.aggregate.id;
    const set = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { set_metadata: { metadata: { ssd: 'true', availability_zone: 'zm2' } } } });
    assert.deepEqual(set.body.aggregate.metadata, { availability_zone: 'zm2', ssd: 'true' });
    assert.equal(set.body.aggregate.availability_zone, 'zm2');
    assert.notEqual(set.body.aggregate.updated_at, null);
    const unset = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { set_metadata: { metadata: { ssd: null } } } });
    assert.deepEqual(unset.body.aggregate.metadata, { availability_zone: 'zm2' });
    const empty = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { set_metadata: { metadata: { availability_zone: '' } } } });
    assert.equal(empty.message, `Cannot update metadata of aggregate ${id}. Reason: Aggregate agg-m does not support empty named availability zone.`);
    const renamed = await invoke(routes, 'PUT', `/os-aggregates/${id}`, { body: { aggregate: { name: 'agg-m2' } } });
    assert.equal(renamed.body.aggregate.name, 'agg-m2');
    assert.equal((await invoke(routes, 'PUT', `/os-aggregates/${id}`, { body: { aggregate: { name: 'agg-a' } } })).status, 409);
  });

  it('keeps a host in one zone: adding it to an aggregate of another zone is refused', async () => {
    // compute-2 is in az2 (bootstrap aggregate).
    const c = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-z', availability_zone: 'other' } } });
    const id = c.body.aggregate.id;
    const r = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { add_host: { host: 'compute-2' } } });
    assert.deepEqual(r, { status: 409, body: undefined, message: `Cannot add host to aggregate ${id}. Reason: One or more hosts already in availability zone(s) ['az2'].` });
    // The same zone is fine.
    const same = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-same', availability_zone: 'az2' } } });
    assert.equal((await invoke(routes, 'POST', `/os-aggregates/${same.body.aggregate.id}/action`, { body: { add_host: { host: 'compute-2' } } })).status, 200);
    // Giving a zoneless aggregate holding an az2 host another zone is refused too.
    const plain = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-plain' } } });
    await invoke(routes, 'POST', `/os-aggregates/${plain.body.aggregate.id}/action`, { body: { add_host: { host: 'compute-4' } } });
    const up = await invoke(routes, 'PUT', `/os-aggregates/${plain.body.aggregate.id}`, { body: { aggregate: { availability_zone: 'elsewhere' } } });
    assert.equal(up.status, 400);
    assert.match(up.message!, /One or more hosts already in availability zone\(s\) \['az2'\]/);
  });

  it('refuses to move a zone under instances', async () => {
    const c = await invoke(routes, 'POST', '/os-aggregates', { body: { aggregate: { name: 'agg-i', availability_zone: 'zi' } } });
    const id = c.body.aggregate.id;
    await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { add_host: { host: 'compute-3' } } });
    const cell = t.api.cells.ofHost('compute-3')!;
    const s = spec();
    cell.db.prepare(`INSERT INTO instances (uuid, project_id, user_id, display_name, hostname, host, node, vm_state, flavor, reservation_id, created_at)
      VALUES (?, 'p1', 'u1', 'm', 'm', 'compute-3', 'compute-3', 'active', '{}', 'r-1', ?)`).run(s.instance_uuid, t.api.now());
    const r = await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { set_metadata: { metadata: { availability_zone: 'zi2' } } } });
    assert.equal(r.message, `Cannot update metadata of aggregate ${id}. Reason: One or more hosts contain instances in this zone.`);
    // Other metadata is fine.
    assert.equal((await invoke(routes, 'POST', `/os-aggregates/${id}/action`, { body: { set_metadata: { metadata: { k: 'v' } } } })).status, 200);
  });

  it('availability zones: list for anyone without internal, detail for admins with hosts', async () => {
    const list = await invoke(routes, 'GET', '/os-availability-zone', { auth: MEMBER });
    const names = list.body.availabilityZoneInfo.map((z: { zoneName: string }) => z.zoneName);
    assert.ok(names.includes('nova') && names.includes('az2') && !names.includes('internal'));
    assert.deepEqual([...names].sort(), names);
    assert.ok(list.body.availabilityZoneInfo.every((z: { hosts: unknown }) => z.hosts === null));
    assert.deepEqual(availableZones(t.api), [...names, 'internal'].sort());
    assert.equal((await invoke(routes, 'GET', '/os-availability-zone/detail', { auth: MEMBER })).message,
      "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.");
    const detail = await invoke(routes, 'GET', '/os-availability-zone/detail', { auth: ADMIN });
    const internal = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'internal');
    assert.deepEqual(Object.keys(internal.hosts.controller).sort(), ['nova-conductor', 'nova-scheduler']);
    const nova = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'nova');
    assert.deepEqual(Object.keys(nova.hosts['compute-1']['nova-compute']), ['available', 'active', 'updated_at']);
    // zi moved compute-3 out of nova above.
    assert.ok(!('compute-3' in nova.hosts));
  });

  it('a zone whose services are all disabled is listed as unavailable', async () => {
    const cell = t.api.cells.ofHost('compute-3')!;
    cell.db.prepare("UPDATE services SET disabled = 1 WHERE host = 'compute-3'").run();
    const list = await invoke(routes, 'GET', '/os-availability-zone', { auth: MEMBER });
    assert.deepEqual(list.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'zi'), { zoneName: 'zi', zoneState: { available: false }, hosts: null });
    cell.db.prepare("UPDATE services SET disabled = 0 WHERE host = 'compute-3'").run();
  });

  it('image caching (2.81): a route of 2.81 only, checked before any image lookup', async () => {
    const body = { cache: [{ id: '5fc2a0f4-6f3b-4e52-9c1b-7d1c0c1e2a01' }] };
    assert.deepEqual(await invoke(routes, 'POST', '/os-aggregates/1/images', { mv: '2.80', body }), { status: 404, body: undefined, message: 'The resource could not be found.' });
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/1/images', { mv: '2.81', body: { cache: [] } })).status, 400);
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/1/images', { mv: '2.81', body: { cache: [{ id: 'nope' }] } })).message,
      "Invalid input for field/attribute id. Value: nope. 'nope' is not a 'uuid'");
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/1/images', { mv: '2.81', body, auth: MEMBER })).message,
      "Policy doesn't allow compute:aggregates:images to be performed.");
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/1/images', { mv: '2.81', body: { cache: [...body.cache, ...body.cache] } })).message, 'Duplicate images in request');
    assert.equal((await invoke(routes, 'POST', '/os-aggregates/999999/images', { mv: '2.81', body })).message, 'Aggregate 999999 could not be found.');
  });
});
