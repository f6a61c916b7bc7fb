/**
 * The network service over HTTP in a whole cloud: hostile input never gives a 500 and changes
 * nothing, quotas hold under concurrent creates, the bootstrap topology exists and survives a
 * restart without being duplicated.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { ALL_SERVICES } from '../../../reference-cloud/services';
import { adminToken, useTestCloud, type World } from '../identity/helpers';

interface Reply { status: number; body: any; text: string; headers: Headers }

async function net(cloud: RunningCloud, method: string, path: string, token: string | undefined, body?: unknown, raw?: string): Promise<Reply> {
  const base = cloud.endpoints.find((e) => e.service === 'network')!.url;
  const headers: Record<string, string> = {};
  if (token) headers['X-Auth-Token'] = token;
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

describe('network service over HTTP', () => {
  let cloud: RunningCloud;
  let admin: string;
  let w: World;
  useTestCloud((c) => { cloud = c.cloud; admin = c.admin; w = c.w; });

  it('answers discovery, and 401 in Keystone\'s format without a token', async () => {
    const root = await net(cloud, 'GET', '/', undefined);
    assert.equal(root.status, 200);
    assert.equal(root.body.versions[0].id, 'v2.0');
    assert.match(root.body.versions[0].links[0].href, /\/networking\/v2\.0\/$/);
    const noToken = await net(cloud, 'GET', '/v2.0/networks', undefined);
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.error.code, 401);
    assert.match(noToken.headers.get('www-authenticate') ?? '', /^Keystone uri=/);
    const ext = await net(cloud, 'GET', '/v2.0/extensions', admin);
    assert.ok(ext.body.extensions.some((e: { name: string }) => e.name === 'Availability Zone'));
  });

  it('gives a 4xx in NeutronError, never a 500, for hostile input, and changes nothing', async () => {
    const before = (await net(cloud, 'GET', '/v2.0/networks', admin)).body.networks.length;
    const bodies: [string, string][] = [
      ['POST', '{"network": {"name": '], ['POST', '[1,2]'], ['POST', '"network"'], ['POST', 'null'], ['POST', '{}'],
      ['POST', '{"network": null}'], ['POST', '{"network": []}'], ['POST', '{"network": {"name": {"$gt": ""}}}'],
      ['POST', '{"network": {"mtu": 1e309}}'], ['POST', '{"network": {"mtu": -1}}'], ['POST', '{"network": {"admin_state_up": [true]}}'],
      ['POST', `{"network": {"name": "${'x'.repeat(256)}"}}`], ['POST', '{"network": {"availability_zone_hints": ["mars"]}}'],
      ['POST', '{"network": {"tags": ["a"]}}'],
      ['POST', '{"networks": [{"name": "ok-1"}, {"name": 5}]}'],
    ];
    for (const [method, raw] of bodies) {
      const r = await net(cloud, method, '/v2.0/networks', admin, undefined, raw);
      assert.ok(r.status >= 400 && r.status < 500, `${raw} -> ${r.status} ${r.text}`);
      assert.ok(r.body?.NeutronError?.type, `${raw}: ${r.text}`);
    }
    const paths = [
      '/v2.0/networks/not-a-uuid', '/v2.0/networks?limit=-5', '/v2.0/networks?sort_key=name&sort_dir=sideways', '/v2.0/networks?marker=%00',
      "/v2.0/networks?name='%20OR%201=1--", '/v2.0/ports?fixed_ips=ip_address%3D%27', '/v2.0/subnets?ip_version=abc', '/v2.0/networks?tags=,,,',
      '/v2.0/networks?sort_key=tags&sort_dir=asc', '/v2.0/security-groups/%2e%2e', '/v2.0/network-ip-availabilities/nope',
    ];
    for (const p of paths) {
      const r = await net(cloud, 'GET', p, admin);
      assert.ok(r.status < 500, `${p} -> ${r.status} ${r.text}`);
    }
    const sub = await net(cloud, 'POST', '/v2.0/subnets', admin, { subnet: { network_id: '00000000-0000-0000-0000-000000000000', ip_version: 4, cidr: '10.0.0.0/24' } });
    assert.equal(sub.body.NeutronError.type, 'NetworkNotFound');
    for (const raw of ['{"subnet_id": 5}', '{}', '[]', '{"port_id": "x"}']) {
      const r = await net(cloud, 'PUT', '/v2.0/routers/00000000-0000-0000-0000-000000000000/add_router_interface', admin, undefined, raw);
      assert.ok(r.status >= 400 && r.status < 500, `${raw} -> ${r.status}`);
    }
    const after = (await net(cloud, 'GET', '/v2.0/networks', admin)).body.networks.length;
    assert.equal(after, before, 'no refused request created anything (bulk creates are all or nothing)');
  });

  it('holds a quota under concurrent creates', async () => {
    const m = await w.member('member');
    const put = await net(cloud, 'PUT', `/v2.0/quotas/${m.projectId}`, admin, { quota: { network: 3 } });
    assert.equal(put.status, 200, put.text);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => net(cloud, 'POST', '/v2.0/networks', m.token, { network: { name: `c-${i}` } })));
    assert.equal(results.filter((r) => r.status === 201).length, 3);
    assert.ok(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.NeutronError.type === 'OverQuota'));
    const details = await net(cloud, 'GET', `/v2.0/quotas/${m.projectId}/details`, m.token);
    assert.deepEqual(details.body.quota.network, { limit: 3, used: 3, reserved: 0 });
  });

  it('bootstraps public, private and router1, and a member sees public and its own private network', async () => {
    const all = await net(cloud, 'GET', '/v2.0/networks?fields=name&fields=router:external', admin);
    const names = all.body.networks.map((n: { name: string }) => n.name);
    assert.ok(names.includes('public') && names.includes('private'), JSON.stringify(all.body));
    const routers = await net(cloud, 'GET', '/v2.0/routers?name=router1', admin);
    assert.equal(routers.body.routers.length, 1);
    assert.equal(routers.body.routers[0].external_gateway_info.external_fixed_ips[0].ip_address, '172.24.4.2');
    const ifaces = await net(cloud, 'GET', `/v2.0/ports?device_id=${routers.body.routers[0].id}&device_owner=network:router_interface`, admin);
    assert.equal(ifaces.body.ports[0].fixed_ips[0].ip_address, '10.0.0.1');
  });
});

describe('network durability', () => {
  it('keeps networks, ports and allocations across a restart, and bootstraps only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-net-persist-'));
    const config = loadConfig({ env: {}, overrides: { dataDir: dir, port: 0, logLevel: 'silent', passwordHashCost: 10 } });
    try {
      let cloud = await startCloud(config, { services: ALL_SERVICES });
      let t = await adminToken(cloud);
      const n = await net(cloud, 'POST', '/v2.0/networks', t, { network: { name: 'survivor' } });
      await net(cloud, 'POST', '/v2.0/subnets', t, { subnet: { network_id: n.body.network.id, ip_version: 4, cidr: '10.77.0.0/29' } });
      const p = await net(cloud, 'POST', '/v2.0/ports', t, { port: { network_id: n.body.network.id } });
      assert.equal(p.status, 201, p.text);
      await cloud.close();

      cloud = await startCloud(config, { services: ALL_SERVICES });
      t = await adminToken(cloud);
      const shown = await net(cloud, 'GET', `/v2.0/ports/${p.body.port.id}`, t);
      assert.deepEqual(shown.body.port.fixed_ips, p.body.port.fixed_ips);
      const again = await net(cloud, 'POST', '/v2.0/ports', t, { port: { network_id: n.body.network.id, fixed_ips: p.body.port.fixed_ips } });
      assert.equal(again.body.NeutronError.type, 'IpAddressAlreadyAllocated', 'allocations survived too');
      const pubs = await net(cloud, 'GET', '/v2.0/networks?name=public', t);
      assert.equal(pubs.body.networks.length, 1, 'the bootstrap did not run twice');
      await cloud.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('network service wire details', () => {
  let cloud: RunningCloud;
  let admin: string;
  useTestCloud((c) => { cloud = c.cloud; admin = c.admin; });

  it('reads a JSON body sent as text/plain, as Neutron does, and answers its 404/405 on collections', async () => {
    const base = cloud.endpoints.find((e) => e.service === 'network')!.url;
    const res = await fetch(`${base}/v2.0/networks`, { method: 'POST', headers: { 'X-Auth-Token': admin, 'Content-Type': 'text/plain' }, body: '{"network": {"name": "tp"}}' });
    assert.equal(res.status, 201);
    const empty = await net(cloud, 'POST', '/v2.0/networks', admin, undefined, '');
    assert.equal(empty.body.NeutronError.message, "Unable to find 'network' in request body");
    const del = await net(cloud, 'DELETE', '/v2.0/networks', admin);
    assert.equal(del.status, 404);
    assert.equal(del.body.NeutronError.message, 'Network None could not be found.');
    const patch = await net(cloud, 'PATCH', '/v2.0/networks/x', admin, { network: {} });
    assert.equal(patch.status, 405);
    assert.equal(patch.body.NeutronError.type, 'HTTPMethodNotAllowed');
    const noslash = await net(cloud, 'GET', '/v2.0', admin);
    assert.equal(noslash.status, 404);
    const unknownExt = await net(cloud, 'GET', '/v2.0/extensions/nope', admin);
    assert.equal(unknownExt.status, 404);
    assert.match(unknownExt.headers.get('content-type') ?? '', /^text\/plain/);
  });
});
