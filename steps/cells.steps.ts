/**
 * Cells v2 through a cloud's control plane (the reference cloud's; scenarios tagged
 * @control-plane): GET <compute root>/control/cells lists {"cells": [{name, uuid, down, hosts}]};
 * PUT <compute root>/control/cells/{name} {"cell": {"down": bool}} takes a cell down or up (admin).
 * A cell taken down is brought back up after the scenario, pass or fail, before the ledger's deletes.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { controlPlaneUrl } from '../harness/capabilities';
import type { Exchange } from '../harness/client';
import { undoAfterScenario, undone } from './support/undo';
import type { StackproofWorld } from './support/world';

interface ControlCell { name: string; uuid: string; down: boolean; hosts: string[] }
interface Service { binary: string; host: string; zone: string; status: string; state: string }

function controlUrl(world: StackproofWorld, path: string): string {
  return controlPlaneUrl(world.ctx.admin.endpointFor('compute'), path);
}

async function controlCells(world: StackproofWorld): Promise<ControlCell[]> {
  const ex = await world.ctx.admin.request({ method: 'GET', url: controlUrl(world, 'cells') });
  assert.equal(ex.response.status, 200, `GET control/cells answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  return (ex.response.json as { cells: ControlCell[] }).cells;
}

/** As the current persona, to the control plane (its refusals are checked with the generic steps). */
async function sendControl(world: StackproofWorld, method: string, path: string, body?: string): Promise<Exchange> {
  const ex = await world.session().request({
    method, url: controlUrl(world, world.expand(path)),
    ...(body !== undefined ? { body: world.expand(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  world.last = ex;
  return ex;
}

When('I send {word} {string} to the control plane', async function (this: StackproofWorld, method: string, path: string) {
  await sendControl(this, method, path);
});
When('I send {word} {string} to the control plane with:', async function (this: StackproofWorld, method: string, path: string, body: string) {
  assert.ok(!/"down"\s*:\s*true/.test(body), 'take a cell down with "I take the cell ... down", which brings it back up after the scenario');
  await sendControl(this, method, path, body);
});

/**
 * Two cells that are up and have an enabled, up compute host each: {<a>}, {<a>_host}, {<a>_zone}
 * (and the same for <b>); "{<a>_zone}:{<a>_host}" forces a boot onto the host (admin). Skipped,
 * with the reason, where the cloud has fewer than two such cells.
 */
Given('two cells with compute hosts, remembered as {string} and {string}', async function (this: StackproofWorld, a: string, b: string) {
  const cells = (await controlCells(this)).filter((c) => !c.down && c.hosts.length > 0);
  const ex = await this.ctx.admin.request({ service: 'compute', method: 'GET', path: '/os-services?binary=nova-compute' });
  assert.equal(ex.response.status, 200, `GET /os-services answered ${ex.response.status}`);
  const services = (ex.response.json as { services: Service[] }).services.filter((s) => s.status === 'enabled' && s.state === 'up');
  const usable = cells
    .map((c) => ({ cell: c, service: services.find((s) => c.hosts.includes(s.host)) }))
    .filter((x): x is { cell: ControlCell; service: Service } => x.service !== undefined);
  if (usable.length < 2) {
    this.attach(`skipped: the cloud has ${usable.length} cell(s) with an enabled compute host that is up; the scenario needs 2`, 'text/plain');
    return 'skipped';
  }
  for (const [name, x] of [[a, usable[0]!], [b, usable[1]!]] as const) {
    this.vars[name] = x.cell.name;
    this.vars[`${name}_host`] = x.service.host;
    this.vars[`${name}_zone`] = x.service.zone;
  }
  return undefined;
});

async function setCellDown(world: StackproofWorld, name: string, down: boolean): Promise<Exchange> {
  return world.ctx.admin.request({ method: 'PUT', url: controlUrl(world, `cells/${encodeURIComponent(name)}`), json: { cell: { down } } });
}

When('I take the cell {string} down', async function (this: StackproofWorld, nameExpr: string) {
  const name = this.expand(nameExpr);
  undoAfterScenario(this, `cell ${name}`, `bring cell ${name} back up`, async () => {
    const ex = await setCellDown(this, name, false);
    if (ex.response.status !== 200) throw new Error(`PUT control/cells/${name} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  });
  const ex = await setCellDown(this, name, true);
  this.last = ex;
  assert.equal(ex.response.status, 200, `PUT control/cells/${name} {"down": true} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  assert.equal((ex.response.json as { cell?: ControlCell }).cell?.down, true, `the cell is not down: ${ex.response.text.slice(0, 200)}`);
});

When('I bring the cell {string} back up', async function (this: StackproofWorld, nameExpr: string) {
  const name = this.expand(nameExpr);
  const ex = await setCellDown(this, name, false);
  this.last = ex;
  assert.equal(ex.response.status, 200, `PUT control/cells/${name} {"down": false} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
  assert.equal((ex.response.json as { cell?: ControlCell }).cell?.down, false, `the cell is still down: ${ex.response.text.slice(0, 200)}`);
  undone(this, `cell ${name}`);
});

/**
 * Follows the next links of a compute list from `path` (which sets limit=1 or any limit) as the
 * current persona at a microversion, collecting the ids in order into {paged_ids}; bounded.
 */
When('I page through {string} on the compute service at microversion {string}', async function (this: StackproofWorld, pathExpr: string, version: string) {
  const headers = { 'OpenStack-API-Version': `compute ${version}` };
  const ids: string[] = [];
  let ex = await this.session().request({ service: 'compute', method: 'GET', path: this.expand(pathExpr), headers });
  for (let page = 0; ; page++) {
    this.last = ex;
    assert.equal(ex.response.status, 200, `page ${page + 1} answered ${ex.response.status}: ${ex.response.text.slice(0, 200)}`);
    const body = ex.response.json as { servers: { id: string }[]; servers_links?: { rel: string; href: string }[] };
    ids.push(...body.servers.map((s) => s.id));
    const next = body.servers_links?.find((l) => l.rel === 'next')?.href;
    if (!next) break;
    assert.ok(page < 200, 'more than 200 pages: the next links do not end');
    ex = await this.session().request({ method: 'GET', url: next, headers });
  }
  this.vars.paged_ids = ids.join(',');
});

Then('the servers paged are {string}', function (this: StackproofWorld, expected: string) {
  const got = (this.vars.paged_ids ?? '').split(',').filter(Boolean);
  const want = this.expand(expected).split(',').map((s) => s.trim());
  assert.deepEqual(got, want, `paging returned ${got.length} servers in this order: ${got.join(', ')}`);
});
