/** Quotas: defaults, per-project limits, OverQuota counted in the insert's transaction. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkBackend } from '../../../reference-cloud/network/backend';
import { QUOTA_DEFAULTS } from '../../../reference-cloud/network/quotas';
import { caller, create, thrown, useBackend } from './helpers';

describe('quotas', () => {
  let b: NetworkBackend;
  useBackend((t) => { b = t.b; });

  it('has Neutron\'s defaults', () => {
    assert.deepEqual(b.quotas.limits('anyone'), {
      network: 100, subnet: 100, subnetpool: -1, port: 500, router: 10, floatingip: 50, rbac_policy: 10, security_group: 10, security_group_rule: 100,
    });
    assert.deepEqual(QUOTA_DEFAULTS, b.quotas.limits('someone-else'));
  });

  it('refuses the create past the limit with OverQuota, and counts usage in details', () => {
    const who = caller('quota-project');
    b.quotas.set('quota-project', { network: 2, security_group: 1 });
    create(b, 'networks', who, { name: 'q1' });
    create(b, 'networks', who, { name: 'q2' });
    const e = thrown(() => create(b, 'networks', who, { name: 'q3' }));
    assert.equal(e.status, 409);
    assert.equal(e.type, 'OverQuota');
    assert.equal(e.message, "Quota exceeded for resources: ['network'].");
    assert.equal(b.quotas.details('quota-project').network.used, 2);
    // The default security group counts: a project limited to one group cannot make another.
    assert.equal(thrown(() => create(b, 'security_groups', who, { name: 'extra' })).type, 'OverQuota');
    b.quotas.reset('quota-project');
    create(b, 'networks', who, { name: 'q3' });
  });
});
