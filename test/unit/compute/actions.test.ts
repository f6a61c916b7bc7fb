/**
 * Server actions: the state machine (which states each action accepts, in Nova's words), the
 * action API's parsing, policy and lock rules, the task_state flows, and what resize, confirm,
 * revert, migrate and shelve do to allocations and quota usage.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { serverActionRoutes } from '../../../reference-cloud/compute/api/server-actions';
import { checkGuard, GUARDS } from '../../../reference-cloud/compute/conductor/states';
import type { ComputeApi } from '../../../reference-cloud/compute/context';
import { latestFault } from '../../../reference-cloud/compute/models/instances';
import { acceptServer, allocations, events, flavor, IMG, mapping, openConductor, row, type ConductorCompute } from './conductor-helpers';
import { ADMIN, caller, invoke, MEMBER, OTHER, READER, removeDir } from './infra-helpers';

const opened: ConductorCompute[] = [];
after(() => {
  for (const t of opened) {
    t.close();
    removeDir(t.dir);
  }
});

async function activeServer(over: Parameters<typeof acceptServer>[1] = {}): Promise<{ t: ConductorCompute; id: string; act: (body: unknown, opts?: { auth?: typeof MEMBER; mv?: string }) => ReturnType<typeof invoke> }> {
  const t = openConductor();
  opened.push(t);
  const id = acceptServer(t.api, over);
  await t.settle();
  const routes = serverActionRoutes(t.api);
  const act = (body: unknown, opts: { auth?: typeof MEMBER; mv?: string } = {}) =>
    invoke(routes, 'POST', `/servers/${id}/action`, { auth: opts.auth ?? MEMBER, mv: opts.mv, body });
  return { t, id, act };
}

const flavorRow = (api: ComputeApi, flavorid: string, vcpus: number, ram: number, disk: number) =>
  api.store.db.prepare('INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(flavorid, `f-${flavorid}`, ram, vcpus, disk, api.now());

describe('the state machine', () => {
  const inst = (vm: string, task: string | null = null, extra: { locked?: number; host?: string | null } = {}) =>
    ({ uuid: 'u', vm_state: vm, task_state: task, locked: extra.locked ?? 0, host: extra.host === undefined ? 'h' : extra.host });
  const refusal = (guard: string, action: string, r: ReturnType<typeof inst>, admin = false): string | undefined => {
    try {
      checkGuard(GUARDS[guard], action, r, admin);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('allows each action only from the vm_states Nova allows', () => {
    const table: [string, string[], string[]][] = [
      ['stop', ['active', 'rescued', 'error'], ['stopped', 'paused', 'suspended', 'resized', 'shelved']],
      ['start', ['stopped'], ['active', 'error', 'paused']],
      ['pause', ['active'], ['paused', 'stopped']],
      ['unpause', ['paused'], ['active']],
      ['suspend', ['active'], ['suspended', 'stopped']],
      ['resume', ['suspended'], ['active']],
      ['resize', ['active', 'stopped'], ['resized', 'paused', 'error']],
      ['confirmResize', ['resized'], ['active']],
      ['revertResize', ['resized'], ['active']],
      ['createImage', ['active', 'stopped', 'paused', 'suspended'], ['error', 'resized']],
      ['shelve', ['active', 'stopped', 'paused', 'suspended'], ['shelved', 'error']],
      ['rebuild', ['active', 'stopped', 'error'], ['paused', 'resized']],
      ['reboot:SOFT', ['active'], ['stopped', 'paused', 'error']],
      ['reboot:HARD', ['active', 'stopped', 'paused', 'suspended', 'error'], ['resized', 'shelved']],
    ];
    for (const [guard, ok, refused] of table) {
      const action = guard.split(':')[0];
      for (const vm of ok) assert.equal(refusal(guard, action, inst(vm)), undefined, `${guard} from ${vm}`);
      for (const vm of refused) assert.equal(refusal(guard, action, inst(vm)), `Cannot '${action}' instance u while it is in vm_state ${vm}`, `${guard} from ${vm}`);
    }
  });

  it('checks task_state after vm_state, and lets a hard reboot interrupt a soft one', () => {
    assert.equal(refusal('stop', 'stop', inst('active', 'powering-off')), "Cannot 'stop' instance u while it is in task_state powering-off");
    assert.equal(refusal('reboot:SOFT', 'reboot', inst('active', 'rebooting')), "Cannot 'reboot' instance u while it is in task_state rebooting");
    assert.equal(refusal('reboot:HARD', 'reboot', inst('active', 'rebooting')), undefined);
    assert.equal(refusal('confirmResize', 'confirmResize', inst('resized', 'resize_reverting')), undefined);
  });

  it('refuses a locked server to non-admins first, and a server without a host as not ready', () => {
    assert.equal(refusal('stop', 'stop', inst('stopped', null, { locked: 1 })), 'Instance u is locked');
    assert.equal(refusal('stop', 'stop', inst('active', null, { locked: 1 }), true), undefined);
    assert.equal(refusal('createImage', 'createImage', inst('active', null, { locked: 1 })), undefined, 'a locked server can still be imaged');
    assert.equal(refusal('stop', 'stop', inst('error', null, { host: null })), 'Instance u is not ready');
    assert.equal(refusal('unshelve', 'unshelve', inst('shelved_offloaded', null, { host: null })), undefined);
  });
});

describe('the action API', () => {
  it('takes exactly one known action', async () => {
    const { act } = await activeServer();
    assert.deepEqual(await act({ pause: null, suspend: null }), { status: 400, body: undefined, message: 'Malformed request body' });
    assert.equal((await act([])).message, 'Malformed request body');
    assert.equal((await act(undefined)).message, 'Malformed request body');
    assert.equal((await act({ explode: null })).message, 'There is no such action: explode');
    assert.equal((await act({ toString: null })).message, 'There is no such action: toString');
    assert.equal((await act({ trigger_crash_dump: null }, { mv: '2.16' })).message, 'There is no such action: trigger_crash_dump');
    assert.equal((await act({ reboot: { type: 'GENTLE' } })).message,
      "Invalid input for field/attribute type. Value: GENTLE. 'GENTLE' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
  });

  it('enforces roles and projects: reader 403 with the rule, another project 404, admin-only actions', async () => {
    const { t, id, act } = await activeServer();
    assert.deepEqual(await act({ 'os-stop': null }, { auth: READER }), { status: 403, body: undefined, message: "Policy doesn't allow os_compute_api:servers:stop to be performed." });
    assert.equal((await act({ 'os-stop': null }, { auth: OTHER })).status, 404);
    assert.equal((await act({ 'os-resetState': { state: 'error' } })).message, "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.");
    assert.equal((await act({ migrate: null })).message, "Policy doesn't allow os_compute_api:os-migrate-server:migrate to be performed.");
    assert.equal(row(t.api, id)!.vm_state, 'active', 'nothing changed');
    assert.equal((await act({ 'os-resetState': { state: 'error' } }, { auth: ADMIN })).status, 202);
    assert.equal(row(t.api, id)!.vm_state, 'error');
  });

  it('a server still scheduling is not ready (409), after the policy check (403)', async () => {
    const t = openConductor();
    opened.push(t);
    t.api.queue.close(); // the super conductor never gets to it
    const id = acceptServer(t.api);
    const routes = serverActionRoutes(t.api);
    const stop = (auth: typeof MEMBER) => invoke(routes, 'POST', `/servers/${id}/action`, { auth, body: { 'os-stop': null } });
    assert.equal((await stop(MEMBER)).message, `Instance ${id} is not ready`);
    assert.equal((await stop(READER)).status, 403);
    assert.equal((await stop(OTHER)).status, 404);
  });

  it('stops and starts through powering-off and powering-on, with their actions and events', async () => {
    const { t, id, act } = await activeServer();
    assert.equal((await act({ 'os-stop': null })).status, 202);
    assert.equal(row(t.api, id)!.task_state, 'powering-off', 'the API sets the task state at once');
    assert.equal((await act({ 'os-stop': null })).message, `Cannot 'stop' instance ${id} while it is in task_state powering-off`);
    await t.settle();
    assert.deepEqual([row(t.api, id)!.vm_state, row(t.api, id)!.power_state], ['stopped', 4]);
    assert.equal((await act({ reboot: { type: 'SOFT' } })).message, `Cannot 'reboot' instance ${id} while it is in vm_state stopped`);
    assert.equal((await act({ 'os-start': null })).status, 202);
    await t.settle();
    assert.deepEqual([row(t.api, id)!.vm_state, row(t.api, id)!.power_state], ['active', 1]);
    assert.deepEqual(events(t.api, id).slice(1).map((e) => [e.action, e.event, e.result]), [
      ['stop', 'compute_stop_instance', 'Success'], ['start', 'compute_start_instance', 'Success'],
    ]);
  });

  it('lock: an admin lock stops the owner (409) and only an admin may lift it', async () => {
    const { t, id, act } = await activeServer();
    assert.equal((await act({ lock: { locked_reason: 'maint' } }, { auth: ADMIN, mv: '2.73' })).status, 202);
    const r = row(t.api, id)!;
    assert.deepEqual([r.locked, r.locked_by, r.locked_reason], [1, 'admin', 'maint']);
    assert.equal((await act({ 'os-stop': null })).message, `Instance ${id} is locked`);
    assert.equal((await act({ unlock: null })).message, "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.");
    assert.equal((await act({ unlock: null }, { auth: ADMIN })).status, 202);
    assert.equal(row(t.api, id)!.locked, 0);
    // An owner's own lock stops the owner too, until the owner lifts it.
    await act({ lock: null });
    assert.equal(row(t.api, id)!.locked_by, 'owner');
    assert.equal((await act({ pause: null })).message, `Instance ${id} is locked`);
    assert.equal((await act({ unlock: null })).status, 202);
    assert.equal((await act({ lock: { locked_reason: '' } }, { mv: '2.73' })).status, 400);
  });

  it('createImage creates the image with the user token, uploads it, and answers per microversion', async () => {
    const { t, id, act } = await activeServer();
    const old = await act({ createImage: { name: 'snap', metadata: { a: 'b' } } });
    assert.equal(old.status, 202);
    assert.equal(row(t.api, id)!.task_state, 'image_snapshot_pending');
    await t.settle();
    const [imageId] = [...t.peers.images.keys()];
    const image = t.peers.images.get(imageId)!;
    assert.deepEqual([image.name, image.a, image.image_type, image.instance_uuid, image.status], ['snap', 'b', 'snapshot', id, 'active']);
    assert.deepEqual(t.peers.uploads, [imageId]);
    assert.equal(row(t.api, id)!.task_state, null);
    const v245 = await act({ createImage: { name: 'snap2' } }, { mv: '2.45' });
    assert.equal(v245.status, 202);
    assert.ok(t.peers.images.has((v245.body as { image_id: string }).image_id));
    assert.equal((await act({ createImage: { name: ' x' } })).status, 400);
    await t.settle();
  });

  it('a createImage whose upload fails ends the task with an ImageNotFound fault and an Error event, and drops the image', async () => {
    const { t, id, act } = await activeServer();
    assert.equal((await act({ createImage: { name: 'lost' } }, { mv: '2.45' })).status, 202);
    // The image disappears before the host uploads into it.
    t.peers.images.clear();
    await t.settle();
    const r = row(t.api, id)!;
    assert.deepEqual([r.vm_state, r.task_state], ['active', null]);
    const fault = latestFault(t.api.cells.ofInstance(id)!.db, id)!;
    assert.match(fault.details, /nova\/compute\/manager\.py", in snapshot_instance\nnova\.exception\.ImageNotFound: /);
    assert.deepEqual(events(t.api, id).filter((e) => e.action === 'createImage').map((e) => [e.event, e.result, e.message]),
      [['compute_snapshot_instance', 'Error', 'Error']]);
    assert.ok(t.peers.calls.some((c) => /^image DELETE \/v2\/images\//.test(c)), 'the image of the failed snapshot is deleted');
    assert.deepEqual(t.peers.uploads, []);
  });

  it('shelve offloads (no host, no allocation) and unshelve schedules again', async () => {
    const { t, id, act } = await activeServer();
    assert.equal((await act({ shelve: null })).status, 202);
    await t.settle();
    let r = row(t.api, id)!;
    assert.deepEqual([r.vm_state, r.host, r.power_state], ['shelved_offloaded', null, 0]);
    assert.deepEqual(allocations(t.api), []);
    assert.deepEqual(events(t.api, id).filter((e) => e.action === 'shelve').map((e) => e.event), ['compute_shelve_instance']);
    const [shelved] = [...t.peers.images.values()];
    assert.deepEqual([shelved.name, shelved.status, shelved.image_type], ['srv-shelved', 'active', 'snapshot'], 'the disk is kept as an image');
    assert.equal((await act({ 'os-stop': null })).message, `Instance ${id} is not ready`);
    assert.equal((await act({ unshelve: null })).status, 202);
    await t.settle();
    r = row(t.api, id)!;
    assert.deepEqual([r.vm_state, r.power_state], ['active', 1]);
    assert.ok(r.host);
    assert.deepEqual(allocations(t.api).map((a) => [a.consumer_uuid, a.host]), [[id, r.host]]);
    assert.equal(t.peers.images.size, 0, 'the shelved image is deleted once the server is back');
  });

  it('deleting a shelved server deletes its shelved image', async () => {
    const { t, id, act } = await activeServer();
    await act({ shelve: null });
    await t.settle();
    assert.equal(t.peers.images.size, 1);
    await t.api.conductor.deleteServer({ id: 'req-d', auth: MEMBER } as never, id);
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'deleted');
    assert.equal(t.peers.images.size, 0);
  });

  it('rebuild answers the server with a new adminPass and comes back ACTIVE', async () => {
    const { t, id, act } = await activeServer();
    const res = await act({ rebuild: { imageRef: IMG, name: 'renamed' } });
    assert.equal(res.status, 202);
    const server = (res.body as { server: Record<string, unknown> }).server;
    assert.equal(server.name, 'renamed');
    assert.equal(server.status, 'REBUILD');
    assert.match(String(server.adminPass), /^.{12}$/);
    await t.settle();
    assert.deepEqual([row(t.api, id)!.vm_state, row(t.api, id)!.task_state], ['active', null]);
    assert.equal((await act({ rebuild: { imageRef: 'nope' } })).message, "Invalid input for field/attribute imageRef. Value: nope. 'nope' is not a 'uuid'");
    assert.equal((await act({ rebuild: { imageRef: '00000000-0000-4000-8000-000000000000' } })).message, 'Can not find requested image');
  });
});

describe('resize, confirm, revert, migrate', () => {
  it('moves the source allocation to the migration and frees it on confirm', async () => {
    const { t, id, act } = await activeServer({ flavor: flavor({ flavorid: 'small', vcpus: 1, memory_mb: 1024, root_gb: 10 }) });
    flavorRow(t.api, 'small', 1, 1024, 10);
    flavorRow(t.api, 'big', 2, 2048, 20);
    const source = row(t.api, id)!.host!;
    assert.equal((await act({ resize: { flavorRef: 'small' } })).message, 'When resizing, instances must change flavor!');
    assert.equal((await act({ resize: { flavorRef: 'nope' } })).message, 'Flavor nope could not be found.');
    assert.equal((await act({ confirmResize: null })).message, `Cannot 'confirmResize' instance ${id} while it is in vm_state active`);
    assert.equal((await act({ resize: { flavorRef: 'big' } })).status, 202);
    assert.deepEqual([mapping(t.api, id).vcpus, mapping(t.api, id).memory_mb], [2, 2048], 'the larger flavor counts during the resize');
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'resized');
    assert.notEqual(r.host, source, 'not the same host (allow_resize_to_same_host is false)');
    const migration = t.api.cells.named('cell1')!.db.prepare('SELECT uuid, status, source_compute, dest_compute FROM migrations').get() as { uuid: string; status: string; source_compute: string; dest_compute: string };
    assert.deepEqual([migration.status, migration.source_compute, migration.dest_compute], ['finished', source, r.host]);
    assert.deepEqual(allocations(t.api).map((a) => [a.consumer_uuid, a.host, a.vcpus]).sort(), [[id, r.host, 2], [migration.uuid, source, 1]].sort());
    assert.equal((await act({ resize: { flavorRef: 'small' } })).message, `Cannot 'resize' instance ${id} while it is in vm_state resized`);
    const confirm = await act({ confirmResize: null });
    assert.equal(confirm.status, 204);
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'active');
    assert.equal(JSON.parse(row(t.api, id)!.flavor).flavorid, 'big');
    assert.equal(row(t.api, id)!.old_flavor, null);
    assert.deepEqual(allocations(t.api).map((a) => [a.consumer_uuid, a.host]), [[id, r.host]]);
    assert.deepEqual([mapping(t.api, id).vcpus, mapping(t.api, id).memory_mb], [2, 2048]);
  });

  it('revert gives back the old flavor, host and allocation', async () => {
    const { t, id, act } = await activeServer({ flavor: flavor({ flavorid: 'small', vcpus: 1, memory_mb: 1024, root_gb: 10 }) });
    flavorRow(t.api, 'big', 2, 2048, 20);
    const source = row(t.api, id)!.host!;
    await act({ resize: { flavorRef: 'big' } });
    await t.settle();
    assert.equal((await act({ revertResize: null })).status, 202);
    assert.equal(row(t.api, id)!.task_state, 'resize_reverting');
    await t.settle();
    const r = row(t.api, id)!;
    assert.deepEqual([r.vm_state, r.host, JSON.parse(r.flavor).flavorid], ['active', source, 'small']);
    assert.deepEqual(allocations(t.api).map((a) => [a.consumer_uuid, a.host, a.vcpus]), [[id, source, 1]]);
    assert.deepEqual([mapping(t.api, id).vcpus, mapping(t.api, id).memory_mb], [1, 1024]);
    assert.equal((await act({ revertResize: null })).message, `Cannot 'revertResize' instance ${id} while it is in vm_state active`);
    assert.deepEqual(events(t.api, id).filter((e) => e.action === 'revertResize').map((e) => e.event), ['compute_revert_resize', 'compute_finish_revert_resize']);
  });

  it('a resize no host can take ends back ACTIVE with a fault and the allocation unchanged', async () => {
    const { t, id, act } = await activeServer();
    flavorRow(t.api, 'huge', 1, 1024, 100_000_000);
    const before = allocations(t.api);
    assert.equal((await act({ resize: { flavorRef: 'huge' } })).status, 202);
    await t.settle();
    const r = row(t.api, id)!;
    assert.deepEqual([r.vm_state, r.task_state], ['active', null]);
    assert.deepEqual(allocations(t.api), before);
    assert.deepEqual(events(t.api, id).at(-1), { action: 'resize', message: 'Error', event: 'conductor_migrate_server', result: 'Error' });
  });

  it('refuses a resize over the cores quota with Nova\'s 403 and changes nothing', async () => {
    const { t, id, act } = await activeServer();
    flavorRow(t.api, 'wide', 64, 1024, 10);
    const res = await act({ resize: { flavorRef: 'wide' } });
    assert.equal(res.status, 403);
    assert.match(String(res.message), /^Quota exceeded for cores: Requested 63, but already used 1 of 20 cores$/);
    assert.equal(row(t.api, id)!.task_state, null);
    assert.equal(mapping(t.api, id).vcpus, 1);
  });

  it('migrate (admin) moves the server to another host with its flavor', async () => {
    const { t, id, act } = await activeServer();
    const source = row(t.api, id)!.host!;
    assert.equal((await act({ migrate: null }, { auth: ADMIN })).status, 202);
    await t.settle();
    const r = row(t.api, id)!;
    assert.equal(r.vm_state, 'resized');
    assert.notEqual(r.host, source);
    assert.equal((await act({ confirmResize: null })).status, 204);
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'active');
    assert.equal(allocations(t.api).length, 1);
    assert.deepEqual(events(t.api, id).filter((e) => e.action === 'migrate').map((e) => e.event),
      ['conductor_migrate_server', 'cold_migrate', 'compute_prep_resize', 'compute_resize_instance', 'compute_finish_resize']);
  });
});

describe('a move to a named host, and a restart in the middle of a resize', () => {
  it('migrate at 2.56 goes to the host asked for, and refuses its own or an unknown host', async () => {
    const { t, id, act } = await activeServer();
    const source = row(t.api, id)!.host!;
    const other = source === 'compute-1' ? 'compute-2' : 'compute-1';
    assert.equal((await act({ migrate: { host: source } }, { auth: ADMIN, mv: '2.56' })).message, 'Cannot migrate to the host where the server exists.');
    assert.equal((await act({ migrate: { host: 'nowhere' } }, { auth: ADMIN, mv: '2.56' })).message, 'Compute host nowhere could not be found.');
    assert.equal((await act({ migrate: { host: other } }, { auth: ADMIN, mv: '2.56' })).status, 202);
    await t.settle();
    assert.equal(row(t.api, id)!.host, other);
  });

  it('a resize stopped between two steps finishes after a restart', async () => {
    const first = openConductor();
    const id = acceptServer(first.api, { flavor: flavor({ flavorid: 'small' }) });
    await first.settle();
    flavorRow(first.api, 'big', 2, 2048, 20);
    for (const c of first.api.cells.all()) c.queue.close(); // the cell's steps stay queued
    const res = await invoke(serverActionRoutes(first.api), 'POST', `/servers/${id}/action`, { auth: MEMBER, body: { resize: { flavorRef: 'big' } } });
    assert.equal(res.status, 202);
    await first.api.queue.idle();
    assert.equal(row(first.api, id)!.task_state, 'resize_migrating');
    const dir = first.dir;
    first.close();
    const second = openConductor(undefined, dir);
    opened.push(second);
    await second.settle();
    const r = row(second.api, id)!;
    assert.equal(r.vm_state, 'resized');
    assert.equal(JSON.parse(r.flavor).flavorid, 'big');
    assert.equal(allocations(second.api).length, 2, 'the instance on the destination, the migration on the source');
  });
});

describe('delete during an action', () => {
  it('a delete wins over a pending action: the action flow does nothing after it', async () => {
    const { t, id, act } = await activeServer();
    await act({ pause: null });
    await t.api.conductor.deleteServer({ id: 'req-d', auth: caller('p1', ['member']) } as never, id);
    await t.settle();
    assert.equal(row(t.api, id)!.vm_state, 'deleted');
    assert.deepEqual(allocations(t.api), []);
  });
});
