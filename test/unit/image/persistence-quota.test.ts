import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';
import Database from 'better-sqlite3';
import { call } from '../identity/helpers';
import { OCTET, World, adminToken, assertGlanceError, createImage, glance } from './helpers';

const config = (dataDir: string, delays: Record<string, number> = {}) =>
  loadConfig({ env: {}, overrides: { dataDir, port: 0, logLevel: 'silent', passwordHashCost: 10, delays } });

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-image-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('image persistence', () => {
  test('images, data, members and tags survive a restart; cirros is registered once', async () => withDir(async (dir) => {
    let cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    let admin = await adminToken(cloud);
    const w = new World(cloud, admin);
    const m = await w.member();
    const other = await w.member();
    const img = await createImage(cloud, m.token, { name: 'keep', tags: ['t'], foo: 'bar' });
    await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'persisted bytes', headers: OCTET });
    await glance(cloud, 'POST', `/v2/images/${img.id}/members`, { token: m.token, body: { member: other.projectId } });
    await cloud.close();

    cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    admin = await adminToken(cloud);
    const s = await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'active');
    assert.deepEqual(s.body.tags, ['t']);
    assert.equal(s.body.foo, 'bar');
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token })).text, 'persisted bytes');
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/members/${other.projectId}`, { token: m.token })).body.status, 'pending');
    assert.equal((await glance(cloud, 'GET', '/v2/images?name=cirros', { token: admin })).body.images.length, 1);
    await cloud.close();
  }));

  test('an upload a crash interrupted leaves the image queued after the restart', async () => withDir(async (dir) => {
    let cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    const w = new World(cloud, await adminToken(cloud));
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    await cloud.close();
    // What a crash mid-upload leaves in the database.
    const db = new Database(join(dir, 'image', 'image.sqlite'));
    db.prepare("UPDATE images SET status = 'saving' WHERE id = ?").run(img.id);
    db.close();
    cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token })).body.status, 'queued');
    assert.equal((await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'again', headers: OCTET })).status, 204);
    await cloud.close();
  }));

  test('an import accepted before a restart completes after it', async () => withDir(async (dir) => {
    let cloud = await startCloud(config(dir, { image_import: 600_000 }), { services: ALL_SERVICES });
    const w = new World(cloud, await adminToken(cloud));
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    await glance(cloud, 'PUT', `/v2/images/${img.id}/stage`, { token: m.token, raw: 'imported later', headers: OCTET });
    assert.equal((await glance(cloud, 'POST', `/v2/images/${img.id}/import`, { token: m.token, body: { method: { name: 'glance-direct' } } })).status, 202);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token })).body.status, 'uploading');
    await cloud.close();

    cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    let s: any;
    for (let i = 0; i < 100; i++) {
      s = (await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token })).body;
      if (s.status === 'active') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(s.status, 'active');
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token })).text, 'imported later');
    await cloud.close();
  }));
});

describe('image quotas (unified limits in identity)', () => {
  let cloud: RunningCloud;
  test('count and size limits give 413 past them; /v2/info/usage reports them', async () => withDir(async (dir) => {
    cloud = await startCloud(config(dir), { services: ALL_SERVICES });
    const admin = await adminToken(cloud);
    const w = new World(cloud, admin);
    const m = await w.member();
    const svc = (await call(cloud, 'GET', '/v3/services?type=image', { token: admin })).body.services[0];
    const reg = (await call(cloud, 'GET', `/v3/registered_limits?service_id=${svc.id}`, { token: admin })).body.registered_limits;
    assert.deepEqual(reg.map((r: any) => r.resource_name).sort(), ['image_count_total', 'image_count_uploading', 'image_size_total', 'image_stage_total']);
    const limit = (resource: string, value: number) => call(cloud, 'POST', '/v3/limits', {
      token: admin, body: { limits: [{ service_id: svc.id, project_id: m.projectId, region_id: 'RegionOne', resource_name: resource, resource_limit: value }] },
    });
    assert.equal((await limit('image_count_total', 2)).status, 201);
    assert.equal((await limit('image_size_total', 1)).status, 201);
    const first = await createImage(cloud, m.token);
    const second = await createImage(cloud, m.token);
    const third = await glance(cloud, 'POST', '/v2/images', { token: m.token, body: { name: 'third' } });
    assertGlanceError(third, 413, /^The request returned a 413 Request Entity Too Large.*\n\nThe response body:\nProject \w+ is over a limit for \[Resource image_count_total is over limit of 2 due to current usage 2 and delta 1\]/s);
    // The upload that crosses the size limit succeeds (Glance checks usage before), the next one does not.
    assert.equal((await glance(cloud, 'PUT', `/v2/images/${first.id}/file`, { token: m.token, raw: Buffer.alloc(2 * 1024 * 1024), headers: OCTET })).status, 204);
    assertGlanceError(await glance(cloud, 'PUT', `/v2/images/${second.id}/file`, { token: m.token, raw: 'x', headers: OCTET }), 413, /image_size_total is over limit of 1 due to current usage 2 and delta 0/);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${second.id}`, { token: m.token })).body.status, 'queued');
    const usage = await glance(cloud, 'GET', '/v2/info/usage', { token: m.token });
    assert.deepEqual(usage.body.usage.image_count_total, { limit: 2, usage: 2 });
    assert.deepEqual(usage.body.usage.image_size_total, { limit: 1, usage: 2 });
    await cloud.close();
  }));
});
