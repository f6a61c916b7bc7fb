/** Container and account quotas: validation, decisions on known sizes, streamed uploads, uploads in flight, copies, reseller rules. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, it } from 'node:test';
import { accountQuotas, containerQuotas } from '../../../reference-cloud/object-storage/middleware/quotas';
import { copy } from '../../../reference-cloud/object-storage/middleware/copy';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, fakeAuth, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const A = '/v1/AUTH_p';
const T = { 'x-auth-token': 'p' };

describe('quotas', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'q', { 'quota-bytes': '10', 'quota-count': '3' });
    proxy.putContainer('AUTH_p', 'free');
    const ctx = testContext(proxy);
    app = pipelineOf([fakeAuth(), containerQuotas(ctx), accountQuotas(ctx), copy(ctx)], proxy.handler);
  });
  const put = (path: string, body: string, headers: Record<string, string> = {}) => app(request('PUT', path, { ...T, ...headers }, body));

  it('validates quota metadata on container PUT and POST', async () => {
    const bad = await app(request('POST', `${A}/q`, { ...T, 'x-container-meta-quota-bytes': 'lots' }));
    assert.equal(bad.status, 400);
    assert.equal(await text(bad), 'Invalid bytes quota.');
    assert.equal(header(bad, 'content-type'), 'text/html; charset=UTF-8');
    const neg = await app(request('PUT', `${A}/n`, { ...T, 'x-container-meta-quota-count': '-1' }));
    assert.equal(await text(neg), 'Invalid count quota.');
    assert.equal(proxy.container('AUTH_p', 'n'), undefined);
    assert.equal((await app(request('POST', `${A}/q`, { ...T, 'x-container-meta-quota-bytes': '20' }))).status, 204);
  });

  it('refuses an upload that would pass the byte or count quota, allows one that reaches it', async () => {
    assert.equal((await put(`${A}/q/a`, '12345')).status, 201);
    const over = await put(`${A}/q/big`, '123456');
    assert.equal(over.status, 413);
    assert.equal(await text(over), 'Upload exceeds quota.');
    assert.equal((await put(`${A}/q/d`, '12345')).status, 201);
    assert.equal((await put(`${A}/q/e`, '')).status, 201);
    assert.equal((await put(`${A}/q/f`, '')).status, 413, 'count quota 3');
    assert.equal(proxy.container('AUTH_p', 'q')!.objectCount, 3);
    assert.equal((await put(`${A}/free/x`, 'x'.repeat(100))).status, 201);
  });

  it('counts a chunked upload as it streams and refuses it at the limit, storing nothing', async () => {
    const body = new PassThrough();
    const pending = app({ ...request('PUT', `${A}/q/chunked`, { ...T, 'transfer-encoding': 'chunked' }), body });
    body.write('123456');
    body.write('789');
    body.end('01');
    const res = await pending;
    assert.equal(res.status, 413);
    assert.equal(proxy.getObject('AUTH_p', 'q', 'chunked'), undefined);
    const small = new PassThrough();
    const ok = app({ ...request('PUT', `${A}/q/chunked`, { ...T, 'transfer-encoding': 'chunked' }), body: small });
    small.end('0123456789');
    assert.equal((await ok).status, 201);
  });

  it('counts uploads in flight: two concurrent uploads cannot both take the last bytes', async () => {
    const first = new PassThrough();
    const a = app({ ...request('PUT', `${A}/q/a`, { ...T, 'content-length': '6' }), body: first });
    await new Promise((r) => setImmediate(r));
    const b = await put(`${A}/q/b`, '123456');
    assert.equal(b.status, 413);
    first.end('123456');
    assert.equal((await a).status, 201);
    assert.equal((await put(`${A}/q/c`, '1234')).status, 201);
  });

  it('counts the source of a copy', async () => {
    proxy.putObject('AUTH_p', 'free', 'six', '123456');
    assert.equal((await put(`${A}/q/a`, '12345')).status, 201);
    const copied = await app(request('COPY', `${A}/free/six`, { ...T, destination: 'q/six' }));
    assert.equal(copied.status, 413);
    const ranged = await app(request('PUT', `${A}/q/part`, { ...T, 'x-copy-from': 'free/six', range: 'bytes=0-2' }, ''));
    assert.equal(ranged.status, 201);
    assert.equal(proxy.getObject('AUTH_p', 'q', 'part')!.data.toString(), '123');
  });

  it('a stranger over the quota is refused for who they are, not for the quota', async () => {
    proxy.putObject('AUTH_p', 'q', 'a', '1234567890');
    const res = await app(request('PUT', `${A}/q/b`, { 'x-auth-token': 'other' }, 'x'));
    assert.equal(res.status, 403);
  });

  it('only the reseller admin sets the account quota; uploads past it are 413', async () => {
    const member = await app(request('POST', A, { ...T, 'x-account-meta-quota-bytes': '5' }));
    assert.equal(member.status, 403);
    const remove = await app(request('POST', A, { ...T, 'x-remove-account-meta-quota-bytes': 'x' }));
    assert.equal(remove.status, 403);
    const reseller = { ...T, 'x-test-roles': 'member,ResellerAdmin' };
    assert.equal((await app(request('POST', A, { ...reseller, 'x-account-meta-quota-bytes': 'lots' }))).status, 400);
    assert.equal((await app(request('POST', A, { ...reseller, 'x-account-meta-quota-bytes': '8' }))).status, 204);
    assert.equal((await put(`${A}/free/a`, '12345')).status, 201);
    const over = await put(`${A}/free/b`, '1234');
    assert.equal(over.status, 413);
    assert.equal(await text(over), 'Upload exceeds quota.');
    assert.equal((await put(`${A}/free/b`, '123')).status, 201);
  });

  it('registers its /info entries', () => {
    const ctx = testContext(proxy);
    assert.deepEqual({ ...containerQuotas(ctx).info!(), ...accountQuotas(ctx).info!() }, { container_quotas: {}, account_quotas: {} });
  });
});
