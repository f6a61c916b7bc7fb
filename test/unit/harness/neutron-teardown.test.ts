/** Cleanup of Neutron resources that ledgered deletes depend on: router interfaces and floating IPs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exchange, RequestOptions } from '../../../harness/client';
import { Ledger, cleanup, type RequestingSession } from '../../../harness/resources';

/** A tiny Neutron: one router R with an interface port on subnet S of network N, and a floating IP through R. */
class FakeNeutron implements RequestingSession {
  calls: string[] = [];
  interfaces = new Set(['IFP']);
  fipAssociated = true;
  async request(o: RequestOptions): Promise<Exchange> {
    const p = o.path!;
    this.calls.push(`${o.method} ${p}${o.body ? ` ${String(o.body)}` : ''}`);
    let status = 200;
    let json: unknown;
    const ports = [...this.interfaces].map((id) => ({ id, device_id: 'R', device_owner: 'network:router_interface' }));
    if (o.method === 'GET' && /^\/v2\.0\/ports\?(device_id=R|network_id=N|fixed_ips=subnet_id%3DS)&/.test(p)) json = { ports };
    else if (o.method === 'GET' && p.startsWith('/v2.0/floatingips?router_id=R')) json = { floatingips: this.fipAssociated ? [{ id: 'F' }] : [] };
    else if (o.method === 'PUT' && p === '/v2.0/floatingips/F') this.fipAssociated = false;
    else if (o.method === 'PUT' && p === '/v2.0/routers/R/remove_router_interface') {
      status = this.fipAssociated ? 409 : 200;
      if (status === 200) this.interfaces.delete(JSON.parse(String(o.body)).port_id);
    } else if (o.method === 'DELETE') status = this.interfaces.size && /\/(routers\/R|subnets\/S|networks\/N)$/.test(p) ? 409 : 204;
    else if (o.method === 'GET') json = { ports: [] };
    const text = json === undefined ? '' : JSON.stringify(json);
    return { request: { method: o.method, url: `http://fake${p}`, headers: {} }, response: { status, headers: {}, text, ...(json ? { json } : {}) }, durationMs: 0 };
  }
}

function ledgerWith(order: [string, string][]): Ledger {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-neutron-'));
  const ledger = new Ledger(dir, 'run');
  for (const [kind, id] of order) {
    const e = ledger.intend({ runId: 'run', worker: 0, service: 'network', kind, name: id, deletePath: `/v2.0/${kind}/{id}` });
    ledger.created(e, { id, deletePath: `/v2.0/${kind}/${id}` });
  }
  return ledger;
}

test('deleting a router first detaches its interfaces (after disassociating floating IPs through it) and clears its gateway', async () => {
  const neutron = new FakeNeutron();
  const report = await cleanup(neutron, ledgerWith([['networks', 'N'], ['subnets', 'S'], ['routers', 'R']]).outstanding(), { record: false });
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.deleted.map((e) => e.id), ['R', 'S', 'N']);
  const puts = neutron.calls.filter((c) => c.startsWith('PUT'));
  assert.deepEqual(puts, [
    'PUT /v2.0/floatingips/F {"floatingip":{"port_id":null}}',
    'PUT /v2.0/routers/R/remove_router_interface {"port_id":"IFP"}',
    'PUT /v2.0/routers/R {"router":{"external_gateway_info":{}}}',
  ]);
});

test('a subnet or network deleted before the router that has an interface on it is freed first', async () => {
  const neutron = new FakeNeutron();
  const report = await cleanup(neutron, ledgerWith([['routers', 'R'], ['networks', 'N'], ['subnets', 'S']]).outstanding(), { record: false });
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.deleted.map((e) => e.id), ['S', 'N', 'R']);
  assert.ok(neutron.calls.indexOf('PUT /v2.0/routers/R/remove_router_interface {"port_id":"IFP"}') < neutron.calls.indexOf('DELETE /v2.0/subnets/S'));
});

test('other services and other Neutron resources are deleted with no extra requests', async () => {
  const neutron = new FakeNeutron();
  neutron.interfaces.clear();
  await cleanup(neutron, ledgerWith([['ports', 'P'], ['security-groups', 'G']]).outstanding(), { record: false });
  assert.deepEqual(neutron.calls, ['DELETE /v2.0/security-groups/G', 'DELETE /v2.0/ports/P']);
});
