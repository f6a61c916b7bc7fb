/** The copy middleware: COPY and X-Copy-From, metadata rules, ranges, errors, large objects copied as data or manifest. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { copy } from '../../../reference-cloud/object-storage/middleware/copy';
import { dlo } from '../../../reference-cloud/object-storage/middleware/dlo';
import { slo } from '../../../reference-cloud/object-storage/middleware/slo';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, fakeAuth, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const A = '/v1/AUTH_p';
const T = { 'x-auth-token': 'p' };

describe('copy middleware', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    proxy.putContainer('AUTH_q', 'qc');
    proxy.putObject('AUTH_p', 'c', 'hello.txt', 'hello swift\n', { 'content-type': 'text/x-changed', 'x-object-meta-kind': 'greeting' });
    const ctx = testContext(proxy);
    app = pipelineOf([fakeAuth(), copy(ctx), slo(ctx), dlo(ctx)], proxy.handler);
  });

  it('COPY with Destination writes the object and answers the X-Copied-From headers', async () => {
    const res = await app(request('COPY', `${A}/c/hello.txt`, { ...T, destination: 'c/copy.txt' }));
    assert.equal(res.status, 201);
    assert.equal(header(res, 'etag'), '3ddb068de95c1c3ea2dedeecd0fe5613');
    assert.equal(header(res, 'x-copied-from'), 'c/hello.txt');
    assert.equal(header(res, 'x-copied-from-account'), 'AUTH_p');
    assert.ok(header(res, 'x-copied-from-last-modified')?.endsWith('GMT'));
    assert.equal(header(res, 'x-object-meta-kind'), 'greeting');
    const o = proxy.getObject('AUTH_p', 'c', 'copy.txt')!;
    assert.equal(o.data.toString(), 'hello swift\n');
    assert.equal(o.contentType, 'text/x-changed');
    assert.equal(o.headers['x-object-meta-kind'], 'greeting');
  });

  it('PUT with X-Copy-From merges new metadata over the source; X-Fresh-Metadata keeps only the new (and the type)', async () => {
    const res = await app(request('PUT', `${A}/c/cf.txt`, { ...T, 'x-copy-from': 'c/hello.txt', 'x-object-meta-extra': 'yes' }, ''));
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.headers).filter((k) => k.startsWith('X-Object-Meta')), ['X-Object-Meta-Extra', 'X-Object-Meta-Kind']);
    const fresh = await app(request('PUT', `${A}/c/fresh.txt`, { ...T, 'x-copy-from': '/c/hello.txt', 'x-fresh-metadata': 'true', 'x-object-meta-new': '1' }, ''));
    assert.equal(fresh.status, 201);
    const o = proxy.getObject('AUTH_p', 'c', 'fresh.txt')!;
    assert.equal(o.headers['x-object-meta-kind'], undefined);
    assert.equal(o.headers['x-object-meta-new'], '1');
    assert.equal(o.contentType, 'text/x-changed');
  });

  it('copies only the Range of the source', async () => {
    const res = await app(request('PUT', `${A}/c/r.txt`, { ...T, 'x-copy-from': 'c/hello.txt', range: 'bytes=0-4' }, ''));
    assert.equal(res.status, 201);
    assert.equal(header(res, 'etag'), '5d41402abc4b2a76b9719d911017c592');
    assert.equal(proxy.getObject('AUTH_p', 'c', 'r.txt')!.data.toString(), 'hello');
  });

  it('answers Swift errors: body, bad headers, missing source or destination header', async () => {
    const body = await app(request('PUT', `${A}/c/x`, { ...T, 'x-copy-from': 'c/hello.txt' }, 'xx'));
    assert.equal(body.status, 400);
    assert.equal(await text(body), 'Copy requests require a zero byte body');
    const bad = await app(request('PUT', `${A}/c/x`, { ...T, 'x-copy-from': 'no-slash' }, ''));
    assert.equal(bad.status, 412);
    assert.equal(await text(bad), 'X-Copy-From header must be of the form <container name>/<object name>');
    const missing = await app(request('PUT', `${A}/c/x`, { ...T, 'x-copy-from': 'c/nope' }, ''));
    assert.equal(missing.status, 404);
    const noDest = await app(request('COPY', `${A}/c/hello.txt`, T));
    assert.equal(noDest.status, 412);
    assert.equal(await text(noDest), 'Destination header required');
    const badDest = await app(request('COPY', `${A}/c/hello.txt`, { ...T, destination: 'c' }));
    assert.equal(await text(badDest), 'Destination header must be of the form <container name>/<object name>');
    const badAccount = await app(request('COPY', `${A}/c/hello.txt`, { ...T, destination: 'c/x', 'destination-account': 'a/b' }));
    assert.equal(await text(badAccount), 'Account name cannot contain slashes');
    assert.equal(proxy.getObject('AUTH_p', 'c', 'x'), undefined);
  });

  it('copying across accounts needs write access to the destination', async () => {
    const res = await app(request('COPY', `${A}/c/hello.txt`, { ...T, destination: 'qc/x', 'destination-account': 'AUTH_q' }));
    assert.equal(res.status, 403);
    assert.equal(proxy.getObject('AUTH_q', 'qc', 'x'), undefined);
  });

  it('copies an SLO as its data, or as its manifest with ?multipart-manifest=get', async () => {
    proxy.putObject('AUTH_p', 'c', 's0', 'a'.repeat(10));
    proxy.putObject('AUTH_p', 'c', 's1', 'b'.repeat(20));
    const put = await app(request('PUT', `${A}/c/slo?multipart-manifest=put`, T, JSON.stringify([{ path: 'c/s0' }, { path: 'c/s1' }])));
    assert.equal(put.status, 201);
    const data = await app(request('COPY', `${A}/c/slo`, { ...T, destination: 'c/slo-copied' }));
    assert.equal(data.status, 201);
    const plain = proxy.getObject('AUTH_p', 'c', 'slo-copied')!;
    assert.equal(plain.data.toString(), 'a'.repeat(10) + 'b'.repeat(20));
    assert.equal(plain.headers['x-static-large-object'], undefined);
    const man = await app(request('COPY', `${A}/c/slo?multipart-manifest=get`, { ...T, destination: 'c/slo-copied-manifest' }));
    assert.equal(man.status, 201);
    assert.equal(header(man, 'etag'), header(put, 'etag'));
    const get = await app(request('GET', `${A}/c/slo-copied-manifest`, T));
    assert.equal(header(get, 'x-static-large-object'), 'True');
    assert.equal(await text(get), 'a'.repeat(10) + 'b'.repeat(20));
  });

  it('adds COPY to the Allow of OPTIONS', async () => {
    const inner: SwiftHandler = async () => ({ status: 200, headers: { Allow: 'GET, HEAD, PUT' } });
    const res = await pipelineOf([copy(testContext(proxy))], inner)(request('OPTIONS', `${A}/c/o`));
    assert.equal(header(res, 'allow'), 'GET, HEAD, PUT, COPY');
  });
});
