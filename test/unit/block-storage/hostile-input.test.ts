/**
 * Hostile input on every volume, snapshot, type, quota and action route: odd bodies (not JSON,
 * wrong types, nulls, deep nesting, huge strings), odd ids and query strings. Every answer is a
 * 4xx (or a success) in Cinder's fault format, never a 5xx, and the cloud keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCinder, type Cinder } from './volumes-helpers';

const ODD_BODIES: unknown[] = [
  undefined, 'null', '[]', '"x"', '1', '{', '{}', { volume: null }, { volume: [] }, { volume: 'x' }, { snapshot: null }, { volume_type: null },
  { quota_set: null }, { quota_set: [] }, { metadata: null }, { metadata: { k: 1 } }, { meta: null }, { meta: { a: 'b', c: 'd' } },
  { volume: { size: -1 } }, { volume: { size: 1e30 } }, { volume: { size: '1', name: 'x'.repeat(300) } }, { volume: { size: 1, metadata: { ['k'.repeat(300)]: 'v' } } },
  { volume: { size: 1, volume_type: { a: 1 } } }, { volume: { size: 1, snapshot_id: 'not-a-uuid' } }, { volume: { size: 1, imageRef: '../../etc/passwd' } },
  { volume: { size: 1, availability_zone: '' } }, { volume: { size: 1, name: '\u0000\u202e' } }, { snapshot: { volume_id: null } },
  { volume_type: { name: 'a', extra_specs: { 'bad key!': 'v' } } }, { volume_type: { name: 'x', 'os-volume-type-access:is_public': 'maybe' } },
  { quota_set: { volumes: 1.5 } }, { quota_set: { volumes: -2 } }, { quota_set: { volumes: 99999999999 } }, { quota_set: { id: 'x' } },
  { addProjectAccess: null }, { addProjectAccess: { project: '' } }, { removeProjectAccess: {} }, { 'custom:key': { nested: true } },
  JSON.stringify(Array.from({ length: 200 }).reduce((acc: unknown) => ({ a: acc }), {})),
];

const ACTIONS = ['os-extend', 'os-set_bootable', 'os-reset_status', 'os-force_delete', 'os-retype', 'os-set_image_metadata', 'os-unset_image_metadata',
  'os-show_image_metadata', 'os-volume_upload_image', 'os-update_readonly_flag'];
const ACTION_ARGS: unknown[] = [null, [], 'x', 1, {}, { new_size: -1 }, { new_size: '1e3' }, { bootable: null }, { status: 123 }, { status: 'deleting' },
  { new_type: '' }, { new_type: null }, { migration_policy: 'sometimes', new_type: 'multiattach' }, { metadata: [] }, { key: '' }, { image_name: '' },
  { image_name: 'x', disk_format: 'iso' }, { image_name: 'x', visibility: 'public' }, { readonly: 'perhaps' }, { attach_status: 'half' }];

describe('block storage: hostile input', () => {
  let c: Cinder;
  let volumeId = '';
  let snapshotId = '';
  let typeId = '';

  before(async () => {
    c = await startCinder();
    const v = await c.call(c.member, 'POST', '/v3/volumes', { volume: { size: 1 } });
    volumeId = v.body.volume.id;
    await c.waitFor(c.member, `/v3/volumes/${volumeId}`, (b) => b?.volume?.status, 'available');
    const s = await c.call(c.member, 'POST', '/v3/snapshots', { snapshot: { volume_id: volumeId } });
    snapshotId = s.body.snapshot.id;
    const t = await c.call(c.admin, 'POST', '/v3/types', { volume_type: { name: 'hostile-type' } });
    typeId = t.body.volume_type.id;
  });
  after(async () => {
    await c?.cloud.close();
  });

  const check = (r: { status: number; text: string }, what: string) => {
    assert.ok(r.status < 500, `${what} answered ${r.status}: ${r.text.slice(0, 300)}`);
    // 414: the HTTP layer's limit on a path parameter's length (core), before the API.
    if (r.status >= 400 && r.status !== 401 && r.status !== 414) assert.match(r.text, /^\{"(badRequest|itemNotFound|forbidden|conflictingRequest|overLimit)"|^404 Not Found/, `${what}: ${r.text.slice(0, 200)}`);
  };

  it('answers every route with odd bodies in 4xx, never 5xx', async () => {
    const ids = () => ({ v: volumeId, s: snapshotId, t: typeId });
    const routes: [string, string][] = [
      ['POST', '/v3/volumes'], ['PUT', '/v3/volumes/{v}'], ['POST', '/v3/volumes/{v}/metadata'], ['PUT', '/v3/volumes/{v}/metadata'],
      ['PUT', '/v3/volumes/{v}/metadata/k'], ['POST', '/v3/snapshots'], ['PUT', '/v3/snapshots/{s}'], ['POST', '/v3/snapshots/{s}/metadata'],
      ['PUT', '/v3/snapshots/{s}/metadata/k'], ['POST', '/v3/types'], ['PUT', '/v3/types/{t}'], ['POST', '/v3/types/{t}/extra_specs'],
      ['PUT', '/v3/types/{t}/extra_specs/custom:key'], ['POST', '/v3/types/{t}/action'], ['PUT', '/v3/os-quota-sets/{p}'], ['POST', '/v3/volumes/{v}/action'],
    ];
    for (const [method, template] of routes) {
      const { v, s, t } = ids();
      const path = template.replace('{v}', v).replace('{s}', s).replace('{t}', t).replace('{p}', c.alpha);
      for (const body of ODD_BODIES) {
        for (const token of [c.member, c.admin]) {
          const r = await c.call(token, method, path, body);
          check(r, `${method} ${path} ${typeof body === 'string' ? body.slice(0, 40) : JSON.stringify(body)?.slice(0, 80)}`);
        }
      }
    }
  });

  it('answers every action with odd arguments in 4xx, never 5xx', async () => {
    for (const name of ACTIONS) {
      for (const arg of ACTION_ARGS) {
        for (const token of [c.member, c.admin]) {
          const r = await c.call(token, 'POST', `/v3/volumes/${volumeId}/action`, { [name]: arg });
          check(r, `${name} ${JSON.stringify(arg)}`);
          // Put the volume back for the next try.
          if (r.status < 300) {
            await c.call(c.admin, 'POST', `/v3/volumes/${volumeId}/action`, { 'os-reset_status': { status: 'available', attach_status: 'detached' } });
          }
        }
      }
    }
  });

  it('answers odd ids and query strings in 4xx', async () => {
    const odd = ['nope', '00000000-0000-0000-0000-000000000000', '..%2F..%2Fetc', '%00', 'x'.repeat(2000), '%E2%80%AE', "'%20OR%201=1"];
    for (const id of odd) {
      for (const path of [`/v3/volumes/${id}`, `/v3/snapshots/${id}`, `/v3/types/${id}`, `/v3/types/${id}/extra_specs`, `/v3/volumes/${id}/metadata`,
        `/v3/types/${id}/os-volume-type-access`, `/v3/os-quota-sets/${id}`, `/v3/os-quota-sets/${id}/defaults`]) {
        for (const method of ['GET', 'DELETE']) check(await c.call(c.admin, method, path), `${method} ${path.slice(0, 80)}`);
      }
      check(await c.call(c.member, 'POST', `/v3/volumes/${id}/action`, { 'os-extend': { new_size: 2 } }), `action on ${id.slice(0, 20)}`);
    }
    const queries = ['limit=abc', 'limit=99999999999999999999', 'offset=-1', 'offset=x', 'sort=name:sideways', 'sort=:', 'sort_key=name&sort=name', 'marker=nope',
      'metadata=notjson', 'metadata=%7B', 'created_at=gt:yesterday', 'with_count=maybe', 'all_tenants=1&project_id=x', 'name=%00', '%FF=1'];
    for (const q of queries) {
      for (const path of ['/v3/volumes', '/v3/volumes/detail', '/v3/snapshots', '/v3/snapshots/detail', '/v3/types']) {
        for (const token of [c.member, c.admin]) for (const mv of ['3.0', '3.70']) check(await c.call(token, 'GET', `${path}?${q}`, undefined, mv), `GET ${path}?${q} ${mv}`);
      }
    }
    // Still serving, nothing changed.
    const v = await c.call(c.member, 'GET', `/v3/volumes/${volumeId}`);
    assert.equal(v.status, 200);
  });
});
