/**
 * The compute schemas against real Nova (Zed) answers recorded in test/fixtures/nova-zed: every
 * fixture that names a schema validates against it, at the microversion it was recorded with
 * (compute/<name>-2.N is the variant of compute/<name> from microversion 2.N on), and the schemas
 * reject broken bodies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accepts, assertNoSecrets, bodyOf, loadRecorded, registry, rejects, type Recorded } from './recorded';
import { describeSchemaErrors } from '../../../harness/wire';


const fixtures = loadRecorded('nova-zed');

/** The microversion Nova answered with (it echoes it on every answer it routed). */
function answeredMicroversion(f: Recorded): string {
  return /^compute (\d+\.\d+)$/.exec(f.response.headers['Openstack-Api-Version'] ?? '')?.[1] ?? '2.1';
}

const body = (name: string): any => bodyOf(fixtures, name);

test('every compute schema compiles in strict mode', () => {
  registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('compute/'));
  for (const needed of ['versions', 'version', 'error', 'server', 'server-2.47', 'server-2.73', 'server-list', 'server-create', 'flavor', 'flavor-2.75',
    'keypair-create', 'keypair-create-2.2', 'quota-set-2.57', 'limits-2.57', 'server-group-2.64', 'hypervisor-list-2.88', 'service-list-2.53']) {
    assert.ok(ids.includes(`compute/${needed}`), `missing schema compute/${needed}`);
  }
});

test('variants are chosen by microversion', () => {
  assert.equal(registry.atMicroversion('compute/server', '2.1'), 'compute/server');
  assert.equal(registry.atMicroversion('compute/server', '2.46'), 'compute/server');
  assert.equal(registry.atMicroversion('compute/server', '2.47'), 'compute/server-2.47');
  assert.equal(registry.atMicroversion('compute/server', '2.72'), 'compute/server-2.47');
  assert.equal(registry.atMicroversion('compute/server', '2.93'), 'compute/server-2.73');
  assert.equal(registry.atMicroversion('compute/flavor', '2.60'), 'compute/flavor-2.55');
  assert.equal(registry.atMicroversion('compute/error', '2.93'), 'compute/error');
});

test('responses recorded from a real Nova (Zed) match their schemas at their microversion', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, f] of fixtures) {
    if (!f.schema) continue;
    const id = registry.atMicroversion(f.schema, answeredMicroversion(f));
    checked++;
    const r = registry.validate(id, f.response.body);
    if (!r.valid) failures.push(`${name} vs ${id}: ${describeSchemaErrors(r.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 220, `only ${checked} fixtures name a schema`);
});

test('recorded fixtures carry no token and no private key', () => assertNoSecrets(fixtures));

test('every answer Nova routed echoes the microversion with both Vary values, and faults are JSON with a charset', () => {
  for (const [name, f] of fixtures) {
    const h = f.response.headers;
    if (!h['Openstack-Api-Version']) continue;
    assert.match(h['Openstack-Api-Version'], /^compute \d+\.\d+$/, `${name} OpenStack-API-Version`);
    assert.equal(h['X-Openstack-Nova-Api-Version'], h['Openstack-Api-Version'].slice('compute '.length), `${name} legacy header`);
    assert.equal(h.Vary, 'OpenStack-API-Version, X-OpenStack-Nova-API-Version', `${name} Vary`);
    assert.equal(h['X-Compute-Request-Id'], h['X-Openstack-Request-Id'], `${name} request ids`);
    if (f.response.status >= 400) assert.equal(h['Content-Type'], 'application/json; charset=UTF-8', `${name} fault Content-Type`);
  }
  // a malformed version string is refused before the echo
  assert.equal(fixtures.get('mv-malformed')!.response.headers['Openstack-Api-Version'], undefined);
  assert.equal(fixtures.get('mv-out-of-range')!.response.headers['Openstack-Api-Version'], 'compute 2.200');
});

test('status codes that change with the microversion', () => {
  const status = (n: string) => fixtures.get(n)!.response.status;
  assert.equal(status('keypair-create-2.1'), 200);
  assert.equal(status('keypair-create-2.2'), 201);
  assert.equal(status('keypair-delete-2.1'), 202);
  assert.equal(status('keypair-delete-2.2'), 204);
  assert.equal(status('keypair-create-2.92-no-public-key'), 400);
  assert.equal(status('server-create-2.37-no-networks'), 400);
  assert.equal(status('mv-above-max'), 406);
  assert.equal(status('server-action-confirm-resize'), 204);
});

test('server schemas: per-microversion field sets, timestamp formats, fault', () => {
  const s21 = body('server-show-2.1');
  rejects('compute/server', { server: { ...s21.server, locked_reason: null } }, /unexpected property 'locked_reason'/);
  rejects('compute/server', { server: { ...s21.server, created: '2026-11-24T22:32:51.000000' } }, /\/server\/created must match pattern/);
  rejects('compute/server', { server: { ...s21.server, 'OS-SRV-USG:launched_at': '2026-11-24T22:32:53Z' } }, /launched_at/);
  rejects('compute/server', { server: { ...s21.server, status: 'RUNNING' } }, /\/server\/status must be one of|must be equal to one of/);
  rejects('compute/server', { server: { ...s21.server, flavor: body('server-show-2.47').server.flavor } }, /flavor/);
  const noAz = structuredClone(s21);
  delete noAz.server['OS-EXT-AZ:availability_zone'];
  rejects('compute/server', noAz, /must have required property 'OS-EXT-AZ:availability_zone'/);
  const s47 = body('server-show-2.47');
  rejects('compute/server-2.47', { server: { ...s47.server, flavor: s21.server.flavor } }, /flavor/);
  const noLocked = structuredClone(s47);
  delete noLocked.server.locked;
  rejects('compute/server-2.47', noLocked, /must have required property 'locked'/);
  const s93 = body('server-show-2.93');
  const noReason = structuredClone(s93);
  delete noReason.server.locked_reason;
  rejects('compute/server-2.73', noReason, /must have required property 'locked_reason'/);
  const err = body('server-show-no-valid-host');
  rejects('compute/server', { server: { ...err.server, fault: { ...err.server.fault, created: '2026-11-24T22:33:04' } } }, /fault\/created must match pattern/);
  accepts('compute/server', err);
  rejects('compute/server-update', body('server-update-2.1').server, /must have required property 'server'/);
});

test('other compute schemas reject what Nova never sends', () => {
  rejects('compute/error', { itemNotFound: { code: 404 } }, /must have required property 'message'/);
  rejects('compute/error', { notFound: { code: 404, message: 'x' } }, /property name must be valid|propertyNames/);
  rejects('compute/error', { error: { code: 401, title: 'Unauthorized', message: 'x' } }, /propertyNames|property name/);
  const fl = body('flavor-show');
  rejects('compute/flavor', { flavor: { ...fl.flavor, swap: 0 } }, /swap/);
  rejects('compute/flavor-2.75', { flavor: { ...fl.flavor, swap: '', description: null, extra_specs: {} } }, /\/flavor\/swap must be integer/);
  rejects('compute/flavor', { flavor: { ...fl.flavor, description: 'x' } }, /unexpected property 'description'/);
  const kp = body('keypair-create-2.2');
  const untyped = structuredClone(kp);
  delete untyped.keypair.type;
  rejects('compute/keypair-create-2.2', untyped, /must have required property 'type'/);
  rejects('compute/keypair-list', { keypairs: [body('keypair-show-2.1').keypair] }, /must have required property 'keypair'/);
  const q = body('quota-show-2.57');
  rejects('compute/quota-set-2.57', { quota_set: { ...q.quota_set, floating_ips: -1 } }, /unexpected property 'floating_ips'/);
  rejects('compute/quota-set-2.57', { quota_set: { ...q.quota_set, instances: '10' } }, /\/quota_set\/instances must be integer/);
  const l = body('limits-2.57');
  rejects('compute/limits-2.57', { limits: { ...l.limits, rate: [{}] } }, /rate must NOT have more than 0 items/);
  const g = body('server-group-show-2.64');
  rejects('compute/server-group-2.64', { server_group: { ...g.server_group, policies: ['affinity'] } }, /unexpected property 'policies'/);
  const sl = body('server-list-limit');
  sl.servers_links[0].rel = 'forward';
  rejects('compute/server-list', sl, /rel/);
  const svc = body('service-list-2.53');
  rejects('compute/service-list-2.53', { services: [{ ...svc.services[0], id: 3 }] }, /id/);
  const v = body('versions-root');
  rejects('compute/versions', { versions: { values: v.versions } }, /\/versions must be array/);
});
