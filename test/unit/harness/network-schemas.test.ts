/**
 * The network schemas against real Neutron (Zed) answers recorded in test/fixtures/neutron-zed:
 * every recorded JSON body validates against the schema its top-level key names, and the
 * schemas reject broken bodies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSecrets, bodyOf, loadRecorded, registry, rejects, type Recorded } from './recorded';
import { describeSchemaErrors } from '../../../harness/wire';


const fixtures = loadRecorded('neutron-zed');

/** Top-level key of a Neutron body -> the schema of that body. */
const BY_KEY: Record<string, string> = {
  versions: 'network/versions', resources: 'network/resources', extensions: 'network/extension-list', extension: 'network/extension',
  NeutronError: 'network/error', network: 'network/network', networks: 'network/network-list', subnet: 'network/subnet',
  subnets: 'network/subnet-list', subnetpool: 'network/subnetpool', subnetpools: 'network/subnetpool-list', port: 'network/port',
  ports: 'network/port-list', security_group: 'network/security-group', security_groups: 'network/security-group-list',
  security_group_rule: 'network/security-group-rule', security_group_rules: 'network/security-group-rule-list',
  router: 'network/router', routers: 'network/router-list', floatingip: 'network/floatingip', floatingips: 'network/floatingip-list',
  quotas: 'network/quota-list', network_ip_availability: 'network/network-ip-availability',
  network_ip_availabilities: 'network/network-ip-availability-list', availability_zones: 'network/availability-zone-list',
  tags: 'network/tags',
};

/** Recorded answers that no body schema covers, and why. */
const NOT_A_SCHEMA_BODY: Record<string, string> = {
  'network-list-fields': 'fields= selects a subset of attributes',
  'network-list-tags': 'fields= selection',
  'network-list-tags-any': 'fields= selection',
  'network-list-not-tags': 'fields= selection',
  'network-list-sort': 'fields= selection',
  'network-list-page1': 'fields= selection',
  'network-list-page2': 'fields= selection',
  'network-list-limit-exact': 'fields= selection',
  'network-show-fields': 'fields= selection',
  'port-list-fixed-ip-filter': 'fields= selection',
  'v2.0-no-token': "keystonemiddleware's 401, in Keystone's error format",
};

function schemaFor(name: string, f: Recorded): string | undefined {
  const body = f.response.body;
  if (body === null || typeof body !== 'object' || NOT_A_SCHEMA_BODY[name]) return undefined;
  if (name.startsWith('router-add-interface') && f.response.status === 200) return 'network/router-interface';
  if (name.startsWith('router-remove-interface') && f.response.status === 200) return 'network/router-interface';
  const key = Object.keys(body)[0]!;
  if (key === 'quota') return name.startsWith('quota-details') ? 'network/quota-details' : 'network/quota';
  return BY_KEY[key];
}

const body = (name: string): any => bodyOf(fixtures, name);

test('every network schema compiles in strict mode', () => {
  registry.compileAll();
  const ids = registry.list().filter((id) => id.startsWith('network/'));
  for (const r of ['network', 'subnet', 'subnetpool', 'port', 'security-group', 'security-group-rule', 'router', 'floatingip']) {
    assert.ok(ids.includes(`network/${r}`) && ids.includes(`network/${r}-list`), `missing schema network/${r}(-list)`);
  }
});

test('responses recorded from a real Neutron (Zed) match their schemas', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, f] of fixtures) {
    const schema = schemaFor(name, f);
    if (!schema) continue;
    checked++;
    const res = registry.validate(schema, f.response.body);
    if (!res.valid) failures.push(`${name} vs ${schema}: ${describeSchemaErrors(res.errors)}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 100, `only ${checked} fixtures were checked`);
});

test('every error answer is a NeutronError in JSON, except the ones Neutron itself does not wrap', () => {
  for (const [name, f] of fixtures) {
    if (f.response.status < 400 || NOT_A_SCHEMA_BODY[name] || name === 'extension-show-unknown') continue;
    assert.equal(f.response.headers['Content-Type'], 'application/json', `${name} Content-Type`);
    assert.ok(f.response.body && typeof f.response.body === 'object' && 'NeutronError' in f.response.body, `${name} is not a NeutronError`);
  }
});

test('network schemas reject wrong types, unknown fields, missing fields and bad timestamps', () => {
  const net = body('network-show');
  rejects('network/network', { network: { ...net.network, admin_state_up: 'true' } }, /\/network\/admin_state_up must be boolean/);
  rejects('network/network', { network: { ...net.network, created_at: '2026-11-24T21:09:24.000000' } }, /\/network\/created_at must match pattern/);
  rejects('network/network', { network: { ...net.network, colour: 'red' } }, /has unexpected property 'colour'/);
  const noRev = structuredClone(net);
  delete noRev.network.revision_number;
  rejects('network/network', noRev, /must have required property 'revision_number'/);
  const port = body('port-show');
  rejects('network/port', { port: { ...port.port, mac_address: 'FA-16-3E-00-00-01' } }, /\/port\/mac_address must match pattern/);
  rejects('network/port', { port: { ...port.port, fixed_ips: [{ subnet_id: port.port.fixed_ips[0].subnet_id, ip_address: '10.0.0.300' }] } }, /ip_address/);
  const sub = body('subnet-show');
  rejects('network/subnet', { subnet: { ...sub.subnet, ip_version: 5 } }, /\/subnet\/ip_version must be equal to one of the allowed values|must be one of/);
  rejects('network/error', { NeutronError: { type: 'NetworkNotFound', message: 'x' } }, /must have required property 'detail'/);
  rejects('network/error', { error: { code: 404 } }, /must have required property 'NeutronError'/);
  const q = body('quota-show');
  rejects('network/quota', { quota: { ...q.quota, network: '100' } }, /\/quota\/network must be integer/);
  const list = body('network-list-limit');
  list.networks_links[0].rel = 'forward';
  rejects('network/network-list', list, /rel must be equal to one of the allowed values|must be one of/);
});

test('recorded fixtures carry no token and no private key', () => assertNoSecrets(fixtures));
