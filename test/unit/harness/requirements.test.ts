import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, unmetRequirement, type Capabilities } from '../../../harness/capabilities';

const caps: Capabilities = {
  services: { identity: { maxVersion: '3.14' }, compute: { maxVersion: '2.96', minVersion: '2.1' } },
  admin: false,
  extensions: ['router'],
};

describe('capability tags', () => {
  it('passes what the target offers', () => {
    assert.equal(unmetRequirement(['@requires:compute>=2.69', '@requires:ext:router', '@smoke'], caps), undefined);
  });
  it('explains what is missing', () => {
    assert.match(unmetRequirement(['@admin'], caps)!, /admin/);
    assert.match(unmetRequirement(['@requires:compute>=2.100'], caps)!, /2\.100 or later; the target offers 2\.96/);
    assert.match(unmetRequirement(['@requires:orchestration'], caps)!, /orchestration service/);
    assert.match(unmetRequirement(['@requires:ext:trunk'], caps)!, /trunk/);
  });
  it('takes the current version, its microversion range first', () => {
    assert.deepEqual(summarise([
      { id: 'v2.0', status: 'DEPRECATED', url: 'x' },
      { id: 'v2.1', status: 'CURRENT', minVersion: '2.1', maxVersion: '2.96', url: 'y' },
    ]), { maxVersion: '2.96', minVersion: '2.1' });
    assert.deepEqual(summarise([{ id: 'v3.14', status: 'CURRENT', url: 'z' }]), { maxVersion: '3.14' });
  });
});

import { joinUrl } from '../../../harness/client/url';
describe('joining an endpoint and a path', () => {
  it('does not repeat a version the endpoint already names', () => {
    assert.equal(joinUrl('http://h:5000/v3/', '/v3/projects'), 'http://h:5000/v3/projects');
    assert.equal(joinUrl('http://h/identity', '/v3/projects'), 'http://h/identity/v3/projects');
    assert.equal(joinUrl('http://h/compute/v2.1', '/servers'), 'http://h/compute/v2.1/servers');
    assert.equal(joinUrl('http://h:5000/v3', '/v3'), 'http://h:5000/v3');
    assert.equal(joinUrl('http://h:5000/v3', '/v30/x'), 'http://h:5000/v3/v30/x');
  });
});
