/**
 * Availability zones, aggregates and server groups: where the scheduler puts servers. Steps
 * that read the cloud's compute hosts do it as the admin (the scenarios are tagged @admin);
 * a host added to an aggregate is taken out again after the scenario, pass or fail.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { at } from './json-path';
import { undoAfterScenario } from './support/undo';
import type { StackproofWorld } from './support/world';

interface Service { binary: string; host: string; zone: string; status: string; state: string }
interface Zone { zoneName: string; zoneState: { available: boolean }; hosts: Record<string, Record<string, unknown>> | null }

async function adminGet(world: StackproofWorld, path: string, microversion?: string): Promise<unknown> {
  const ex = await world.ctx.admin.request({ service: 'compute', method: 'GET', path, ...(microversion ? { microversion } : {}) });
  assert.equal(ex.response.status, 200, `GET ${path} (admin) answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  return ex.response.json;
}

async function computeServices(world: StackproofWorld): Promise<Service[]> {
  return ((await adminGet(world, '/os-services?binary=nova-compute')) as { services: Service[] }).services;
}

/** The member's list names exactly the zones of the compute services, available where one of them is enabled. */
Then('the availability zones in the response are the zones of the compute services', async function (this: StackproofWorld) {
  const listed = (this.json() as { availabilityZoneInfo: Zone[] }).availabilityZoneInfo;
  const services = await computeServices(this);
  const zones = new Map<string, boolean>();
  for (const s of services) zones.set(s.zone, (zones.get(s.zone) ?? false) || s.status === 'enabled');
  assert.deepEqual(listed.map((z) => z.zoneName).sort(), [...zones.keys()].sort(), 'the zones listed are not the zones of the compute services');
  for (const z of listed) {
    assert.equal(z.zoneState.available, zones.get(z.zoneName), `zone ${z.zoneName} is ${z.zoneState.available ? '' : 'not '}available, but ${zones.get(z.zoneName) ? 'one' : 'none'} of its compute services is enabled`);
  }
});

/** The admin's detail puts each compute service's host under its zone, with a nova-compute entry. */
Then("every compute service's host is listed under its zone in the response", async function (this: StackproofWorld) {
  const listed = (this.json() as { availabilityZoneInfo: Zone[] }).availabilityZoneInfo;
  const services = await computeServices(this);
  assert.ok(services.length > 0, 'the cloud has no nova-compute service');
  for (const s of services) {
    const zone = listed.find((z) => z.zoneName === s.zone);
    assert.ok(zone, `zone ${s.zone} of host ${s.host} is not in the detailed list`);
    const entry = zone.hosts?.[s.host]?.['nova-compute'] as { available?: unknown; active?: unknown } | undefined;
    assert.ok(entry, `host ${s.host} has no nova-compute entry under zone ${s.zone}: ${JSON.stringify(zone.hosts)}`);
    assert.equal(entry.active, s.status === 'enabled', `host ${s.host}: active is ${String(entry.active)}, its service is ${s.status}`);
  }
});

/** The last available zone of the list in the response (the list's order is the cloud's). */
Given('I remember an available zone from the response as {string}', function (this: StackproofWorld, name: string) {
  const listed = (this.json() as { availabilityZoneInfo: Zone[] }).availabilityZoneInfo.filter((z) => z.zoneState.available && z.zoneName !== 'internal');
  assert.ok(listed.length > 0, 'no zone is available');
  this.vars[name] = listed[listed.length - 1]!.zoneName;
});

interface Hypervisor { state: string; status: string; running_vms?: number; service: { host: string } }

/**
 * A compute host that is up and enabled (as the admin sees hypervisors at 2.1). "that can change
 * zones": one that runs no servers now and is in no aggregate with an availability zone (Nova
 * refuses to put a host in two zones, and a host's servers would change zones with it); the
 * scenario is skipped, with the reason, when there is none.
 */
Given(/^a compute host( that can change zones)?, remembered as "([^"]+)"$/, async function (this: StackproofWorld, movable: string | undefined, name: string) {
  const list = ((await adminGet(this, '/os-hypervisors/detail')) as { hypervisors: Hypervisor[] }).hypervisors
    .filter((h) => h.state === 'up' && h.status === 'enabled');
  assert.ok(list.length > 0, 'the cloud has no compute host that is up and enabled');
  let pick: Hypervisor | undefined = list[0];
  if (movable) {
    const aggregates = ((await adminGet(this, '/os-aggregates')) as { aggregates: { availability_zone: string | null; hosts: string[] | null }[] }).aggregates;
    const zoned = new Set(aggregates.filter((a) => a.availability_zone).flatMap((a) => a.hosts ?? []));
    pick = list.find((h) => h.running_vms === 0 && !zoned.has(h.service.host));
    if (!pick) {
      this.attach(`skipped: each of the ${list.length} compute hosts runs servers or is in an aggregate with an availability zone, and this scenario moves a host into a new zone`, 'text/plain');
      return 'skipped';
    }
  }
  this.vars[name] = pick!.service.host;
  return undefined;
});

/** Ledgers taking the host out of the aggregate after the scenario (pass or fail); the scenario may do it first. */
Given('the host {string} leaves the aggregate {string} after the scenario', function (this: StackproofWorld, hostExpr: string, aggExpr: string) {
  const host = this.expand(hostExpr);
  const agg = this.expand(aggExpr);
  const admin = this.ctx.admin;
  undoAfterScenario(this, `aggregate ${agg} host ${host}`, `remove host ${host} from aggregate ${agg}`, async () => {
    const ex = await admin.request({ service: 'compute', method: 'POST', path: `/os-aggregates/${agg}/action`, json: { remove_host: { host } } });
    // 404: the scenario took it out already (or the aggregate is gone)
    if (ex.response.status !== 200 && ex.response.status !== 404) throw new Error(`remove_host answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  });
});

/** Admin view: the host the server runs on. */
Then('the server {string} runs on the host {string}', async function (this: StackproofWorld, idExpr: string, hostExpr: string) {
  const id = this.expand(idExpr);
  const server = ((await adminGet(this, `/servers/${id}`)) as { server: Record<string, unknown> }).server;
  assert.equal(server['OS-EXT-SRV-ATTR:host'], this.expand(hostExpr), `server ${id} runs on ${String(server['OS-EXT-SRV-ATTR:host'])}`);
});

// ------------------------------------------------------------------------------------------
// Servers in a server group

const WAIT_MS = 120_000;

async function waitForStatus(world: StackproofWorld, id: string, want: string[]): Promise<Record<string, unknown>> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const ex = await world.session().request({ service: 'compute', method: 'GET', path: `/servers/${id}` });
    world.last = ex;
    assert.equal(ex.response.status, 200, `GET /servers/${id} answered ${ex.response.status}`);
    const server = (ex.response.json as { server: Record<string, unknown> }).server;
    if (want.includes(String(server.status)) && server['OS-EXT-STS:task_state'] === null) return server;
    assert.ok(Date.now() < deadline, `server ${id} is still ${String(server.status)}/${String(server['OS-EXT-STS:task_state'])} after ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Boots `count` servers one after the other into the group, each to ACTIVE; their ids are {<name>_1}... */
async function bootInGroup(world: StackproofWorld, count: number, name: string, groupExpr: string): Promise<void> {
  const group = world.expand(groupExpr);
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    await world.send({
      service: 'compute', method: 'POST', path: '/servers', headers: { 'OpenStack-API-Version': 'compute 2.37' },
      body: JSON.stringify({
        server: { name: `${world.expand('{prefix}')}-${name}-${i}`, imageRef: world.expand('{image_id}'), flavorRef: world.expand('{flavor_id}'), networks: 'none' },
        'os:scheduler_hints': { group },
      }),
    });
    assert.equal(world.last!.response.status, 202, `server ${i} of ${count}: POST /servers answered ${world.last!.response.status}: ${world.last!.response.text.slice(0, 300)}`);
    const id = (world.json() as { server: { id: string } }).server.id;
    const server = await waitForStatus(world, id, ['ACTIVE', 'ERROR']);
    assert.equal(server.status, 'ACTIVE', `server ${i} of ${count} went to ERROR: ${JSON.stringify(server.fault ?? null)}`);
    world.vars[`${name}_${i}`] = id;
    ids.push(id);
  }
  world.vars[`${name}_ids`] = ids.join(',');
}

When('I boot {int} servers named {string} in the server group {string}', { timeout: 5 * WAIT_MS }, async function (
  this: StackproofWorld, count: number, name: string, group: string) {
  await bootInGroup(this, count, name, group);
});

/** One server per usable compute host (counted at discovery; the scenario is tagged @admin). */
When('I boot as many servers as the cloud has compute hosts, named {string}, in the server group {string}', { timeout: 20 * WAIT_MS }, async function (
  this: StackproofWorld, name: string, group: string) {
  const hosts = this.ctx.caps.compute?.hosts;
  assert.ok(hosts !== undefined && hosts > 0, 'the number of compute hosts is unknown (discovery needs admin credentials)');
  // one more server than hosts must fit the project's quotas, or the refusal would be a quota's
  const q = ((await adminGet(this, `/os-quota-sets/${this.expand('{project_id}')}`)) as { quota_set: Record<string, number> }).quota_set;
  const room = Math.min(...['instances', 'server_group_members'].map((k) => (q[k] === -1 ? Infinity : q[k] ?? Infinity)));
  if (hosts + 1 > room) {
    this.attach(`skipped: the cloud has ${hosts} compute hosts; ${hosts + 1} servers in one group exceed the project's instances or server_group_members quota (${room})`, 'text/plain');
    return 'skipped';
  }
  this.vars.compute_hosts = String(hosts);
  await bootInGroup(this, hosts, name, group);
  return undefined;
});

Then(/^the servers named "([^"]+)" run on (the same host|different hosts)$/, async function (this: StackproofWorld, name: string, how: string) {
  const ids = (this.vars[`${name}_ids`] ?? '').split(',').filter(Boolean);
  assert.ok(ids.length > 0, `no servers named ${name} were booted`);
  const hostIds: string[] = [];
  for (const id of ids) {
    const ex = await this.session().request({ service: 'compute', method: 'GET', path: `/servers/${id}` });
    const hostId = String(at(ex.response.json, 'server.hostId') ?? '');
    assert.match(hostId, /^[0-9a-f]{56}$/, `server ${id} has the hostId ${JSON.stringify(hostId)}`);
    hostIds.push(hostId);
  }
  const distinct = new Set(hostIds).size;
  if (how === 'the same host') assert.equal(distinct, 1, `the servers run on ${distinct} hosts: ${hostIds.join(', ')}`);
  else assert.equal(distinct, ids.length, `${ids.length} servers run on only ${distinct} hosts: ${hostIds.join(', ')}`);
});

/**
 * What only its owner can delete (a member's keypair: the ledger's admin DELETE would name the
 * admin's own keypair): DELETE as the current persona after the scenario, pass or fail; a 404
 * means the scenario deleted it already.
 */
Given('the {word} resource {string} is deleted by me after the scenario', function (this: StackproofWorld, service: string, pathExpr: string) {
  const path = this.expand(pathExpr);
  const session = this.session();
  undoAfterScenario(this, `delete ${service} ${path}`, `DELETE ${path} as ${this.persona}`, async () => {
    const ex = await session.request({ service, method: 'DELETE', path });
    if (ex.response.status >= 300 && ex.response.status !== 404) throw new Error(`DELETE ${path} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  });
});
