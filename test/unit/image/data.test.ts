import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { OCTET, PATCH_TYPE, World, assertGlanceError, createImage, glance, useTestCloud } from './helpers';

let cloud: RunningCloud;
let admin: string;
let w: World;
useTestCloud((c) => ({ cloud, admin, w } = c));

const show = async (token: string, id: string) => (await glance(cloud, 'GET', `/v2/images/${id}`, { token })).body;

describe('image data', () => {
  test('upload then download gives the same bytes, MD5 and SHA-512; a second upload is 409', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    const data = randomBytes(300_000);
    assertGlanceError(await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: data, headers: { 'Content-Type': 'application/json' } }), 415,
      'The request media type application/json is not supported by this server.');
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token })).status, 204, 'no data yet');
    const up = await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: data, headers: OCTET });
    assert.equal(up.status, 204, up.text);
    const s = await show(m.token, img.id);
    assert.equal(s.status, 'active');
    assert.equal(s.size, data.length);
    assert.equal(s.virtual_size, data.length);
    assert.equal(s.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(s.os_hash_algo, 'sha512');
    assert.equal(s.os_hash_value, createHash('sha512').update(data).digest('hex'));
    assert.equal(s.stores, 'file');
    const down = await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token }) as any;
    assert.equal(down.status, 200);
    assert.equal(down.headers.get('content-md5'), s.checksum);
    assert.equal(down.headers.get('content-type'), 'application/octet-stream');
    assert.ok(down.bytes.equals(data));
    assertGlanceError(await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: data, headers: OCTET }), 409,
      'Image status transition from active to saving is not allowed');
  });

  test('Range: 206 with Content-Range (bytes=a-b, a-, -n, legacy Content-Range), 416 past the end, 400 for several', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'hello world', headers: OCTET });
    const get = (headers: Record<string, string>) => glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token, headers });
    for (const [h, body, cr] of [
      [{ Range: 'bytes=2-4' }, 'llo', 'bytes 2-4/11'],
      [{ Range: 'bytes=6-' }, 'world', 'bytes 6-10/11'],
      [{ Range: 'bytes=-3' }, 'rld', 'bytes 8-10/11'],
      [{ 'Content-Range': 'bytes 2-4/11' }, 'llo', 'bytes 2-4/11'],
    ] as [Record<string, string>, string, string][]) {
      const r = await get(h);
      assert.equal(r.status, 206, JSON.stringify(h));
      assert.equal(r.text, body);
      assert.equal(r.headers.get('content-range'), cr);
    }
    const bad = await get({ Range: 'bytes=50-60' });
    assertGlanceError(bad, 416, 'The Range requested is not available.<br /><br />\nInvalid start position in Range header. Start position MUST be in the inclusive range [0, 10].');
    assert.equal(bad.body.title, 'Request Range Not Satisfiable');
    assertGlanceError(await get({ Range: 'bytes=0-1,3-4' }), 400, 'Requests with multiple ranges are not supported in Glance.');
  });

  test('deactivate/reactivate: 204, download refused to non-admins while deactivated; queued images cannot be deactivated', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token, { visibility: 'private' });
    assertGlanceError(await glance(cloud, 'POST', `/v2/images/${img.id}/actions/deactivate`, { token: m.token }), 403, "Not allowed to deactivate image in status 'queued'");
    await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'abc', headers: OCTET });
    assert.equal((await glance(cloud, 'POST', `/v2/images/${img.id}/actions/deactivate`, { token: m.token })).status, 204);
    assert.equal((await show(m.token, img.id)).status, 'deactivated');
    assertGlanceError(await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token }), 403,
      'The requested image has been deactivated. Image data download is forbidden.');
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: admin })).text, 'abc');
    assert.equal((await glance(cloud, 'POST', `/v2/images/${img.id}/actions/reactivate`, { token: m.token })).status, 204);
    assert.equal((await show(m.token, img.id)).status, 'active');
  });

  test('an aborted upload leaves the image queued (as Glance does) and no partial data', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    const url = new URL(`${cloud.endpoints.find((e) => e.service === 'image')!.url}/v2/images/${img.id}/file`);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT',
        headers: { 'X-Auth-Token': m.token, 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1000, 1));
      setTimeout(() => { req.destroy(); resolve(); }, 100);
    });
    let s = await show(m.token, img.id);
    for (let i = 0; i < 50 && s.status !== 'queued'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      s = await show(m.token, img.id);
    }
    assert.equal(s.status, 'queued');
    assert.equal(s.size, null);
    const up = await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'again', headers: OCTET });
    assert.equal(up.status, 204, 'the image can be uploaded again');
  });

  test('glance-direct import: stage (uploading, staged size), import 202, then active with the staged bytes', async () => {
    const m = await w.member();
    const info = await glance(cloud, 'GET', '/v2/info/import', { token: m.token });
    assert.deepEqual(info.body['import-methods'].value, ['glance-direct']);
    const img = await createImage(cloud, m.token);
    const imp = (body: unknown) => glance(cloud, 'POST', `/v2/images/${img.id}/import`, { token: m.token, body });
    assertGlanceError(await imp({ method: { name: 'glance-direct' } }), 409, "Image needs to be staged before 'glance-direct' method can be used");
    assert.equal((await glance(cloud, 'PUT', `/v2/images/${img.id}/stage`, { token: m.token, raw: 'staged data', headers: OCTET })).status, 204);
    let s = await show(m.token, img.id);
    assert.equal(s.status, 'uploading');
    assert.equal(s.size, 11);
    assertGlanceError(await glance(cloud, 'PUT', `/v2/images/${img.id}/stage`, { token: m.token, raw: 'x', headers: OCTET }), 409,
      'Image status transition from uploading to uploading is not allowed');
    assertGlanceError(await imp({}), 400, "Import request requires a 'method' field.");
    assertGlanceError(await imp({ method: { name: 'web-download' } }), 400, "Unknown import method name 'web-download'.");
    assert.equal((await imp({ method: { name: 'glance-direct' } })).status, 202);
    for (let i = 0; i < 100 && s.status !== 'active'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      s = await show(m.token, img.id);
    }
    assert.equal(s.status, 'active');
    assert.equal(s.checksum, createHash('md5').update('staged data').digest('hex'));
    assert.equal(s.os_glance_failed_import, '');
    assert.equal(s.os_glance_import_task, undefined);
    assert.equal((await glance(cloud, 'GET', `/v2/images/${img.id}/file`, { token: m.token })).text, 'staged data');
    assertGlanceError(await imp({ method: { name: 'glance-direct' } }), 409, 'Image with status active cannot be target for import');
  });

  test('formats can change only while queued', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token);
    await glance(cloud, 'PUT', `/v2/images/${img.id}/file`, { token: m.token, raw: 'abc', headers: OCTET });
    assertGlanceError(await glance(cloud, 'PATCH', `/v2/images/${img.id}`, { token: m.token, headers: PATCH_TYPE, body: [{ op: 'replace', path: '/disk_format', value: 'qcow2' }] }),
      403, 'Attribute disk_format can be only replaced for a queued image.');
  });
});
