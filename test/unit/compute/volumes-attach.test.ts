/**
 * Compute and block storage together, in an embedded cloud with zero delays: attach and detach
 * through os-volume_attachments (the volume reserved → in-use → available, Nova's errors), the
 * attachment owned by Nova (a user cannot remove it through Cinder), boot from volume (volumes
 * created from an image and blank, an existing bootable volume), and server delete detaching and
 * deleting (delete_on_termination) its volumes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';

interface Reply { status: number; body: any; text: string }

let cloud: RunningCloud;
let token = '';
let nova = '';
let cinder = '';
let net = '';
const IMAGE = '5fc2a0f4-6f3b-4e52-9c1b-7d1c0c1e2a01';

async function send(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, {
    method, headers: { 'X-Auth-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text };
}
const compute = (method: string, path: string, body?: unknown, mv = '2.1') => send(`${nova}${path}`, method, body, { 'OpenStack-API-Version': `compute ${mv}` });
const volumeApi = (method: string, path: string, body?: unknown, mv = '3.0') => send(`${cinder}${path}`, method, body, { 'OpenStack-API-Version': `volume ${mv}` });

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, tries = 200): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}
const volumeStatus = (id: string) => until(`volume ${id}`, () => volumeApi('GET', `/volumes/${id}`), (r) => r.status === 200 && !['creating', 'downloading', 'reserved', 'attaching', 'detaching'].includes(r.body.volume.status));
const serverSettled = (id: string) => until(`server ${id}`, () => compute('GET', `/servers/${id}`), (r) => r.status === 200 && r.body.server.status !== 'BUILD');

async function newVolume(size = 1, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await volumeApi('POST', '/volumes', { volume: { size, ...extra } });
  assert.equal(r.status, 202, r.text);
  await volumeStatus(r.body.volume.id);
  return r.body.volume.id;
}

async function newServer(body: Record<string, unknown> = {}, mv = '2.1'): Promise<{ id: string; server: any }> {
  const r = await compute('POST', '/servers', { server: { name: 's', flavorRef: '1', imageRef: IMAGE, networks: [{ uuid: net }], ...body } }, mv);
  assert.equal(r.status, 202, r.text);
  const s = await serverSettled(r.body.server.id);
  return { id: r.body.server.id, server: s.body.server };
}

before(async () => {
  cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), { services: ALL_SERVICES });
  const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  token = res.headers.get('x-subject-token')!;
  nova = cloud.endpoints.find((e) => e.service === 'compute')!.url;
  cinder = cloud.endpoints.find((e) => e.catalogType === 'block-storage')!.url.replace('/$(project_id)s', '');
  const nets = await send(`${cloud.endpoints.find((e) => e.service === 'network')!.url}/v2.0/networks?name=private`, 'GET');
  net = nets.body.networks[0].id;
  // Many volumes in one project: Cinder's default of 10 would stop the later tests.
  const project = (await send(`${cloud.authUrl}/auth/tokens`, 'GET', undefined, { 'X-Subject-Token': token })).body.token.project.id;
  assert.equal((await volumeApi('PUT', `/os-quota-sets/${project}`, { quota_set: { volumes: -1, gigabytes: -1 } })).status, 200);
});
after(async () => cloud?.close());

describe('os-volume_attachments', () => {
  it('attaches a volume as /dev/vdb (reserved, then in-use) and detaches it (available)', async () => {
    const { id } = await newServer();
    const vol = await newVolume();
    const r = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { volumeAttachment: { id: vol, serverId: id, volumeId: vol, device: '/dev/vdb' } });
    const attached = (await volumeStatus(vol)).body.volume;
    assert.equal(attached.status, 'in-use');
    assert.equal(attached.attachments.length, 1);
    assert.equal(attached.attachments[0].server_id, id);
    assert.equal(attached.attachments[0].device, '/dev/vdb');
    const list = await compute('GET', `/servers/${id}/os-volume_attachments`, undefined, '2.89');
    assert.equal(list.body.volumeAttachments[0].attachment_id, attached.attachments[0].attachment_id);
    const shown = await compute('GET', `/servers/${id}`);
    assert.deepEqual(shown.body.server['os-extended-volumes:volumes_attached'], [{ id: vol }]);

    // Nova's attachment: Cinder refuses a user's delete (CVE-2023-2088).
    const theirs = await volumeApi('DELETE', `/attachments/${attached.attachments[0].attachment_id}`, undefined, '3.27');
    assert.equal(theirs.status, 409);
    assert.equal(theirs.body.conflictingRequest.message, `ConflictNovaUsingAttachment: Detach volume from instance ${id} using the Compute API`);

    const again = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    assert.equal(again.status, 400);
    assert.equal(again.body.badRequest.message, `Invalid volume: volume ${vol} is already attached to instances: ${id}`);
    const second = await newVolume();
    const r2 = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: second, device: '/dev/sdz' } }, '2.79');
    assert.deepEqual(r2.body, { volumeAttachment: { id: second, serverId: id, volumeId: second, device: '/dev/vdc', tag: null, delete_on_termination: false } });
    await volumeStatus(second);

    const d = await compute('DELETE', `/servers/${id}/os-volume_attachments/${vol}`);
    assert.equal(d.status, 202);
    const detached = (await volumeStatus(vol)).body.volume;
    assert.equal(detached.status, 'available');
    assert.deepEqual(detached.attachments, []);
    assert.equal((await compute('GET', `/servers/${id}/os-volume_attachments/${vol}`)).status, 404);
    const events = await compute('GET', `/servers/${id}/os-instance-actions`);
    assert.deepEqual(events.body.instanceActions.map((a: { action: string }) => a.action).sort(), ['attach_volume', 'attach_volume', 'create', 'detach_volume']);
  });

  it('answers Nova\'s errors: unknown volume, not attached, a volume reserved elsewhere, a suspended server', async () => {
    const { id } = await newServer();
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: missing } });
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, `Volume ${missing} could not be found.`);
    assert.equal((await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: 'x' } })).status, 400);
    assert.equal((await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: missing, tag: 't' } })).status, 400, 'tag needs 2.49');
    const vol = await newVolume();
    const nd = await compute('DELETE', `/servers/${id}/os-volume_attachments/${vol}`);
    assert.equal(nd.status, 404);
    assert.equal(nd.body.itemNotFound.message, `Instance ${id} is not attached to volume ${vol}`);
    // A volume reserved by someone else cannot be attached: Cinder's 400 through Nova.
    const att = await volumeApi('POST', '/attachments', { attachment: { volume_uuid: vol } }, '3.27');
    assert.equal(att.status, 200);
    const busy = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    assert.equal(busy.status, 400);
    assert.match(busy.body.badRequest.message, new RegExp(`^Invalid input received: Invalid volume: Volume ${vol} status must be available or downloading to reserve, but the current status is reserved\\. \\(HTTP 400\\) \\(Request-ID: req-`));
    assert.deepEqual((await compute('GET', `/servers/${id}/os-volume_attachments`)).body, { volumeAttachments: [] }, 'the failed attach left no mapping');
    // A suspended server takes no volume: Nova's 409.
    assert.equal((await compute('POST', `/servers/${id}/action`, { suspend: null })).status, 202);
    await until('suspended', () => compute('GET', `/servers/${id}`), (x) => x.body.server.status === 'SUSPENDED');
    const suspended = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: await newVolume() } });
    assert.equal(suspended.status, 409);
    assert.equal(suspended.body.conflictingRequest.message, `Cannot 'attach_volume' instance ${id} while it is in vm_state suspended`);
    const member = await volumeApi('DELETE', `/attachments/${att.body.attachment.id}`, undefined, '3.27');
    assert.equal(member.status, 200);
  });
});

describe('volumes of a shelved server', () => {
  it('stay reserved while it is offloaded and are connected again when it is unshelved', async () => {
    const { id } = await newServer();
    const vol = await newVolume();
    await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    await volumeStatus(vol);
    assert.equal((await compute('POST', `/servers/${id}/action`, { shelve: null })).status, 202);
    await until('offloaded', () => compute('GET', `/servers/${id}`), (x) => x.body.server.status === 'SHELVED_OFFLOADED');
    assert.equal((await volumeApi('GET', `/volumes/${vol}`)).body.volume.status, 'reserved');
    // Attaching and detaching an offloaded server's volumes needs 2.20; nothing is connected.
    const other = await newVolume();
    assert.equal((await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: other } })).status, 409);
    const added = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: other } }, '2.20');
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.volumeAttachment.device, null);
    assert.equal((await volumeApi('GET', `/volumes/${other}`)).body.volume.status, 'in-use');
    assert.equal((await compute('DELETE', `/servers/${id}/os-volume_attachments/${other}`, undefined, '2.20')).status, 202);
    assert.equal((await volumeApi('GET', `/volumes/${other}`)).body.volume.status, 'available');

    assert.equal((await compute('POST', `/servers/${id}/action`, { unshelve: null })).status, 202);
    await until('active', () => compute('GET', `/servers/${id}`), (x) => x.body.server.status === 'ACTIVE');
    const back = (await volumeStatus(vol)).body.volume;
    assert.equal(back.status, 'in-use');
    assert.equal(back.attachments[0].device, '/dev/vdb');
  });
});

describe('volume swap (PUT os-volume_attachments)', () => {
  it('moves the server from one volume to another at the same device', async () => {
    const { id } = await newServer();
    const a = await newVolume(1);
    const b = await newVolume(2);
    await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: a } });
    await volumeStatus(a);
    const missing = await compute('PUT', `/servers/${id}/os-volume_attachments/${a}`, { volumeAttachment: { volumeId: '00000000-0000-4000-8000-000000000000' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.badRequest.message, 'Volume 00000000-0000-4000-8000-000000000000 could not be found.');
    const smaller = await newVolume(1);
    const r0 = await compute('PUT', `/servers/${id}/os-volume_attachments/${b}`, { volumeAttachment: { volumeId: smaller } });
    assert.equal(r0.status, 404, 'b is not attached');
    const r = await compute('PUT', `/servers/${id}/os-volume_attachments/${a}`, { volumeAttachment: { volumeId: b } });
    assert.equal(r.status, 202, r.text);
    assert.equal((await volumeStatus(a)).body.volume.status, 'available');
    const nb = (await volumeStatus(b)).body.volume;
    assert.equal(nb.status, 'in-use');
    assert.equal(nb.attachments[0].device, '/dev/vdb');
    assert.deepEqual((await compute('GET', `/servers/${id}/os-volume_attachments`)).body.volumeAttachments.map((x: { volumeId: string }) => x.volumeId), [b]);
    const back = await compute('PUT', `/servers/${id}/os-volume_attachments/${b}`, { volumeAttachment: { volumeId: smaller } });
    assert.equal(back.status, 400);
    assert.equal(back.body.badRequest.message, 'Invalid volume: New volume must be the same size or larger.');
    const dot = await compute('PUT', `/servers/${id}/os-volume_attachments/${b}`, { volumeAttachment: { volumeId: b, delete_on_termination: true } }, '2.85');
    assert.equal(dot.status, 202);
    assert.equal((await compute('GET', `/servers/${id}/os-volume_attachments/${b}`, undefined, '2.85')).body.volumeAttachment.delete_on_termination, true);
  });
});

describe('boot from volume', () => {
  it('creates the root volume from an image and a blank one, shows image "", and deletes them with the server', async () => {
    const r = await compute('POST', '/servers', {
      server: {
        name: 'bfv', flavorRef: '1', networks: [{ uuid: net }],
        block_device_mapping_v2: [
          { source_type: 'image', uuid: IMAGE, destination_type: 'volume', volume_size: 1, boot_index: 0, delete_on_termination: true },
          { source_type: 'blank', destination_type: 'volume', volume_size: 2, boot_index: 1 },
        ],
      },
    });
    assert.equal(r.status, 202, r.text);
    const id = r.body.server.id;
    const s = (await serverSettled(id)).body.server;
    assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
    assert.equal(s.image, '');
    const vols = s['os-extended-volumes:volumes_attached'].map((v: { id: string }) => v.id);
    assert.equal(vols.length, 2);
    const root = (await volumeApi('GET', `/volumes/${vols[0]}`)).body.volume;
    assert.equal(root.status, 'in-use');
    assert.equal(root.bootable, 'true');
    assert.equal(root.attachments[0].device, '/dev/vda');
    assert.equal((await volumeApi('GET', `/volumes/${vols[1]}`)).body.volume.size, 2);
    const detachRoot = await compute('DELETE', `/servers/${id}/os-volume_attachments/${vols[0]}`);
    assert.equal(detachRoot.status, 400);
    assert.equal(detachRoot.body.badRequest.message, 'Cannot detach a root device volume');

    assert.equal((await compute('DELETE', `/servers/${id}`)).status, 204);
    await until('root volume deleted', () => volumeApi('GET', `/volumes/${vols[0]}`), (x) => x.status === 404);
    const kept = (await volumeStatus(vols[1])).body.volume;
    assert.equal(kept.status, 'available', 'the blank volume without delete_on_termination stays, detached');
  });

  it('boots from an existing bootable volume and refuses bad mappings as Nova words them', async () => {
    const vol = await newVolume();
    await volumeApi('POST', `/volumes/${vol}/action`, { 'os-set_bootable': { bootable: true } });
    const { id, server } = await newServer({ imageRef: undefined, block_device_mapping_v2: [{ source_type: 'volume', uuid: vol, destination_type: 'volume', boot_index: 0 }] });
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
    assert.equal((await volumeApi('GET', `/volumes/${vol}`)).body.volume.status, 'in-use');

    const noSize = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'image', uuid: IMAGE, destination_type: 'volume', boot_index: 0 }] } });
    assert.equal(noSize.status, 400);
    assert.equal(noSize.body.badRequest.message, "Images with destination_type 'volume' need to have a non-zero size specified");
    const inUse = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'volume', uuid: vol, destination_type: 'volume', boot_index: 0 }] } });
    assert.equal(inUse.status, 400);
    assert.match(inUse.body.badRequest.message, /^Invalid volume: Invalid input received: Invalid volume: Volume .* status must be available or downloading to reserve, but the current status is in-use/);
    const missing = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'volume', uuid: '00000000-0000-4000-8000-000000000000', destination_type: 'volume', boot_index: 0 }] } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.badRequest.message, 'Block Device Mapping is Invalid: failed to get volume 00000000-0000-4000-8000-000000000000.');
    const dataMissing = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', imageRef: IMAGE, networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'volume', uuid: '00000000-0000-4000-8000-000000000000', destination_type: 'volume', boot_index: 1 }] } });
    assert.equal(dataMissing.body.badRequest.message, 'Volume 00000000-0000-4000-8000-000000000000 could not be found.');
    const notBootable = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'volume', uuid: await newVolume(), destination_type: 'volume', boot_index: 0 }] } });
    assert.match(notBootable.body.badRequest.message, /^Block Device .* is not bootable\.$/);
    const noUuid = await compute('POST', '/servers', { server: { name: 'x', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'volume', destination_type: 'volume', boot_index: 0 }] } });
    assert.equal(noUuid.body.badRequest.message, 'Block Device Mapping is Invalid: Missing device UUID.');

    assert.equal((await compute('DELETE', `/servers/${id}`)).status, 204);
    assert.equal((await until('detached', () => volumeApi('GET', `/volumes/${vol}`), (x) => x.body.volume.status === 'available')).body.volume.status, 'available', 'kept: no delete_on_termination');
  });

  it('boots an image with an extra blank volume as /dev/vdb', async () => {
    const { id, server } = await newServer({ block_device_mapping_v2: [{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 1, delete_on_termination: true }] });
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
    assert.equal(server.image.id, IMAGE);
    const [vol] = server['os-extended-volumes:volumes_attached'].map((v: { id: string }) => v.id);
    const shown = (await volumeApi('GET', `/volumes/${vol}`)).body.volume;
    assert.equal(shown.attachments[0].device, '/dev/vdb');
    assert.equal(shown.bootable, 'false');
    assert.equal((await compute('DELETE', `/servers/${id}`)).status, 204);
    await until('blank volume deleted', () => volumeApi('GET', `/volumes/${vol}`), (x) => x.status === 404);
  });

  it('puts the server in ERROR with Nova\'s fault when a volume cannot be created', async () => {
    const r = await compute('POST', '/servers', {
      server: { name: 'bad', flavorRef: '1', networks: [{ uuid: net }], block_device_mapping_v2: [{ source_type: 'blank', destination_type: 'volume', volume_size: 100000, boot_index: 0, delete_on_termination: true }] },
    });
    assert.equal(r.status, 202, r.text);
    const s = (await serverSettled(r.body.server.id)).body.server;
    assert.equal(s.status, 'ERROR');
    assert.match(s.fault.message, new RegExp(`^Build of instance ${r.body.server.id} aborted: Volume [0-9a-f-]{36} did not finish being created even after we waited \\d+ seconds or \\d+ attempts\\. And its status is error\\.$`));
  });
});

describe('an attach across a restart', () => {
  it('completes an attach the API acknowledged before the cloud stopped', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'sp-attach-restart-'));
    const saved = { cloud, token, nova, cinder, net };
    const boot = async (delays: Record<string, number>) => {
      cloud = await startCloud(loadConfig({ env: {}, overrides: { dataDir: dir, port: 0, logLevel: 'silent', passwordHashCost: 10, delays } }), { services: ALL_SERVICES });
      const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
      });
      token = res.headers.get('x-subject-token')!;
      nova = cloud.endpoints.find((e) => e.service === 'compute')!.url;
      cinder = cloud.endpoints.find((e) => e.catalogType === 'block-storage')!.url.replace('/$(project_id)s', '');
      net = (await send(`${cloud.endpoints.find((e) => e.service === 'network')!.url}/v2.0/networks?name=private`, 'GET')).body.networks[0].id;
    };
    try {
      await boot({ volume_attach: 600_000 });
      const { id } = await newServer();
      const vol = await newVolume();
      const r = await compute('POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
      assert.equal(r.status, 200, r.text);
      assert.equal((await volumeApi('GET', `/volumes/${vol}`)).body.volume.status, 'reserved');
      await cloud.close();
      await boot({});
      const after = (await volumeStatus(vol)).body.volume;
      assert.equal(after.status, 'in-use');
      assert.equal(after.attachments[0].server_id, id);
      await cloud.close();
    } finally {
      ({ cloud, token, nova, cinder, net } = saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
