/** Security groups: the default group on first use, rule validation and duplicate detection. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { ADMIN, ALICE, BOB, create, list, thrown, useBackend } from './helpers';

describe('security groups', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('makes the project\'s default group on first list, once, with the four Zed rules', () => {
    const first = list(b, 'security_groups', ALICE);
    assert.deepEqual(first.map((g) => g.name), ['default']);
    assert.equal(list(b, 'security_groups', ALICE).length, 1, 'a second list makes no second group');
    const rules = b.render(b.type('security_groups'), first[0], ALICE).security_group_rules as Record<string, unknown>[];
    const summary = rules.map((r) => `${r.direction}/${r.ethertype}/${r.remote_group_id === first[0].id ? 'self' : String(r.remote_group_id)}`).sort();
    assert.deepEqual(summary, ['egress/IPv4/null', 'egress/IPv6/null', 'ingress/IPv4/self', 'ingress/IPv6/self']);
  });

  it('puts ports in the default group and refuses deleting a group in use or a default one', () => {
    const n = create(b, 'networks', BOB, { name: 'n' });
    const p = create(b, 'ports', BOB, { network_id: n.id });
    const [def] = list(b, 'security_groups', BOB);
    assert.deepEqual(p.security_groups, [def.id]);
    assert.equal(thrown(() => b.delete(b.type('security_groups'), BOB, def.id)).type, 'SecurityGroupInUse');
    b.delete(b.type('ports'), BOB, p.id);
    const e = thrown(() => b.delete(b.type('security_groups'), BOB, def.id));
    assert.equal(e.type, 'SecurityGroupCannotRemoveDefault');
    assert.equal(e.message, 'Insufficient rights for removing default security group.');
  });

  it('validates rules and detects duplicates with the existing rule\'s id', () => {
    const g = create(b, 'security_groups', ALICE, { name: 'web' });
    const rule = (values: Record<string, unknown>) => create(b, 'security_group_rules', ALICE, { security_group_id: g.id, direction: 'ingress', ...values });
    const r = rule({ protocol: 'tcp', port_range_min: 80, port_range_max: 443, remote_ip_prefix: '192.0.2.7/24' });
    assert.equal(r.normalized_cidr, '192.0.2.0/24');
    assert.equal(r.remote_ip_prefix, '192.0.2.7/24');
    const dup = thrown(() => rule({ protocol: '6', port_range_min: 80, port_range_max: 443, remote_ip_prefix: '192.0.2.0/24' }));
    assert.equal(dup.type, 'SecurityGroupRuleExists');
    assert.equal(dup.message, `Security group rule already exists. Rule id is ${r.id}.`);
    const cases: [Record<string, unknown>, string][] = [
      [{ protocol: 'bogus' }, 'SecurityGroupRuleInvalidProtocol'],
      [{ protocol: 'tcp', port_range_min: 500, port_range_max: 400 }, 'SecurityGroupInvalidPortRange'],
      [{ protocol: 'tcp', port_range_min: 1, port_range_max: 70000 }, 'SecurityGroupInvalidPortValue'],
      [{ port_range_min: 1, port_range_max: 2 }, 'SecurityGroupProtocolRequiredWithPorts'],
      [{ protocol: 'icmp', port_range_min: 300 }, 'SecurityGroupInvalidIcmpValue'],
      [{ remote_ip_prefix: '2001:db8::/64' }, 'SecurityGroupRuleParameterConflict'],
      [{ remote_ip_prefix: '10.0.0.0/8', remote_group_id: g.id }, 'SecurityGroupMultipleRemoteEntites'],
      [{ direction: 'sideways' }, 'HTTPBadRequest'],
    ];
    for (const [values, type] of cases) assert.equal(thrown(() => rule(values)).type, type, JSON.stringify(values));
    const before = b.coll('security_group_rules').where('security_group_id', g.id).length;
    assert.equal(before, 3, 'two egress defaults plus one rule; refused rules left nothing');
  });

  it('keeps groups private to their project; the admin sees all', () => {
    const g = create(b, 'security_groups', ALICE, { name: 'secret' });
    assert.equal(thrown(() => b.show(b.type('security_groups'), BOB, g.id)).type, 'SecurityGroupNotFound');
    assert.equal(b.show(b.type('security_groups'), ADMIN, g.id).id, g.id);
    assert.equal(thrown(() => create(b, 'security_group_rules', BOB, { security_group_id: g.id, direction: 'ingress' })).status, 404);
  });
});
