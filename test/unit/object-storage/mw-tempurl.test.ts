/** Temp URLs: signatures against Swift's own get_hmac (vectors computed with swift.common.digest), expiry, scopes, methods, headers. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { beforeEach, describe, it } from 'node:test';
import { tempurl } from '../../../reference-cloud/object-storage/middleware/tempurl';
import { dispositionFormat, extractDigest, parseExpires, tempUrlHmac } from '../../../reference-cloud/object-storage/middleware/tempurl-sig';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, fakeAuth, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const EXP = 1795569672;
const NOW = new Date((EXP - 600) * 1000);

describe('temp URL signatures (vectors from Swift 2.30 get_hmac)', () => {
  it('computes HMACs of method, expiry and path with sha1, sha256, sha512, prefix and ip forms', () => {
    const p = '/v1/AUTH_p/c/hello.txt';
    assert.equal(tempUrlHmac('GET', p, EXP, 'mykey', 'sha1'), 'f621919cceb26c6bc364d6f71e2a073948d7ca11');
    assert.equal(tempUrlHmac('GET', p, EXP, 'mykey', 'sha256'), '046a75651dbfb1bfbec9a3c4333f90115c485b662392a3cd69fb1676bb0e1b2a');
    assert.equal(tempUrlHmac('GET', p, EXP, 'mykey', 'sha512'), '8f4a22641e41e23895f119543e94876d3b58d08e16193eca6d6103ec4beb1ea3eeeedae126d454032c051c83871fbd918c80f65e05fff4b72bb76408f637fe50');
    assert.equal(tempUrlHmac('GET', 'prefix:/v1/AUTH_p/c/hel', EXP, 'mykey', 'sha256'), '42aa361b612e9e836fe393ba74e53c9c7f50fa366c4b3b304af1f5905b8fa786');
    assert.equal(tempUrlHmac('GET', '/v1/AUTH_p/c/o', EXP, 'mykey', 'sha256', '127.0.0.1'), 'ffbae6d932e9e47e17a4dfe58b152cae8478730ebdf0c8a4c6e0ce46aef906f6');
    assert.equal(tempUrlHmac('PUT', '/v1/AUTH_p/c/日本 ☃', EXP, 'kéy', 'sha256'), 'a1684b91dd588e7a06fb28d87abb1d8038c8b84cb71a1e4361517e1dcc09a3b4');
  });

  it('reads hex signatures by length and <digest>:<base64url> ones', () => {
    assert.deepEqual(extractDigest('sha512:j0oiZB5B4jiV8RlUPpSHbTtY0I4WGT7KbWED7EvrHqPu7trhJtRUAywFHIOHH72RjID2XgX_9Lcrt2QI9jf-UA'),
      ['sha512', '8f4a22641e41e23895f119543e94876d3b58d08e16193eca6d6103ec4beb1ea3eeeedae126d454032c051c83871fbd918c80f65e05fff4b72bb76408f637fe50']);
    assert.deepEqual(extractDigest('f621919cceb26c6bc364d6f71e2a073948d7ca11'), ['sha1', 'f621919cceb26c6bc364d6f71e2a073948d7ca11']);
    assert.equal(extractDigest('abc'), undefined);
    assert.equal(extractDigest('zz'.repeat(20)), undefined);
    assert.equal(extractDigest('ab'.repeat(10)), undefined);
    assert.equal(extractDigest('sha512:!!'), undefined);
  });

  it('reads expiry as Unix seconds or ISO 8601, 0 when past or unreadable', () => {
    const now = EXP - 10;
    assert.equal(parseExpires(String(EXP), now), EXP);
    assert.equal(parseExpires('2026-11-25T01:21:12Z', now), EXP);
    assert.equal(parseExpires(String(now - 1), now), 0);
    assert.equal(parseExpires('tomorrow', now), 0);
    assert.equal(parseExpires('2026-11-25T01:21:12', now), 0);
  });

  it('formats Content-Disposition as tempurl.disposition_format', () => {
    assert.equal(dispositionFormat('attachment', 'my file "x".txt'), 'attachment; filename="my file %22x%22.txt"; filename*=UTF-8\'\'my%20file%20%22x%22.txt');
    assert.equal(dispositionFormat('inline', 'café/é.txt'), "inline; filename=\"caf%C3%A9/%C3%A9.txt\"; filename*=UTF-8''caf%C3%A9/%C3%A9.txt");
  });
});

describe('tempurl middleware', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    proxy.putContainer('AUTH_p', 'other');
    proxy.accounts.get('AUTH_p')!.meta['temp-url-key'] = 'mykey';
    proxy.putObject('AUTH_p', 'c', 'hello.txt', 'hello swift\n', { 'content-type': 'text/x-changed', 'x-object-meta-secret': 's', 'x-object-meta-public-tag': 't' });
    proxy.putObject('AUTH_p', 'other', 'x', 'other');
    app = pipelineOf([tempurl(testContext(proxy, undefined, () => NOW)), fakeAuth()], proxy.handler);
  });
  const signed = (method: string, path: string, extra = '', key = 'mykey', digest = 'sha256', signMethod = method) =>
    request(method, `${path}?temp_url_sig=${tempUrlHmac(signMethod, path, EXP, key, digest)}&temp_url_expires=${EXP}${extra}`);

  it('lets an anonymous GET through with a valid signature, with disposition and expiry headers, without private metadata', async () => {
    const res = await app(signed('GET', '/v1/AUTH_p/c/hello.txt'));
    assert.equal(res.status, 200);
    assert.equal(await text(res), 'hello swift\n');
    assert.equal(header(res, 'content-disposition'), "attachment; filename=\"hello.txt\"; filename*=UTF-8''hello.txt");
    assert.equal(header(res, 'expires'), 'Wed, 25 Nov 2026 01:21:12 GMT');
    assert.equal(header(res, 'x-object-meta-secret'), undefined);
    assert.equal(header(res, 'x-object-meta-public-tag'), 't');
    for (const d of ['sha1', 'sha512']) assert.equal((await app(signed('GET', '/v1/AUTH_p/c/hello.txt', '', 'mykey', d))).status, 200, d);
    const named = await app(signed('GET', '/v1/AUTH_p/c/hello.txt', '&filename=my%20file.txt'));
    assert.equal(header(named, 'content-disposition'), "attachment; filename=\"my file.txt\"; filename*=UTF-8''my%20file.txt");
    const inline = await app(signed('GET', '/v1/AUTH_p/c/hello.txt', '&inline'));
    assert.equal(header(inline, 'content-disposition'), 'inline');
  });

  it('a GET signature allows HEAD but not PUT; PUT needs its own', async () => {
    const path = '/v1/AUTH_p/c/hello.txt';
    assert.equal((await app(signed('HEAD', path, '', 'mykey', 'sha256', 'GET'))).status, 200);
    const put = await app({ ...signed('PUT', '/v1/AUTH_p/c/new.txt', '', 'mykey', 'sha256', 'GET'), body: undefined });
    assert.equal(put.status, 401);
    const ok = signed('PUT', '/v1/AUTH_p/c/new.txt');
    const res = await app({ ...ok, headers: { 'content-length': '3' }, body: Readable.from([Buffer.from('new')]) });
    assert.equal(res.status, 201);
    assert.equal(proxy.getObject('AUTH_p', 'c', 'new.txt')!.data.toString(), 'new');
  });

  it('answers 401 Temp URL invalid for a bad signature, expiry, another object, a removed key', async () => {
    const path = '/v1/AUTH_p/c/hello.txt';
    const bad = await app(request('GET', `${path}?temp_url_sig=${'0'.repeat(64)}&temp_url_expires=${EXP}`));
    assert.equal(bad.status, 401);
    assert.equal(await text(bad), '401 Unauthorized: Temp URL invalid\n');
    assert.equal(header(bad, 'www-authenticate'), 'Swift realm="unknown"');
    const sig = tempUrlHmac('GET', path, EXP, 'mykey', 'sha256');
    assert.equal((await app(request('GET', `/v1/AUTH_p/c/other.txt?temp_url_sig=${sig}&temp_url_expires=${EXP}`))).status, 401);
    assert.equal((await app(request('GET', `${path}?temp_url_sig=${sig}`))).status, 401);
    assert.equal((await app(request('GET', `${path}?temp_url_sig=${sig}&temp_url_expires=soon`))).status, 401);
    const expired = tempUrlHmac('GET', path, EXP - 700, 'mykey', 'sha256');
    assert.equal((await app(request('GET', `${path}?temp_url_sig=${expired}&temp_url_expires=${EXP - 700}`))).status, 401);
    delete proxy.accounts.get('AUTH_p')!.meta['temp-url-key'];
    assert.equal((await app(signed('GET', path))).status, 401);
  });

  it('takes container keys too, scoped to that container; a missing object is a 404', async () => {
    delete proxy.accounts.get('AUTH_p')!.meta['temp-url-key'];
    proxy.accounts.get('AUTH_p')!.containers.get('c')!.meta['temp-url-key-2'] = 'ckey';
    assert.equal((await app(signed('GET', '/v1/AUTH_p/c/hello.txt', '', 'ckey'))).status, 200);
    assert.equal((await app(signed('GET', '/v1/AUTH_p/other/x', '', 'ckey'))).status, 401);
    assert.equal((await app(signed('GET', '/v1/AUTH_p/c/missing', '', 'ckey'))).status, 404);
  });

  it('prefix signatures cover every object under the prefix and nothing else', async () => {
    const sig = tempUrlHmac('GET', 'prefix:/v1/AUTH_p/c/hel', EXP, 'mykey', 'sha256');
    assert.equal((await app(request('GET', `/v1/AUTH_p/c/hello.txt?temp_url_sig=${sig}&temp_url_expires=${EXP}&temp_url_prefix=hel`))).status, 200);
    assert.equal((await app(request('GET', `/v1/AUTH_p/c/other?temp_url_sig=${sig}&temp_url_expires=${EXP}&temp_url_prefix=hel`))).status, 401);
  });

  it('refuses X-Object-Manifest on a signed PUT and drops X-Timestamp', async () => {
    const req = signed('PUT', '/v1/AUTH_p/c/m');
    const res = await app({ ...req, headers: { 'x-object-manifest': 'c/x', 'content-length': '0' } });
    assert.equal(res.status, 400);
    assert.equal(await text(res), "The header 'X-Object-Manifest' is not allowed in this tempurl");
  });

  it('passes requests without temp URL parameters untouched, and registers its /info entry', async () => {
    assert.equal((await app(request('GET', '/v1/AUTH_p/c/hello.txt'))).status, 401);
    assert.equal((await app(request('GET', '/v1/AUTH_p/c/hello.txt', { 'x-auth-token': 'p' }))).status, 200);
    const info = tempurl(testContext(proxy)).info!();
    assert.deepEqual(info.tempurl!.allowed_digests, ['sha1', 'sha256', 'sha512']);
    assert.deepEqual(info.tempurl!.methods, ['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
  });
});
