/** The conductors: schedule and build, NoValidHost, resuming after a restart, networking, delete. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRequest } from '../../../reference-cloud/compute/models/lookup';
import { latestFault } from '../../../reference-cloud/compute/models/instances';
import { deleteServer } from '../../../reference-cloud/compute/conductor/delete';
import type { ApiRequest } from '../../../reference-cloud/core/service';
import { acceptServer, allocations, events, flavor, mapping, openConductor, row, type ConductorCompute } from './conductor-helpers';
import { invoke, MEMBER, removeDir } from './infra-helpers';
import { serverActionRoutes } from '../../../reference-cloud/compute/api/server-actions';

const opened: ConductorCompute[] = [];
const open = (...args: Parameters<typeof openConductor>) => {
  const t = openConductor(...args);
  opened.push(t);
  return t;
};
after(() => {
  for (const t of opened) {
    t.close();
    removeDir(t.dir);
  }
});

const deleteReq = { id: 'req-del', auth: MEMBER } as unknown as ApiRequest;

describe('schedule and build', () => {
  it('takes a server to ACTIVE on a host of its cell, with its metadata, tags, action and event', async () => {
    const t = open();
    const id = acceptServer(t.api);
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'active');
    assert.equal(r.task_state, null);
    assert.equal(r.power_state, 1);
    assert.ok(r.launched_at);
    assert.match(String(r.host), /^compute-[12]$/);
    assert.equal(r.availability_zone, 'nova');
    assert.equal(buildRequest(t.api, id), undefined, 'the build request is dropped');
    assert.equal(mapping(t.api, id).cell_id, t.api.cells.named('cell1')!.id);
    assert.deepEqual(allocations(t.api).map((a) => [a.consumer_uuid, a.host]), [[id, r.host]]);
    const cell = t.api.cells.named('cell1')!;
    assert.deepEqual(cell.db.prepare('SELECT key, value FROM instance_metadata WHERE instance_uuid = ?').all(id), [{ key: 'k', value: 'v' }]);
    assert.deepEqual(cell.db.prepare('SELECT tag FROM tags WHERE resource_id = ?').all(id), [{ tag: 't1' }]);
    assert.deepEqual(events(t.api, id), [{ action: 'create', message: null, event: 'compute__do_build_and_run_instance', result: 'Success' }]);
  });

  it('puts a server no host can hold in cell0 in ERROR with "No valid host was found. "', async () => {
    const t = open();
    const id = acceptServer(t.api, { flavor: flavor({ root_gb: 100_000_000 }) });
    await t.settle();
    const r = row(t.api, id)!;
    const cell0 = t.api.cells.cell0;
    assert.ok(cell0.db.prepare('SELECT 1 FROM instances WHERE uuid = ?').get(id));
    assert.equal(r.vm_state, 'error');
    assert.equal(r.task_state, null);
    assert.equal(r.host, null);
    assert.equal(r.availability_zone, null);
    const fault = latestFault(cell0.db, id)!;
    assert.equal(fault.code, 500);
    assert.equal(fault.message, 'No valid host was found. ');
    assert.match(fault.details, /^Traceback \(most recent call last\):/);
    assert.match(fault.details, /nova\.exception\.NoValidHost: No valid host was found\. /);
    assert.deepEqual(events(t.api, id), [{ action: 'create', message: 'Error', event: 'conductor_schedule_and_build_instances', result: 'Error' }]);
    assert.equal(mapping(t.api, id).cell_id, cell0.id);
    assert.deepEqual(allocations(t.api), []);
  });

  it('resumes after a restart at the step it stopped at, without a second claim', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-conductor-'));
    const first = openConductor(undefined, dir, false);
    // Only the super conductor runs: the instance is placed, its build waits on the cell's queue
    // (a closed queue records jobs and runs none, as a process that stopped).
    for (const c of first.api.cells.all()) c.queue.close();
    const id = acceptServer(first.api);
    await first.api.queue.idle();
    assert.equal(row(first.api, id)!.vm_state, 'building');
    assert.deepEqual(first.api.cells.named('cell1')!.queue.pending().map((j) => j.kind), ['build-networking']);
    first.close();
    const second = open(undefined, dir);
    await second.settle();
    assert.equal(row(second.api, id)!.vm_state, 'active');
    assert.equal(allocations(second.api).length, 1);
  });

  it('runs a build request accepted before a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-conductor-'));
    const first = openConductor(undefined, dir, false);
    first.api.queue.close();
    const id = acceptServer(first.api);
    assert.equal(first.api.queue.pending().length, 1);
    first.close();
    const second = open(undefined, dir);
    await second.settle();
    assert.equal(row(second.api, id)!.vm_state, 'active');
  });

  it('drops nothing and builds nothing when the build request was deleted while it waited', async () => {
    const t = open();
    const id = acceptServer(t.api);
    // The delete comes in the same tick as the create, before the super conductor's job runs.
    deleteServer(t.api, deleteReq, id);
    await t.settle();
    assert.equal(row(t.api, id), undefined);
    assert.equal(mapping(t.api, id).queued_for_delete, 1);
    assert.deepEqual(allocations(t.api), []);
  });
});

describe('a cell that is down', () => {
  it('holds its jobs (RetryLater) and runs them once the cell is back', async () => {
    const t = open();
    const id = acceptServer(t.api);
    await t.settle();
    const cell = t.api.cells.named('cell1')!;
    const routes = serverActionRoutes(t.api);
    assert.equal((await invoke(routes, 'POST', `/servers/${id}/action`, { auth: MEMBER, body: { 'os-stop': null } })).status, 202);
    t.api.cells.setDown(cell, true);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(cell.queue.pending().length, 1, 'the step waits');
    t.api.cells.setDown(cell, false);
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'stopped');
  });
});

describe('networking', () => {
  it('creates a port per requested network, bound to the host, in the instance project', async () => {
    const t = open();
    const id = acceptServer(t.api, { networks: [{ uuid: 'net-1' }] });
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'active');
    const ports = [...t.peers.ports.values()];
    assert.equal(ports.length, 1);
    assert.equal(ports[0].device_id, id);
    assert.equal(ports[0].device_owner, 'compute:nova');
    assert.equal(ports[0]['binding:host_id'], r.host);
    assert.equal(ports[0].project_id, 'p1');
    const info = JSON.parse((t.api.cells.named('cell1')!.db.prepare('SELECT network_info FROM instance_info_caches WHERE instance_uuid = ?').get(id) as { network_info: string }).network_info);
    assert.equal(info[0].network_name, 'private');
    assert.equal(info[0].created_by_nova, true);
  });

  it('"auto" with several usable networks fails the build with Nova\'s fault and frees the host', async () => {
    const t = open();
    t.peers.networks.push({ id: 'net-2', name: 'shared', project_id: 'admin', shared: true });
    const id = acceptServer(t.api, { networks: 'auto' });
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'error');
    assert.equal(r.host, null, 'a failed build leaves its host');
    assert.equal(latestFault(t.api.cells.named('cell1')!.db, id)!.message, 'Multiple possible networks found, use a Network ID to be more specific.');
    assert.deepEqual(allocations(t.api), []);
    assert.equal(t.peers.ports.size, 0);
  });

  it('"auto" with one usable network uses it', async () => {
    const t = open();
    const id = acceptServer(t.api, { networks: 'auto' });
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'active');
    assert.equal([...t.peers.ports.values()][0].network_id, 'net-1');
  });
});

describe('delete', () => {
  it('frees ports, allocations and quota, shows DELETED, then the row is deleted', async () => {
    const t = open();
    const id = acceptServer(t.api, { networks: [{ uuid: 'net-1' }] });
    await t.settle();
    assert.equal(t.peers.ports.size, 1);
    deleteServer(t.api, deleteReq, id);
    // Quota is free at once, as Nova frees it when the delete is accepted.
    assert.equal(mapping(t.api, id).queued_for_delete, 1);
    assert.equal(row(t.api, id)!.task_state, 'deleting');
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'deleted');
    assert.equal(r.deleted, r.id);
    assert.ok(r.deleted_at && r.terminated_at);
    assert.equal(r.power_state, 0);
    assert.equal(t.peers.ports.size, 0);
    assert.deepEqual(allocations(t.api), []);
    assert.deepEqual(events(t.api, id).map((e) => [e.action, e.event]), [['create', 'compute__do_build_and_run_instance'], ['delete', 'compute_terminate_instance']]);
    assert.throws(() => deleteServer(t.api, deleteReq, id), /could not be found/);
  });

  it('destroys a cell0 instance at once', async () => {
    const t = open();
    const id = acceptServer(t.api, { flavor: flavor({ root_gb: 100_000_000 }) });
    await t.settle();
    deleteServer(t.api, deleteReq, id);
    assert.ok(row(t.api, id)!.deleted);
    assert.equal(mapping(t.api, id).queued_for_delete, 1);
  });

  it('refuses a locked server to a non-admin with 409', async () => {
    const t = open();
    const id = acceptServer(t.api);
    await t.settle();
    t.api.cells.named('cell1')!.db.prepare("UPDATE instances SET locked = 1, locked_by = 'admin' WHERE uuid = ?").run(id);
    assert.throws(() => deleteServer(t.api, deleteReq, id), (e: { status: number; message: string }) => e.status === 409 && e.message === `Instance ${id} is locked`);
  });
});
