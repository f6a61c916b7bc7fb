import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../reference-cloud/core/errors';
import { byteRange } from '../../../reference-cloud/image/api/data';
import { parseChanges, patchDraft } from '../../../reference-cloud/image/api/json-patch';
import { glanceEnvelopeFor, glanceHtmlEnvelope, glanceJsonEnvelope, glanceTextEnvelope } from '../../../reference-cloud/image/envelope';
import { pformat, schemaFailure } from '../../../reference-cloud/image/schema-check';
import { virtualSize } from '../../../reference-cloud/image/data-store';

const req = (headers: Record<string, string>) => ({ headers }) as any;
const throwsStatus = (fn: () => unknown, status: number) => assert.throws(fn, (e: unknown) => e instanceof ApiError && e.status === status);

describe('image logic', () => {
  test('byteRange: RFC 7233 single ranges, suffixes, legacy Content-Range, refusals', () => {
    assert.deepEqual(byteRange(req({ range: 'bytes=0-0' }), 10), { start: 0, end: 0 });
    assert.deepEqual(byteRange(req({ range: 'bytes=5-100' }), 10), { start: 5, end: 9 });
    assert.deepEqual(byteRange(req({ range: 'bytes=-100' }), 10), { start: 0, end: 9 });
    assert.deepEqual(byteRange(req({ 'content-range': 'bytes 1-2/10' }), 10), { start: 1, end: 2 });
    assert.equal(byteRange(req({}), 10), undefined);
    throwsStatus(() => byteRange(req({ range: 'bytes=10-' }), 10), 416);
    throwsStatus(() => byteRange(req({ range: 'bytes=5-2' }), 10), 416);
    throwsStatus(() => byteRange(req({ range: 'items=1-2' }), 10), 416);
    throwsStatus(() => byteRange(req({ range: 'bytes=1-2,4-5' }), 10), 400);
    throwsStatus(() => byteRange(req({ 'content-range': 'bytes 1-20/10' }), 10), 416);
  });

  test('JSON patch: dialects by content type, pointers decoded, Glance\'s refusals', () => {
    assert.equal(patchDraft('application/openstack-images-v2.1-json-patch; charset=utf-8'), 10);
    assert.equal(patchDraft('application/openstack-images-v2.0-json-patch'), 4);
    throwsStatus(() => patchDraft('application/json-patch+json'), 415);
    assert.deepEqual(parseChanges([{ op: 'add', path: '/a~1b~0c', value: 'x' }], 10), [{ op: 'add', path: ['a/b~c'], value: 'x', draft: 10 }]);
    assert.deepEqual(parseChanges([{ remove: '/foo' }], 4), [{ op: 'remove', path: ['foo'], draft: 4 }]);
    throwsStatus(() => parseChanges([{ add: '/a', remove: '/b', value: 1 }], 4), 400);
    throwsStatus(() => parseChanges([{ op: 'add', path: 'a', value: 'x' }], 10), 400);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/a//b', value: 'x' }], 10), 400);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/a~2', value: 'x' }], 10), 400);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/a' }], 10), 400);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/id', value: 'x' }], 10), 403);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/os_glance_x', value: 'x' }], 10), 403);
    throwsStatus(() => parseChanges([{ op: 'add', path: '/tags', value: [1] }], 10), 400);
    throwsStatus(() => parseChanges(['x'], 10), 400);
  });

  test('schema failures are worded like python-jsonschema, with pprint of the schema', () => {
    assert.equal(schemaFailure('image', { name: 'ok' }), undefined);
    assert.equal(schemaFailure('image', { os_hidden: 'yes' }),
      "Provided object does not match schema 'image': 'yes' is not of type 'boolean'\n\n"
      + "Failed validating 'type' in schema['properties']['os_hidden']:\n"
      + "    {'description': 'If true, image will not appear in default image list '\n"
      + "                    'response.',\n"
      + "     'type': 'boolean'}\n\n"
      + "On instance['os_hidden']:\n    'yes'");
    assert.equal(pformat({ b: [1, 2], a: null }), "{'a': None, 'b': [1, 2]}");
  });

  test('errors follow webob\'s Accept negotiation and template', () => {
    const err = new ApiError(404, 'No image found with ID x');
    assert.equal(glanceEnvelopeFor(undefined), glanceHtmlEnvelope);
    assert.equal(glanceEnvelopeFor('*/*'), glanceHtmlEnvelope);
    assert.equal(glanceEnvelopeFor('application/json'), glanceJsonEnvelope);
    assert.equal(glanceEnvelopeFor('text/html;q=0.5, application/json'), glanceJsonEnvelope);
    assert.equal(glanceEnvelopeFor('text/plain'), glanceTextEnvelope);
    assert.deepEqual(JSON.parse(glanceJsonEnvelope(err).body), { message: 'No image found with ID x<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    assert.match(glanceHtmlEnvelope(new ApiError(400, '<b>')).body, /&lt;b&gt;<br \/><br \/>/);
  });

  test('virtual size: raw and iso are their size, qcow2 from its header, else unknown', () => {
    const q = Buffer.alloc(32);
    q.writeUInt32BE(0x514649fb, 0);
    q.writeBigUInt64BE(1024n, 24);
    assert.equal(virtualSize('qcow2', q, 32), 1024);
    assert.equal(virtualSize('qcow2', Buffer.alloc(32), 32), null);
    assert.equal(virtualSize('raw', Buffer.alloc(0), 7), 7);
    assert.equal(virtualSize('vmdk', q, 7), null);
  });
});
