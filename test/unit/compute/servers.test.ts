/**
 * The servers API over HTTP on an in-process cloud: create's checks worded as the recorded Nova
 * answers them (and creating nothing), project isolation and roles, update and delete, list
 * filters and paging, metadata and tags, instance actions, the control plane and a cell outage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCloud, type RunningCloud } from '../../../reference-cloud/core/cloud';
import { loadConfig } from '../../../reference-cloud/core/config';
import { computeService } from '../../../reference-cloud/compute';
import { identityService } from '../../../reference-cloud/identity';
import { imageService } from '../../../reference-cloud/image';
import { networkService } from '../../../reference-cloud/network';

const FIX = join(__dirname, '../../fixtures/nova-zed');
/** The lab's image, flavor and network in the recordings. */
const LAB = { image: '90686a8f-65a5-40d0-87a5-4410ea75fa4f', flavor: '13a60907-35d4-4d9a-be0a-a193e0941f5f', network: '32be1fa3-7b66-4494-b9b3-d6db44e4cea9' };
const recorded = (name: string) => JSON.parse(readFileSync(join(FIX, `${name}.json`), 'utf8')).response;

interface Reply { status: number; headers: Headers; body: any; text: string }

describe('compute: servers API', () => {
  let cloud: RunningCloud;
  let base = '';
  let admin = '';
  let member = '';
  let reader = '';
  let other = '';
  let imageId = '';
  let networkId = '';
  const flavorId = '1';

  async function call(token: string, method: string, path: string, body?: unknown, mv?: string): Promise<Reply> {
    const headers: Record<string, string> = { 'X-Auth-Token': token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (mv) headers['OpenStack-API-Version'] = `compute ${mv}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function tokenFor(user: string, password: string, project: string): Promise<string> {
    const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } } }),
    });
    assert.equal(res.status, 201, `token for ${user}`);
    return res.headers.get('x-subject-token')!;
  }

  async function identity(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${cloud.authUrl}${path}`, { method, headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const t = await res.text();
    return t ? JSON.parse(t) : undefined;
  }

  async function userIn(project: string, projectId: string, name: string, role: string): Promise<string> {
    const roles = (await identity('GET', '/roles')).roles as { id: string; name: string }[];
    const u = await identity('POST', '/users', { user: { name, password: 'pw-123456', domain_id: 'default', default_project_id: projectId } });
    await identity('PUT', `/projects/${projectId}/users/${u.user.id}/roles/${roles.find((r) => r.name === role)!.id}`);
    return tokenFor(name, 'pw-123456', project);
  }

  async function waitFor(id: string, status: string): Promise<any> {
    for (let n = 0; n < 200; n++) {
      const r = await call(member, 'GET', `/servers/${id}`);
      if (r.body?.server?.status === status) return r.body.server;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`server ${id} never reached ${status}`);
  }

  const boot = async (name: string, extra: Record<string, unknown> = {}, mv = '2.37') =>
    call(member, 'POST', '/servers', { server: { name, imageRef: imageId, flavorRef: flavorId, networks: 'none', ...extra } }, mv);

  before(async () => {
    cloud = await startCloud(loadConfig({ env: {}, overrides: { ephemeral: true, port: 0, logLevel: 'silent', passwordHashCost: 10 } }), {
      services: [identityService, imageService, networkService, computeService],
    });
    base = cloud.endpoints.find((e) => e.catalogType === 'compute')!.url.replace(/\/v2\.1$/, '') + '/v2.1';
    admin = await tokenFor('admin', cloud.admin.password, 'admin');
    const p1 = await identity('POST', '/projects', { project: { name: 'alpha', domain_id: 'default' } });
    const p2 = await identity('POST', '/projects', { project: { name: 'beta', domain_id: 'default' } });
    member = await userIn('alpha', p1.project.id, 'alice', 'member');
    reader = await userIn('alpha', p1.project.id, 'rita', 'reader');
    other = await userIn('beta', p2.project.id, 'bob', 'member');
    const imageUrl = cloud.endpoints.find((e) => e.catalogType === 'image')!.url;
    const img = await fetch(`${imageUrl}/v2/images`, { method: 'POST', headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'boot', disk_format: 'raw', container_format: 'bare', visibility: 'public' }) });
    imageId = ((await img.json()) as { id: string }).id;
    const netUrl = cloud.endpoints.find((e) => e.catalogType === 'network')!.url;
    const net = await fetch(`${netUrl}/v2.0/networks`, { method: 'POST', headers: { 'X-Auth-Token': member, 'Content-Type': 'application/json' }, body: JSON.stringify({ network: { name: 'net' } }) });
    networkId = ((await net.json()) as { network: { id: string } }).network.id;
    await fetch(`${netUrl}/v2.0/subnets`, { method: 'POST', headers: { 'X-Auth-Token': member, 'Content-Type': 'application/json' }, body: JSON.stringify({ subnet: { network_id: networkId, ip_version: 4, cidr: '10.77.0.0/24' } }) });
    await fetch(`${imageUrl}/v2/images/${imageId}/file`, { method: 'PUT', headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(1024) });
  });
  after(async () => {
    await cloud?.close();
  });

  it('refuses bad creates with the recorded messages, and creates nothing', async () => {
    // The recorded requests, with the lab's image, flavor and network replaced by ours.
    const swap = (text: string) => text
      .replaceAll(LAB.image, imageId).replaceAll(LAB.flavor, flavorId).replaceAll(LAB.network, networkId);
    for (const name of ['server-create-not-object', 'server-create-unknown-field', 'server-create-bad-image-ref', 'server-create-metadata-not-string',
      'server-create-2.37-no-networks', 'server-create-2.37-bad-networks', 'server-create-unknown-image', 'server-create-unknown-az',
      'server-create-unknown-keypair', 'server-create-unknown-network', 'server-create-name-too-long', 'server-create-no-name', 'server-create-tags-old-mv',
      'server-create-malformed', 'server-create-unknown-flavor']) {
      const fx = JSON.parse(readFileSync(join(FIX, `${name}.json`), 'utf8'));
      const mv = (fx.request.headers['OpenStack-API-Version'] as string | undefined)?.replace('compute ', '');
      const raw: string = typeof fx.request.body === 'string' ? fx.request.body : JSON.stringify(fx.request.body);
      const got = await call(member, 'POST', '/servers', swap(raw), mv);
      assert.equal(got.status, fx.response.status, name);
      assert.deepEqual(got.body, JSON.parse(swap(JSON.stringify(fx.response.body))), name);
    }
    const tags = await boot('x', { tags: ['a'] }, '2.51');
    assert.equal(tags.status, 400);
    assert.match(tags.body.badRequest.message, /Additional properties are not allowed \('tags' was unexpected\)$/);
    const nameLong = await boot('n'.repeat(256));
    assert.match(nameLong.body.badRequest.message, /is too long$/);
    const sg = await boot('x', { security_groups: [{ name: 'no-such-group' }] });
    assert.match(sg.body.badRequest.message, /^Security group no-such-group not found for project [0-9a-f]{32}\.$/);
    const ws = await boot(' padded');
    assert.equal(ws.body.badRequest.message, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
    const list = await call(member, 'GET', '/servers');
    assert.deepEqual(list.body, { servers: [] });
  });

  it('a reader may list but not create; another project sees nothing', async () => {
    const r = await call(reader, 'POST', '/servers', { server: { name: 'r', imageRef: imageId, flavorRef: flavorId, networks: 'none' } }, '2.37');
    assert.equal(r.status, 403);
    assert.equal(r.body.forbidden.message, "Policy doesn't allow os_compute_api:servers:create to be performed.");
    const created = await boot('mine');
    assert.equal(created.status, 202);
    assert.match(created.headers.get('location')!, /\/v2\.1\/servers\/[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(created.body.server), ['id', 'links', 'OS-DCF:diskConfig', 'security_groups', 'adminPass']);
    const id = created.body.server.id;
    assert.equal((await call(reader, 'GET', `/servers/${id}`)).status, 200);
    const theirs = await call(other, 'GET', `/servers/${id}`);
    assert.deepEqual(theirs.body, { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
    assert.equal((await call(other, 'DELETE', `/servers/${id}`)).status, 404);
    assert.deepEqual((await call(other, 'GET', '/servers')).body, { servers: [] });
    const all = await call(member, 'GET', '/servers?all_tenants=1');
    assert.equal(all.body.forbidden.message, "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.");
    const adminAll = await call(admin, 'GET', '/servers?all_tenants=1');
    assert.ok(adminAll.body.servers.some((s: { id: string }) => s.id === id));
    await waitFor(id, 'ACTIVE');
    assert.equal((await call(reader, 'DELETE', `/servers/${id}`)).status, 403);
  });

  it('lists filter, sort and page; bad parameters are 400 as recorded', async () => {
    for (const n of ['b', 'a', 'c']) assert.equal((await boot(`page-${n}`)).status, 202);
    const sorted = await call(member, 'GET', '/servers?name=^page-&sort_key=display_name&sort_dir=asc');
    assert.deepEqual(sorted.body.servers.map((s: { name: string }) => s.name), ['page-a', 'page-b', 'page-c']);
    const seen: string[] = [];
    let url = '/servers?name=^page-&limit=2';
    for (let n = 0; n < 5 && url; n++) {
      const page = await call(member, 'GET', url);
      seen.push(...page.body.servers.map((s: { name: string }) => s.name));
      url = page.body.servers_links?.[0]?.href.replace(/^.*\/v2\.1/, '') ?? '';
    }
    assert.deepEqual([...seen].sort(), ['page-a', 'page-b', 'page-c']);
    assert.equal(new Set(seen).size, 3);
    assert.deepEqual((await call(member, 'GET', '/servers?status=FROBBED')).body, recorded('server-list-bad-status').body);
    assert.equal((await call(member, 'GET', '/servers?status=FROBBED', undefined, '2.38')).status, 400);
    for (const name of ['server-list-bad-sort-key', 'server-list-bad-limit', 'server-list-marker-unknown']) {
      const want = recorded(name);
      const path = { 'server-list-bad-sort-key': '/servers?sort_key=nope', 'server-list-bad-limit': '/servers?limit=abc', 'server-list-marker-unknown': '/servers?marker=00000000-0000-0000-0000-000000000000' }[name]!;
      const got = await call(member, 'GET', path);
      assert.deepEqual(got.body, want.body, name);
    }
    assert.equal((await call(member, 'GET', '/servers?frobnicate=1')).status, 200);
  });

  it('update answers the reduced body before 2.75 and the full one after; delete is 204 then 404', async () => {
    const id = (await boot('upd')).body.server.id;
    await waitFor(id, 'ACTIVE');
    const old = await call(member, 'PUT', `/servers/${id}`, { server: { name: 'upd2' } });
    assert.equal(old.status, 200);
    assert.deepEqual(Object.keys(old.body.server), Object.keys(recorded('server-update-2.1').body.server));
    const full = await call(member, 'PUT', `/servers/${id}`, { server: { description: 'd' } }, '2.75');
    assert.equal(full.body.server.description, 'd');
    assert.ok('OS-EXT-STS:vm_state' in full.body.server);
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}`, { server: { colour: 'red' } })).body, {
      badRequest: { code: 400, message: "Invalid input for field/attribute server. Value: {'colour': 'red'}. Additional properties are not allowed ('colour' was unexpected)" },
    });
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}`, { server: { name: '' } })).body, recorded('server-update-empty-name').body);
    const del = await call(member, 'DELETE', `/servers/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    for (let n = 0; n < 100; n++) {
      if ((await call(member, 'GET', `/servers/${id}`)).status === 404) break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal((await call(member, 'DELETE', `/servers/${id}`)).status, 404);
    // The actions of a deleted server stay readable from 2.21.
    assert.equal((await call(member, 'GET', `/servers/${id}/os-instance-actions`)).status, 404);
    const actions = await call(member, 'GET', `/servers/${id}/os-instance-actions`, undefined, '2.21');
    assert.equal(actions.status, 200);
    assert.ok(actions.body.instanceActions.some((a: { action: string }) => a.action === 'create'));
  });

  it('metadata, tags, ips, interfaces, volume attachments and instance actions', async () => {
    const id = (await boot('subs', { metadata: { role: 'rec' } })).body.server.id;
    await waitFor(id, 'ACTIVE');
    assert.deepEqual((await call(member, 'POST', `/servers/${id}/metadata`, { metadata: { k2: 'v2' } })).body, { metadata: { role: 'rec', k2: 'v2' } });
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}/metadata/k3`, { meta: { k3: 'v3' } })).body, { meta: { k3: 'v3' } });
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}/metadata/k3`, { meta: { k4: 'v' } })).body, { badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    assert.equal((await call(member, 'DELETE', `/servers/${id}/metadata/k3`)).status, 204);
    assert.deepEqual((await call(member, 'GET', `/servers/${id}/metadata/k3`)).body, recorded('server-metadata-item-unknown').body);
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}/metadata`, { metadata: { only: 'x' } })).body, { metadata: { only: 'x' } });

    assert.deepEqual((await call(member, 'GET', `/servers/${id}/tags`, undefined, '2.25')).body, recorded('server-tags-old-mv').body);
    const put = await call(member, 'PUT', `/servers/${id}/tags/blue`, undefined, '2.26');
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.match(put.headers.get('location')!, new RegExp(`/v2.1/servers/${id}/tags/blue$`));
    assert.equal((await call(member, 'GET', `/servers/${id}/tags/blue`, undefined, '2.26')).status, 204);
    assert.deepEqual((await call(member, 'PUT', `/servers/${id}/tags`, { tags: ['a', 'b'] }, '2.26')).body, { tags: ['a', 'b'] });
    assert.equal((await call(member, 'GET', `/servers/${id}/tags/blue`, undefined, '2.26')).status, 404);
    assert.equal((await call(member, 'PUT', `/servers/${id}/tags`, { tags: Array.from({ length: 51 }, (_, n) => `t${n}`) }, '2.26')).status, 400);
    const tagged = await call(member, 'GET', '/servers?tags=a,b', undefined, '2.26');
    assert.deepEqual(tagged.body.servers.map((s: { id: string }) => s.id), [id]);
    assert.equal((await call(member, 'DELETE', `/servers/${id}/tags`, undefined, '2.26')).status, 204);

    assert.deepEqual((await call(member, 'GET', `/servers/${id}/ips`)).body, { addresses: {} });
    assert.deepEqual((await call(member, 'GET', `/servers/${id}/os-volume_attachments`)).body, { volumeAttachments: [] });
    assert.equal((await call(member, 'POST', `/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: '00000000-0000-0000-0000-000000000000' } })).status, 404);

    const actions = await call(member, 'GET', `/servers/${id}/os-instance-actions`);
    assert.equal(actions.status, 200);
    assert.deepEqual(Object.keys(actions.body.instanceActions[0]), ['action', 'instance_uuid', 'request_id', 'user_id', 'project_id', 'start_time', 'message']);
    const create = actions.body.instanceActions.find((a: { action: string }) => a.action === 'create');
    assert.ok(create);
    const shown = await call(member, 'GET', `/servers/${id}/os-instance-actions/${create.request_id}`);
    assert.ok(!('events' in shown.body.instanceAction));
    const asAdmin = await call(admin, 'GET', `/servers/${id}/os-instance-actions/${create.request_id}`, undefined, '2.84');
    assert.ok(Array.isArray(asAdmin.body.instanceAction.events));
    assert.deepEqual((await call(member, 'GET', `/servers/${id}/os-instance-actions/req-00000000-0000-0000-0000-000000000000`)).body,
      recorded('instance-action-show-unknown').body);
  });

  it('a server on a network shows its addresses, security groups, ips and interfaces; interfaces attach and detach', async () => {
    const id = (await boot('wired', { networks: [{ uuid: networkId }] })).body.server.id;
    const s = await waitFor(id, 'ACTIVE');
    const addrs = s.addresses.net as { version: number; addr: string }[];
    assert.equal(addrs.length, 1);
    assert.deepEqual(Object.keys(addrs[0]), ['version', 'addr', 'OS-EXT-IPS:type', 'OS-EXT-IPS-MAC:mac_addr']);
    assert.deepEqual(s.security_groups, [{ name: 'default' }]);
    assert.deepEqual((await call(member, 'GET', `/servers/${id}/ips`)).body, { addresses: { net: [{ version: 4, addr: addrs[0].addr }] } });
    assert.deepEqual((await call(member, 'GET', `/servers/${id}/ips/net`)).body, { net: [{ version: 4, addr: addrs[0].addr }] });
    assert.equal((await call(member, 'GET', `/servers/${id}/ips/nope`)).status, 404);
    const ifs = (await call(member, 'GET', `/servers/${id}/os-interface`)).body.interfaceAttachments as Record<string, unknown>[];
    assert.equal(ifs.length, 1);
    assert.deepEqual(Object.keys(ifs[0]), ['net_id', 'port_id', 'mac_addr', 'port_state', 'fixed_ips']);
    const ipFilter = await call(member, 'GET', `/servers?ip=${addrs[0].addr.replace(/\./g, '\\.')}$`);
    assert.deepEqual(ipFilter.body.servers.map((x: { id: string }) => x.id), [id]);
    const attached = await call(member, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: networkId } });
    assert.equal(attached.status, 200, JSON.stringify(attached.body));
    const port = attached.body.interfaceAttachment.port_id as string;
    assert.equal((await call(member, 'GET', `/servers/${id}`)).body.server.addresses.net.length, 2);
    assert.equal((await call(member, 'DELETE', `/servers/${id}/os-interface/${port}`)).status, 202);
    assert.equal((await call(member, 'GET', `/servers/${id}/os-interface`)).body.interfaceAttachments.length, 1);
    assert.equal((await call(member, 'DELETE', `/servers/${id}/os-interface/${port}`)).status, 404);
    const actions = (await call(member, 'GET', `/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: { action: string }) => a.action);
    assert.deepEqual(actions.slice(0, 2), ['detach_interface', 'attach_interface']);
  });

  it('the control plane takes a cell down; Nova answers partial records at 2.69+ and its 500 below', async () => {
    const controlBase = base.replace(/\/v2\.1$/, '');
    const ctl = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${controlBase}${path}`, { method, headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: await res.json().catch(() => undefined) as any };
    };
    assert.equal((await ctl(member, 'GET', '/control/cells')).status, 403);
    const cells = (await ctl(admin, 'GET', '/control/cells')).body.cells as { name: string; uuid: string; down: boolean; hosts: string[] }[];
    assert.deepEqual(cells.map((c) => c.name).slice(0, 1), ['cell0']);
    assert.equal((await ctl(admin, 'PUT', '/control/cells/cell0', { cell: { down: true } })).status, 400);
    assert.equal((await ctl(admin, 'PUT', '/control/cells/nope', { cell: { down: true } })).status, 404);
    assert.equal((await ctl(admin, 'PUT', '/control/cells/cell1', { cell: { down: 'yes' } })).status, 400);

    const id = (await boot('outage')).body.server.id;
    await waitFor(id, 'ACTIVE');
    const mapped = (await call(admin, 'GET', `/servers/${id}`, undefined, '2.3')).body.server['OS-EXT-SRV-ATTR:host'] as string;
    const cell = cells.find((c) => c.hosts.includes(mapped))!;
    const down = await ctl(admin, 'PUT', `/control/cells/${cell.name}`, { cell: { down: true } });
    assert.deepEqual(down.body.cell, { ...cell, down: true });
    try {
      const old = await call(member, 'GET', `/servers/${id}`);
      assert.equal(old.status, 500);
      assert.equal(Object.keys(old.body)[0], 'computeFault');
      const partial = await call(member, 'GET', `/servers/${id}`, undefined, '2.69');
      assert.equal(partial.status, 200);
      assert.equal(partial.body.server.status, 'UNKNOWN');
      assert.equal(partial.body.server.flavor.original_name, 'm1.tiny');
      const list = await call(member, 'GET', '/servers', undefined, '2.69');
      assert.deepEqual(list.body.servers.find((s: { id: string }) => s.id === id), { id, status: 'UNKNOWN', links: partial.body.server.links });
      const skipped = await call(member, 'GET', '/servers');
      assert.ok(!skipped.body.servers.some((s: { id: string }) => s.id === id));
    } finally {
      await ctl(admin, 'PUT', `/control/cells/${cell.name}`, { cell: { down: false } });
    }
    assert.equal((await call(member, 'GET', `/servers/${id}`)).body.server.status, 'ACTIVE');
  });
});
