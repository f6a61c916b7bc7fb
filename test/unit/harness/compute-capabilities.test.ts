import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../../harness/client/exchange';
import type { RequestOptions } from '../../../harness/client/session';
import {
  controlPlaneUrl, countUsableHosts, discoverCompute, parseDeclaredFilters, unmetRequirement,
  NOVA_DEFAULT_FILTERS, type Capabilities, type ComputeCapability,
} from '../../../harness/capabilities';

const ENDPOINT = 'http://127.0.0.1:8774/compute/v2.1';

/** A fake session answering by URL or path; records what was asked. */
function fakeSession(answers: Record<string, { status: number; json?: unknown }>) {
  const asked: string[] = [];
  return {
    asked,
    endpointFor: () => ENDPOINT,
    async request(opts: RequestOptions): Promise<Exchange> {
      const key = opts.url ?? opts.path!;
      asked.push(`${opts.method} ${key}`);
      const a = answers[key] ?? { status: 404 };
      return {
        request: { method: opts.method, url: key, headers: {} },
        response: { status: a.status, headers: {}, text: JSON.stringify(a.json ?? ''), ...(a.json !== undefined ? { json: a.json } : {}) },
        durationMs: 1,
      };
    },
  };
}

const hypervisors = {
  hypervisors: [
    { id: 1, hypervisor_hostname: 'a', state: 'up', status: 'enabled' },
    { id: 2, hypervisor_hostname: 'b', state: 'down', status: 'enabled' },
    { id: 3, hypervisor_hostname: 'c', state: 'up', status: 'disabled' },
    { id: 4, hypervisor_hostname: 'd', state: 'up', status: 'enabled' },
  ],
};

describe('compute capability discovery', () => {
  it('finds the control plane beside the versioned endpoint', () => {
    assert.equal(controlPlaneUrl(ENDPOINT, 'cells'), 'http://127.0.0.1:8774/compute/control/cells');
    assert.equal(controlPlaneUrl('http://h:8774/v2.1/', '/cells'), 'http://h:8774/control/cells');
  });

  it('counts only the hosts that are up and enabled', () => {
    assert.equal(countUsableHosts(hypervisors), 2);
    assert.equal(countUsableHosts({ hypervisors: [] }), 0);
    assert.equal(countUsableHosts({ nothing: 1 }), undefined);
  });

  it('reads declared filters, refusing what cannot be a filter name', () => {
    assert.equal(parseDeclaredFilters(undefined), undefined);
    assert.equal(parseDeclaredFilters('  '), undefined);
    assert.equal(parseDeclaredFilters('ALL'), 'all');
    assert.deepEqual(parseDeclaredFilters('ComputeFilter, AggregateInstanceExtraSpecsFilter'), ['ComputeFilter', 'AggregateInstanceExtraSpecsFilter']);
    assert.throws(() => parseDeclaredFilters('ComputeFilter;rm'), /not a scheduler filter name/);
  });

  it('on a real Nova (404 control plane, no declaration): hosts counted, Nova\'s default filters', async () => {
    const s = fakeSession({ '/os-hypervisors': { status: 200, json: hypervisors } });
    const c = await discoverCompute(s, true, {});
    assert.deepEqual(c, { hosts: 2, controlPlane: false, schedulerFilters: { enabled: NOVA_DEFAULT_FILTERS, source: 'nova-defaults' } });
    assert.ok(!s.asked.some((a) => a.endsWith('/control/scheduler')), 'no scheduler probe without a control plane');
  });

  it('with a control plane: its cells mark it, its scheduler report wins over the defaults', async () => {
    const s = fakeSession({
      '/os-hypervisors': { status: 200, json: hypervisors },
      'http://127.0.0.1:8774/compute/control/cells': { status: 200, json: { cells: [{ name: 'cell1', uuid: 'u', down: false, hosts: ['a'] }] } },
      'http://127.0.0.1:8774/compute/control/scheduler': { status: 200, json: { scheduler: { enabled_filters: ['ComputeFilter', 'AggregateInstanceExtraSpecsFilter'] } } },
    });
    const c = await discoverCompute(s, true, {});
    assert.equal(c.controlPlane, true);
    assert.deepEqual(c.schedulerFilters, { enabled: ['ComputeFilter', 'AggregateInstanceExtraSpecsFilter'], source: 'control-plane' });
  });

  it('a declaration wins over everything; a 200 that is not a cell list is no control plane', async () => {
    const s = fakeSession({ 'http://127.0.0.1:8774/compute/control/cells': { status: 200, json: { something: 'else' } } });
    const c = await discoverCompute(s, true, { STACKPROOF_SCHEDULER_FILTERS: 'all' });
    assert.equal(c.controlPlane, false);
    assert.equal(c.hosts, undefined);
    assert.deepEqual(c.schedulerFilters, { enabled: 'all', source: 'declared' });
  });

  it('asks nothing admin-only without admin rights', async () => {
    const s = fakeSession({});
    const c = await discoverCompute(s, false, {});
    assert.deepEqual(s.asked, []);
    assert.equal(c.hosts, undefined);
    assert.equal(c.controlPlane, false);
  });
});

describe('compute capability tags', () => {
  const base = (compute?: Partial<ComputeCapability>, admin = true): Capabilities => ({
    services: { compute: { maxVersion: '2.93', minVersion: '2.1' } },
    admin,
    extensions: [],
    ...(compute ? { compute: { controlPlane: false, schedulerFilters: { enabled: NOVA_DEFAULT_FILTERS, source: 'nova-defaults' }, ...compute } } : {}),
  });

  it('@requires:compute-hosts>=N compares with the usable hosts', () => {
    assert.equal(unmetRequirement(['@requires:compute-hosts>=2'], base({ hosts: 4 })), undefined);
    assert.match(unmetRequirement(['@requires:compute-hosts>=2'], base({ hosts: 1 }))!, /needs 2 compute hosts that can take a server; the target has 1/);
    assert.match(unmetRequirement(['@requires:compute-hosts>=2'], base({}, false))!, /unknown \(counting them needs admin/);
    assert.match(unmetRequirement(['@requires:compute-hosts>=2'], base())!, /compute service/);
  });

  it('@requires:scheduler-filter:<Name> says where the filter list came from', () => {
    assert.equal(unmetRequirement(['@requires:scheduler-filter:ServerGroupAffinityFilter'], base({})), undefined);
    assert.match(unmetRequirement(['@requires:scheduler-filter:AggregateInstanceExtraSpecsFilter'], base({}))!,
      /AggregateInstanceExtraSpecsFilter; Nova does not enable it by default .*STACKPROOF_SCHEDULER_FILTERS/);
    assert.match(unmetRequirement(['@requires:scheduler-filter:AggregateInstanceExtraSpecsFilter'], base({ schedulerFilters: { enabled: ['ComputeFilter'], source: 'control-plane' } }))!,
      /control plane does not list it/);
    assert.equal(unmetRequirement(['@requires:scheduler-filter:AggregateInstanceExtraSpecsFilter'], base({ schedulerFilters: { enabled: 'all', source: 'declared' } })), undefined);
    assert.match(unmetRequirement(['@requires:scheduler-filter:no such'], base({}))!, /malformed/);
  });

  it('@control-plane needs a control plane', () => {
    assert.equal(unmetRequirement(['@control-plane'], base({ controlPlane: true })), undefined);
    assert.match(unmetRequirement(['@control-plane'], base({}))!, /needs a control plane .*does not have/);
    assert.match(unmetRequirement(['@control-plane'], base({}, false))!, /needs admin credentials/);
  });
});
