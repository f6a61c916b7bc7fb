import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, toApiError } from '../../../reference-cloud/core/errors';
import { computeFaultEnvelope, glanceEnvelope, heatEnvelope, keystoneEnvelope, neutronEnvelope } from '../../../reference-cloud/core/envelopes';

const body = (r: { body: string }) => JSON.parse(r.body);

describe('error envelopes', () => {
  const e = new ApiError(404, 'Could not find project: x.');
  it('Keystone: error{code,title,message}', () => assert.deepEqual(body(keystoneEnvelope(e)), { error: { code: 404, title: 'Not Found', message: 'Could not find project: x.' } }));
  it('Nova/Cinder: the fault name by status', () => {
    assert.deepEqual(body(computeFaultEnvelope(e)), { itemNotFound: { code: 404, message: 'Could not find project: x.' } });
    assert.ok('overLimit' in body(computeFaultEnvelope(new ApiError(413, 'q', { headers: { 'Retry-After': '0' } }))));
    assert.ok('computeFault' in body(computeFaultEnvelope(new ApiError(500, 'boom'))));
  });
  it('Neutron: NeutronError with the exception type', () => {
    assert.deepEqual(body(neutronEnvelope(new ApiError(409, 'Quota exceeded', { type: 'OverQuota' }))), { NeutronError: { type: 'OverQuota', message: 'Quota exceeded', detail: '' } });
  });
  it('Glance and Heat', () => {
    assert.equal(body(glanceEnvelope(e)).code, '404 Not Found');
    assert.equal(body(heatEnvelope(e)).error.type, 'NotFound');
  });
  it('never leaks an internal error', () => {
    const x = toApiError(new TypeError('secret internals'));
    assert.equal(x.status, 500);
    assert.doesNotMatch(x.message, /secret/);
  });
});
