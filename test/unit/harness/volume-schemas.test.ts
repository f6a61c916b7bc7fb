/**
 * The volume schemas against real Cinder (Zed) answers recorded in test/fixtures/cinder-zed: every
 * fixture that names a schema validates against it, at the microversion it was answered with
 * (volume/<name>-3.N is the variant of volume/<name> from microversion 3.N on), and the schemas
 * reject broken bodies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSecrets, bodyOf, loadRecorded, registry, rejects, type Recorded } from './recorded';
import { describeSchemaErrors } from '../../../harness/wire';

const fixtures = loadRecorded('cinder-zed');

/** The microversion Cinder answered with (it echoes it on every answer it routed). */
function answeredMicroversion(f: Recorded): string {
  return /^volume (\d+\.\d+)$/.exec(f.response.headers['Openstack-Api-Version'] ?? '')?.[1] ?? '3.0';
}

const body = (name: string): any => bodyOf(fixtures, name);
const status = (name: string): number => {
  const f = fixtures.get(name);
  assert.ok(f, `fixture ${name}`);
  return f.response.status;
};

test('every volume schema compiles in strict mode', () => {
  registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('volume/'));
  for (const needed of ['versions', 'version', 'error', 'volume', 'volume-3.48', 'volume-3.63', 'volume-3.65', 'volume-list', 'volume-list-detail',
    'snapshot', 'snapshot-3.65', 'type', 'attachment', 'quota-set', 'quota-set-usage', 'limits', 'upload-image', 'backup']) {
    assert.ok(ids.includes(`volume/${needed}`), `missing schema volume/${needed}`);
  }
});

test('variants are chosen by microversion', () => {
  assert.equal(registry.atMicroversion('volume/volume', '3.0'), 'volume/volume');
  assert.equal(registry.atMicroversion('volume/volume', '3.47'), 'volume/volume-3.13');
  assert.equal(registry.atMicroversion('volume/volume', '3.59'), 'volume/volume-3.48');
  assert.equal(registry.atMicroversion('volume/volume', '3.70'), 'volume/volume-3.65');
  assert.equal(registry.atMicroversion('volume/snapshot', '3.64'), 'volume/snapshot-3.41');
  assert.equal(registry.atMicroversion('volume/error', '3.70'), 'volume/error');
});

test('responses recorded from a real Cinder (Zed) match their schemas at their microversion', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, f] of fixtures) {
    if (!f.schema) continue;
    // a race (a volume already gone) turns an expected body into a fault: faults are checked as faults
    const id = registry.atMicroversion(f.response.status >= 400 ? 'volume/error' : f.schema, answeredMicroversion(f));
    checked++;
    const r = registry.validate(id, f.response.body);
    if (!r.valid) failures.push(`${name} vs ${id}: ${describeSchemaErrors(r.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 180, `only ${checked} fixtures name a schema`);
});

test('recorded fixtures carry no token', () => assertNoSecrets(fixtures));

test('every answer Cinder routed echoes the microversion with Vary; request ids twice', () => {
  let echoed = 0;
  for (const [name, f] of fixtures) {
    const h = f.response.headers;
    if (!h['Openstack-Api-Version']?.startsWith('volume ')) continue; // Nova's answers (nova-*) say compute
    echoed++;
    assert.match(h['Openstack-Api-Version'], /^volume \d+\.\d+$/, `${name} OpenStack-API-Version`);
    assert.equal(h.Vary, 'OpenStack-API-Version', `${name} Vary`);
    if (h['X-Compute-Request-Id']) assert.equal(h['X-Compute-Request-Id'], h['X-Openstack-Request-Id'], `${name} request ids`);
    assert.match(h['X-Openstack-Request-Id'], /^req-[0-9a-f-]{36}$/, `${name} request id`);
    if (f.response.status >= 400 && f.response.body) assert.equal(h['Content-Type'], 'application/json', `${name} fault Content-Type`);
  }
  assert.ok(echoed > 150);
  const h = (n: string) => fixtures.get(n)!.response.headers['Openstack-Api-Version'];
  assert.equal(h('mv-none'), 'volume 3.0');
  assert.equal(h('mv-latest'), 'volume 3.70');
  assert.equal(h('mv-out-of-range'), 'volume 3.200');
  assert.equal(h('versions-root'), 'volume 3.0');
});

test('status codes Cinder answers', () => {
  assert.equal(status('versions-root'), 300);
  assert.equal(status('mv-above-max'), 406);
  assert.equal(status('mv-malformed'), 400);
  assert.equal(status('volume-create'), 202);
  assert.equal(status('volume-update'), 200);
  assert.equal(status('volume-delete'), 202);
  assert.equal(status('volume-delete-in-use'), 400);
  assert.equal(status('volume-delete-with-snapshots'), 400);
  assert.equal(status('volume-show-unknown'), 404);
  // Zed's legacy policies (enforce_new_defaults off) let a reader write; new defaults would answer 403
  assert.equal(status('volume-create-by-reader'), 202);
  assert.equal(status('volume-delete-by-reader'), 202);
  assert.equal(status('volume-create-over-gigabytes'), 413);
  assert.equal(status('volume-create-over-volumes'), 413);
  assert.equal(status('volume-create-over-type-quota'), 413);
  assert.equal(status('snapshot-create-over-quota'), 413);
  assert.equal(status('volume-action-extend'), 202);
  assert.equal(status('volume-action-extend-in-use-3.41'), 400);
  assert.equal(status('volume-action-extend-in-use-3.42'), 202);
  assert.equal(status('volume-action-set-bootable'), 200);
  assert.equal(status('volume-action-reset-status'), 202);
  assert.equal(status('volume-action-force-delete'), 202);
  assert.equal(status('attachment-create-3.26'), 404);
  assert.equal(status('attachment-create'), 200);
  assert.equal(status('attachment-complete'), 204);
  assert.equal(status('attachment-delete'), 200);
  assert.equal(status('attachment-delete-nova-owned'), 409);
  assert.equal(status('snapshot-create'), 202);
  assert.equal(status('snapshot-delete'), 202);
  assert.equal(status('type-create'), 200);
  assert.equal(status('type-delete'), 202);
});

test('the volume schemas follow the microversion and reject what Cinder never sends', () => {
  const v0 = body('volume-show-3.0');
  rejects('volume/volume', { volume: { ...v0.volume, shared_targets: false } }, /unexpected property 'shared_targets'/);
  rejects('volume/volume', { volume: { ...v0.volume, created_at: '2026-11-25T01:25:33Z' } }, /created_at must match pattern/);
  rejects('volume/volume', { volume: { ...v0.volume, bootable: false } }, /bootable/);
  rejects('volume/volume', { volume: { ...v0.volume, status: 'active' } }, /status must be one of/);
  const v65 = body('volume-show-3.70');
  const noQuota = structuredClone(v65);
  delete noQuota.volume.consumes_quota;
  rejects('volume/volume-3.65', noQuota, /must have required property 'consumes_quota'/);
  const noTypeId = structuredClone(v65);
  delete noTypeId.volume.volume_type_id;
  rejects('volume/volume-3.63', noTypeId, /must have required property 'volume_type_id'/);
  const att = body('volume-show-nova-attached');
  rejects('volume/volume', { volume: { ...att.volume, attachments: [{ ...att.volume.attachments[0], attached_at: null }] } }, /attached_at/);
  const list = body('volume-list-limit');
  list.volumes_links[0].rel = 'forward';
  rejects('volume/volume-list', list, /rel/);
  rejects('volume/volume-list', { volumes: [v0.volume] }, /unexpected property/);
});

test('other volume schemas reject what Cinder never sends', () => {
  rejects('volume/error', { itemNotFound: { code: 404 } }, /must have required property 'message'/);
  rejects('volume/error', { error: { code: 401, title: 'Unauthorized', message: 'x' } }, /propertyNames|property name/);
  const s = body('snapshot-show-3.65');
  const noUser = structuredClone(s);
  delete noUser.snapshot.user_id;
  rejects('volume/snapshot-3.41', noUser, /must have required property 'user_id'/);
  const a = body('attachment-show');
  rejects('volume/attachment', { attachment: { ...a.attachment, attach_mode: null } }, /attach_mode/);
  rejects('volume/attachment', { attachment: { ...a.attachment, attached_at: null } }, /attached_at/);
  const q = body('quota-show');
  rejects('volume/quota-set', { quota_set: { ...q.quota_set, floating_ips: 1 } }, /unexpected property 'floating_ips'/);
  rejects('volume/quota-set', { quota_set: { ...q.quota_set, volumes: '10' } }, /\/quota_set\/volumes must be integer/);
  const u = body('quota-show-usage');
  rejects('volume/quota-set-usage', { quota_set: { ...u.quota_set, volumes: 10 } }, /\/quota_set\/volumes must be object/);
  const l = body('limits');
  rejects('volume/limits', { limits: { ...l.limits, rate: [{}] } }, /rate must NOT have more than 0 items/);
  const t = body('type-show');
  rejects('volume/type', { volume_type: { ...t.volume_type, is_public: 'true' } }, /is_public must be boolean/);
  const v = body('versions-root');
  rejects('volume/versions', { versions: [{ ...v.versions[0], min_version: '3.1' }] }, /min_version/);
});
