/** The dlo middleware: concatenation of listed segments, ETag, Range, paging past the listing limit, the manifest itself, header validation. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { dlo } from '../../../reference-cloud/object-storage/middleware/dlo';
import { defaultSettings } from '../../../reference-cloud/object-storage/settings';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const A = '/v1/AUTH_p';

describe('dlo middleware', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    const settings = { ...defaultSettings(), containerListingLimit: 4 };
    proxy = new FakeProxy(settings);
    proxy.putContainer('AUTH_p', 'c');
    proxy.putContainer('AUTH_p', 'seg');
    proxy.putObject('AUTH_p', 'seg', 'dlo/0', 'a'.repeat(10));
    proxy.putObject('AUTH_p', 'seg', 'dlo/1', 'b'.repeat(20));
    proxy.putObject('AUTH_p', 'seg', 'dlo/2', 'c'.repeat(5));
    proxy.putObject('AUTH_p', 'c', 'dlo', '', { 'x-object-manifest': 'seg/dlo/' });
    app = pipelineOf([dlo(testContext(proxy, settings))], proxy.handler);
  });

  it('serves the segments in name order with the quoted md5 of their ETags (the SLO value)', async () => {
    proxy.accounts.get('AUTH_p')!.containers.get('seg')!.objects.delete('dlo/2');
    proxy.putObject('AUTH_p', 'seg', 'dlo/2', 'c'.repeat(5));
    const res = await app(request('GET', `${A}/c/dlo`));
    assert.equal(res.status, 200);
    assert.equal(await text(res), 'a'.repeat(10) + 'b'.repeat(20) + 'c'.repeat(5));
    assert.equal(header(res, 'etag'), '"a9ec7544624615089baf421254c0de30"');
    assert.equal(header(res, 'x-object-manifest'), 'seg/dlo/');
    assert.equal(header(res, 'content-length'), '35');
    const head = await app(request('HEAD', `${A}/c/dlo`));
    assert.equal(header(head, 'content-length'), '35');
    assert.equal(head.body, undefined);
  });

  it('serves ranges across segments and honours conditionals on the DLO ETag', async () => {
    const res = await app(request('GET', `${A}/c/dlo`, { range: 'bytes=8-12' }));
    assert.equal(res.status, 206);
    assert.equal(await text(res), 'aabbb');
    assert.equal(header(res, 'content-range'), 'bytes 8-12/35');
    assert.equal((await app(request('GET', `${A}/c/dlo`, { 'if-none-match': '"a9ec7544624615089baf421254c0de30"' }))).status, 304);
    assert.equal((await app(request('GET', `${A}/c/dlo`, { 'if-match': 'd41d8cd98f00b204e9800998ecf8427e' }))).status, 412);
  });

  it('sees a segment added later at once, and pages the listing past its limit', async () => {
    proxy.putObject('AUTH_p', 'seg', 'dlo/3', 'd'.repeat(2));
    proxy.putObject('AUTH_p', 'seg', 'dlo/4', 'e');
    const res = await app(request('GET', `${A}/c/dlo`));
    assert.equal(await text(res), 'a'.repeat(10) + 'b'.repeat(20) + 'c'.repeat(5) + 'dde');
    // The first page was full: like Swift, the manifest's own Etag and no Content-Length.
    assert.equal(header(res, 'etag'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(header(res, 'content-length'), undefined);
    const listings = proxy.seen.filter((s) => s.method === 'GET' && s.path === `${A}/seg`);
    assert.equal(listings.length, 2);
  });

  it('an empty prefix serves an empty body with the md5 of nothing', async () => {
    proxy.putObject('AUTH_p', 'c', 'empty', '', { 'x-object-manifest': 'seg/none/' });
    const res = await app(request('GET', `${A}/c/empty`));
    assert.equal(res.status, 200);
    assert.equal(await text(res), '');
    assert.equal(header(res, 'etag'), `"${createHash('md5').update('').digest('hex')}"`);
  });

  it('?multipart-manifest=get returns the manifest object itself', async () => {
    const res = await app(request('GET', `${A}/c/dlo?multipart-manifest=get`));
    assert.equal(await text(res), '');
    assert.equal(header(res, 'etag'), 'd41d8cd98f00b204e9800998ecf8427e');
  });

  it('refuses a malformed X-Object-Manifest on PUT', async () => {
    for (const bad of ['no-slash', '/x', 'c/', 'c//x', 'c/x?y', 'c/x&y']) {
      const res = await app(request('PUT', `${A}/c/bad`, { 'x-object-manifest': bad }, ''));
      assert.equal(res.status, 400, bad);
      assert.equal(await text(res), 'X-Object-Manifest must be in the format container/prefix');
    }
    assert.equal((await app(request('PUT', `${A}/c/good`, { 'x-object-manifest': 'seg/dlo/' }, ''))).status, 201);
  });

  it('the listing of a missing segment container passes its 404 on', async () => {
    proxy.putObject('AUTH_p', 'c', 'gone', '', { 'x-object-manifest': 'nocontainer/x' });
    assert.equal((await app(request('GET', `${A}/c/gone`))).status, 404);
  });
});
