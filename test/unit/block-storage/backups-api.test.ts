/**
 * Backups: in an embedded cloud with an object store (Cinder's swift driver: objects in the
 * owner's account, container volumebackups) and without one (posix driver: files below the
 * block-storage store). Create (status rules, force, quota), show with the recorded field set,
 * restore to a new and an existing volume, delete removing the objects, admin actions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';
import { backupRoutes } from '../../../reference-cloud/block-storage/api/backups';
import { registerBackupWork } from '../../../reference-cloud/block-storage/backup-manager';
import { ADMIN, MEMBER, OTHER, addVolume, call, openBlockStorage, volume } from './attachments-helpers';

interface Reply { status: number; body: any; text: string }

let cloud: RunningCloud;
let token = '';
let project = '';
let cinder = '';
let swift = '';

async function send(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { method, headers: { 'X-Auth-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text };
}
const api = (method: string, path: string, body?: unknown, mv = '3.0') => send(`${cinder}${path}`, method, body, { 'OpenStack-API-Version': `volume ${mv}` });

async function until(what: string, path: string, ok: (r: Reply) => boolean): Promise<Reply> {
  let last: Reply | undefined;
  for (let i = 0; i < 400; i++) {
    last = await api('GET', path);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: ${last?.text}`);
}
const status = (path: string, want: string | number) =>
  until(`${path} ${want}`, path, (r) => (typeof want === 'number' ? r.status === want : r.status === 200 && Object.values(r.body as Record<string, { status: string }>)[0].status === want));

async function newVolume(size = 1): Promise<string> {
  const r = await api('POST', '/volumes', { volume: { size } });
  assert.equal(r.status, 202, r.text);
  await status(`/volumes/${r.body.volume.id}`, 'available');
  return r.body.volume.id;
}

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures/cinder-zed', `${name}.json`), 'utf8')).response.body;

before(async () => {
  cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), { services: ALL_SERVICES });
  const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud.admin.password } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  token = res.headers.get('x-subject-token')!;
  project = ((await res.json()) as { token: { project: { id: string } } }).token.project.id;
  cinder = cloud.endpoints.find((e) => e.catalogType === 'block-storage')!.url.replace('$(project_id)s', project);
  swift = cloud.endpoints.find((e) => e.catalogType === 'object-store')!.url.replace('$(project_id)s', project);
});
after(async () => cloud?.close());

describe('backups with an object store', () => {
  it('writes a backup into the owner\'s account as Cinder\'s swift driver, restores it and deletes its objects', async () => {
    const vol = await newVolume();
    const created = await api('POST', '/backups', { backup: { volume_id: vol, name: 'bk' } });
    assert.equal(created.status, 202, created.text);
    assert.deepEqual(Object.keys(created.body.backup), Object.keys(fixture('backup-create').backup));
    const id = created.body.backup.id;
    assert.equal(created.body.backup.links[0].href, `${cinder}/backups/${id}`);
    const shown = (await status(`/backups/${id}`, 'available')).body.backup;
    assert.deepEqual(Object.keys(shown), Object.keys(fixture('backup-show').backup));
    assert.equal(shown.container, 'volumebackups');
    assert.equal(shown.object_count, 21, '1 GiB in 50 MiB objects');
    assert.equal(shown.availability_zone, 'nova');
    assert.equal(shown.is_incremental, false);
    assert.match(shown.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal((await api('GET', `/volumes/${vol}`)).body.volume.status, 'available', 'the volume is back from backing-up');

    const objects = (await send(`${swift}/volumebackups?format=json`, 'GET')).body as { name: string; bytes: number }[];
    assert.equal(objects.length, 22);
    assert.match(objects[0].name, new RegExp(`^volume_${vol}/\\d{14}/az_nova_backup_${id}-00001$`));
    assert.ok(objects.some((o) => o.name.endsWith('_metadata')));
    const meta = await send(`${swift}/volumebackups/${objects.find((o) => o.name.endsWith('_metadata'))!.name}`, 'GET');
    assert.equal(meta.body.backup_id, id);
    assert.equal(meta.body.objects.length, 21);

    const list = await api('GET', '/backups');
    assert.deepEqual(list.body.backups.map((b: { id: string }) => b.id), [id]);
    assert.equal((await api('GET', '/backups/detail', undefined, '3.43')).body.backups[0].metadata && true, true);

    const restored = await api('POST', `/backups/${id}/restore`, { restore: { name: 'back' } });
    assert.equal(restored.status, 202, restored.text);
    assert.deepEqual(Object.keys(restored.body.restore), ['backup_id', 'volume_id', 'volume_name']);
    assert.equal(restored.body.restore.volume_name, 'back');
    await status(`/volumes/${restored.body.restore.volume_id}`, 'available');
    await status(`/backups/${id}`, 'available');

    const small = await newVolume(1);
    const big = await api('POST', '/backups', { backup: { volume_id: await newVolume(2) } });
    await status(`/backups/${big.body.backup.id}`, 'available');
    const tooSmall = await api('POST', `/backups/${big.body.backup.id}/restore`, { restore: { volume_id: small } });
    assert.equal(tooSmall.status, 400);
    assert.equal(tooSmall.body.badRequest.message, 'Invalid volume: volume size 1 is too small to restore backup of size 2.');
    const onto = await api('POST', `/backups/${id}/restore`, { restore: { volume_id: small } });
    assert.equal(onto.status, 202);
    await status(`/volumes/${small}`, 'available');

    assert.equal((await api('DELETE', `/backups/${id}`)).status, 202);
    await status(`/backups/${id}`, 404);
    const left = (await send(`${swift}/volumebackups?format=json`, 'GET')).body as { name: string }[];
    assert.ok(left.every((o) => !o.name.includes(id)), 'the deleted backup\'s objects are gone');
    const again = await api('DELETE', `/backups/${id}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.itemNotFound.message, `Backup ${id} could not be found.`);
  });

  it('refuses what Cinder refuses, changing nothing', async () => {
    const vol = await newVolume();
    const srv = await api('POST', '/attachments', { attachment: { volume_uuid: vol, connector: { host: 'h', mountpoint: '/dev/vdb' } } }, '3.44');
    await api('POST', `/attachments/${srv.body.attachment.id}/action`, { 'os-complete': null }, '3.44');
    const inUse = await api('POST', '/backups', { backup: { volume_id: vol } });
    assert.equal(inUse.status, 400);
    assert.equal(inUse.body.badRequest.message, 'Invalid volume: Backing up an in-use volume must use the force flag.');
    const forced = await api('POST', '/backups', { backup: { volume_id: vol, force: true } });
    assert.equal(forced.status, 202);
    await status(`/backups/${forced.body.backup.id}`, 'available');
    assert.equal((await api('GET', `/volumes/${vol}`)).body.volume.status, 'in-use', 'back to in-use');
    const unknown = await api('POST', '/backups', { backup: { volume_id: '00000000-0000-4000-8000-000000000000' } });
    assert.equal(unknown.status, 404);
    for (const body of [null, {}, { backup: {} }, { backup: { volume_id: 'x' } }, { backup: { volume_id: vol, colour: 1 } }, { backup: { volume_id: vol, force: 'maybe' } }]) {
      assert.equal((await api('POST', '/backups', body)).status, 400, JSON.stringify(body));
    }
    const inc = await api('POST', '/backups', { backup: { volume_id: await newVolume(), incremental: true } });
    assert.equal(inc.status, 400);
    assert.equal(inc.body.badRequest.message, 'Invalid backup: No backups available to do an incremental backup.');
    assert.equal((await api('GET', '/backups/00000000-0000-4000-8000-000000000000')).body.itemNotFound.message, fixture('backup-show-unknown').itemNotFound.message.replace('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000000'));
  });

  it('counts backups against the backups quota (413)', async () => {
    const used = (await api('GET', `/os-quota-sets/${project}?usage=True`)).body.quota_set.backups.in_use as number;
    const q = await api('PUT', `/os-quota-sets/${project}`, { quota_set: { backups: used } });
    assert.equal(q.status, 200, q.text);
    const r = await api('POST', '/backups', { backup: { volume_id: await newVolume() } });
    assert.equal(r.status, 413, r.text);
    assert.equal(r.body.overLimit.message, `BackupLimitExceeded: Maximum number of backups allowed (${used}) exceeded`);
    await api('DELETE', `/os-quota-sets/${project}`);
  });
});

describe('backups without an object store (posix driver)', () => {
  it('writes files below the store, restores and deletes them; admin actions', async () => {
    const t = openBlockStorage();
    try {
      t.api.peers = { has: async () => false } as never;
      registerBackupWork(t.api);
      t.api.queue.start();
      const routes = backupRoutes(t.api);
      const v = addVolume(t.api, { size: 1 });
      const r = await call(routes, 'POST', '/backups', { body: { backup: { volume_id: v.id, container: '../../etc' } } });
      assert.equal(r.status, 202);
      assert.equal(volume(t.api, v.id).status, 'backing-up');
      await t.api.queue.idle();
      const shown = (await call(routes, 'GET', `/backups/${r.body.backup.id}`)).body.backup;
      assert.equal(shown.status, 'available');
      assert.equal(shown.container, '../../etc');
      assert.equal(volume(t.api, v.id).status, 'available');
      const root = join(t.api.store.dir, 'backups');
      const dirs = readdirSync(root);
      assert.equal(dirs.length, 1);
      assert.ok(!dirs[0].includes('.') && !dirs[0].includes('/'), 'the container is one escaped directory');
      assert.equal(readdirSync(join(root, dirs[0])).length, 22);

      assert.equal((await call(routes, 'GET', `/backups/${r.body.backup.id}`, { auth: OTHER })).status, 404);
      assert.equal((await call(routes, 'POST', `/backups/${r.body.backup.id}/action`, { body: { 'os-reset_status': { status: 'error' } } })).status, 403);
      assert.equal((await call(routes, 'POST', `/backups/${r.body.backup.id}/action`, { auth: ADMIN, body: { 'os-reset_status': { status: 'error' } } })).status, 202);
      assert.equal((await call(routes, 'GET', `/backups/${r.body.backup.id}`, { mv: '3.56', auth: ADMIN })).body.backup['os-backup-project-attr:project_id'], 'p1');

      const target = addVolume(t.api, { size: 1 });
      assert.equal((await call(routes, 'POST', `/backups/${r.body.backup.id}/restore`, { body: { restore: { volume_id: target.id } } })).status, 400, 'a backup in error cannot be restored');
      await call(routes, 'POST', `/backups/${r.body.backup.id}/action`, { auth: ADMIN, body: { 'os-reset_status': { status: 'available' } } });
      const restore = await call(routes, 'POST', `/backups/${r.body.backup.id}/restore`, { body: { restore: { volume_id: target.id } } });
      assert.equal(restore.status, 202);
      assert.equal(volume(t.api, target.id).status, 'restoring-backup');
      await t.api.queue.idle();
      assert.equal(volume(t.api, target.id).status, 'available');

      assert.equal((await call(routes, 'POST', `/backups/${r.body.backup.id}/action`, { auth: MEMBER, body: { 'os-force_delete': {} } })).status, 403);
      assert.equal((await call(routes, 'DELETE', `/backups/${r.body.backup.id}`)).status, 202);
      await t.api.queue.idle();
      assert.equal((await call(routes, 'GET', `/backups/${r.body.backup.id}`)).status, 404);
      assert.equal(readdirSync(join(root, dirs[0])).length, 0);
      assert.ok(existsSync(root));
    } finally {
      t.close();
    }
  });
});

describe('backups across a restart', () => {
  it('finishes a backup accepted before the process stopped', async () => {
    const first = openBlockStorage();
    first.api.peers = { has: async () => false } as never;
    registerBackupWork(first.api);
    first.api.queue.close(); // a stopped process: the job is recorded, nothing runs
    const v = addVolume(first.api);
    const r = await call(backupRoutes(first.api), 'POST', '/backups', { body: { backup: { volume_id: v.id } } });
    assert.equal(r.status, 202);
    first.close(true);

    const second = openBlockStorage(first.dir);
    try {
      second.api.peers = { has: async () => false } as never;
      registerBackupWork(second.api);
      second.api.queue.start();
      await second.api.queue.idle();
      const shown = (await call(backupRoutes(second.api), 'GET', `/backups/${r.body.backup.id}`)).body.backup;
      assert.equal(shown.status, 'available');
      assert.equal(shown.object_count, 21);
      assert.equal(volume(second.api, v.id).status, 'available');
    } finally {
      second.close();
    }
  });
});
