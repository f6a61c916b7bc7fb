import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningCloud } from '../../../reference-cloud/core/cloud';
import { OCTET, PATCH_TYPE, World, createImage, glance, useTestCloud } from './helpers';

let cloud: RunningCloud;
let w: World;
useTestCloud((c) => ({ cloud, w } = c));

describe('image bad input: a clear 4xx in Glance\'s format, never a 500, nothing changed', () => {
  test('every route answers hostile input with 4xx', async () => {
    const m = await w.member();
    const img = await createImage(cloud, m.token, { name: 'target' });
    const deep = '['.repeat(200) + ']'.repeat(200);
    const cases: [string, string, Parameters<typeof glance>[3]][] = [
      ['POST', '/v2/images', { raw: deep }],
      ['POST', '/v2/images', { raw: 'null' }],
      ['POST', '/v2/images', { raw: '"x"' }],
      ['POST', '/v2/images', { body: { ['k'.repeat(300)]: 'v' } }],
      ['POST', '/v2/images', { body: { tags: ['x'.repeat(300)] } }],
      ['POST', '/v2/images', { body: { min_ram: 1e300 } }],
      ['POST', '/v2/images', { raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
      ['GET', `/v2/images/${'x'.repeat(2000)}`, {}],
      ['GET', '/v2/images/%ZZ', {}],
      ['GET', '/v2/images?limit=1e999', {}],
      ['GET', '/v2/images?created_at=gte:notadate', {}],
      ['GET', '/v2/images?size_min=-1', {}],
      ['PATCH', `/v2/images/${img.id}`, { raw: 'not json', headers: PATCH_TYPE }],
      ['PATCH', `/v2/images/${img.id}`, { body: [null], headers: PATCH_TYPE }],
      ['PATCH', `/v2/images/${img.id}`, { body: [{ op: 'add', path: '/min_disk', value: 'big' }], headers: PATCH_TYPE }],
      ['PATCH', `/v2/images/${img.id}`, { body: [{ op: 'add', path: '/name', value: 'x'.repeat(256) }], headers: PATCH_TYPE }],
      ['PATCH', `/v2/images/${img.id}`, { body: [{ op: 'add', path: '/locations/0', value: {} }], headers: PATCH_TYPE }],
      ['PUT', `/v2/images/${img.id}/file`, { raw: 'x' }],
      ['PUT', '/v2/images/00000000-0000-4000-8000-000000000000/file', { raw: 'x', headers: OCTET }],
      ['POST', `/v2/images/${img.id}/import`, { raw: '[]' }],
      ['POST', `/v2/images/${img.id}/import`, { body: { method: 'glance-direct' } }],
      ['POST', `/v2/images/${img.id}/members`, { raw: '[]' }],
      ['POST', `/v2/images/${img.id}/members`, { body: { member: { id: 1 } } }],
      ['PUT', `/v2/images/${img.id}/members/x`, { body: [] }],
      ['PUT', `/v2/images/${img.id}/tags/${'t'.repeat(300)}`, {}],
      ['POST', `/v2/images/${img.id}/actions/explode`, {}],
      ['DELETE', '/v2/images', {}],
    ];
    for (const [method, path, opts] of cases) {
      const r = await glance(cloud, method, path, { token: m.token, ...opts });
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path.slice(0, 60)} ${JSON.stringify(opts).slice(0, 80)} answered ${r.status}: ${r.text.slice(0, 200)}`);
      assert.match(String(r.body?.code), /^4\d\d /, `${method} ${path.slice(0, 60)}: ${r.text.slice(0, 200)}`);
    }
    const after = await glance(cloud, 'GET', `/v2/images/${img.id}`, { token: m.token });
    assert.equal(after.body.name, 'target');
    assert.equal(after.body.status, 'queued');
    assert.equal(after.body.min_disk, 0);
  });
});
