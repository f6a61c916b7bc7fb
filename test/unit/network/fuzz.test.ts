/**
 * Bad input never becomes a 500: every settable attribute of every resource type, given values of
 * every JSON type, on create and update, either succeeds or throws an ApiError with a 4xx.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../reference-cloud/core/errors';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { ADMIN, ALICE, create, useBackend } from './helpers';

const VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e300, '', 'x', '10.0.0.1', '10.0.0.0/24', 'fd00::/64', [], [1], ['x'], [{}], [{ a: 1 }], {}, { a: 'b' },
  [null], [5, null], [[1]], ['a', 'a'], [{ subnet_id: 5 }], [{ ip_address: 7 }], [{ ip_address: '10.250.0.9', subnet_id: null }], [{ start: 1, end: 2 }], [{ destination: 5, nexthop: null }], { network_id: 5 }, { network_id: 'x', external_fixed_ips: 5 }];

describe('fuzzed attributes', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('answers every odd value with success or a 4xx ApiError', () => {
    const net = create(b, 'networks', ALICE, { name: 'fuzz' });
    const sub = create(b, 'subnets', ALICE, { network_id: net.id, ip_version: 4, cidr: '10.250.0.0/24' });
    const sg = create(b, 'security_groups', ALICE, { name: 'fuzz' });
    const base: Record<string, Record<string, unknown>> = {
      networks: {}, subnets: { network_id: net.id, ip_version: 4, cidr: '10.251.0.0/24' }, subnetpools: { name: 'p', prefixes: ['10.252.0.0/16'] },
      ports: { network_id: net.id }, security_groups: {}, security_group_rules: { security_group_id: sg.id, direction: 'ingress' },
      routers: {}, floatingips: { floating_network_id: net.id },
    };
    const existing: Record<string, string> = {
      networks: net.id, subnets: sub.id, ports: create(b, 'ports', ALICE, { network_id: net.id }).id, security_groups: sg.id,
      routers: create(b, 'routers', ALICE, { name: 'r' }).id, subnetpools: create(b, 'subnetpools', ALICE, { name: 'fp', prefixes: ['10.253.0.0/16'] }).id,
    };
    let calls = 0;
    const attempt = (fn: () => unknown, what: string) => {
      calls++;
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof ApiError, `${what}: ${(e as Error).stack}`);
        assert.ok(e.status >= 400 && e.status < 500, `${what}: ${e.status} ${e.message}`);
      }
    };
    for (const t of b.types.values()) {
      for (const [attr, spec] of Object.entries(t.attrs)) {
        for (const v of VALUES) {
          for (const who of [ALICE, ADMIN]) {
            if (spec.post) attempt(() => b.create(t, who, { [t.member]: { ...base[t.collection], [attr]: v } }), `create ${t.member}.${attr}=${JSON.stringify(v)}`);
            const id = existing[t.collection];
            if (spec.put && id) attempt(() => b.update(t, who, id, { [t.member]: { [attr]: v } }), `update ${t.member}.${attr}=${JSON.stringify(v)}`);
          }
        }
      }
    }
    assert.ok(calls > 1000, `${calls} calls`);
  });
});
