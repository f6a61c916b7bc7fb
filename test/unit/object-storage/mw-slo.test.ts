/** The slo middleware over the in-memory proxy: manifest PUT rules, ETags, GET/Range/conditionals, manifest views, delete. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { slo } from '../../../reference-cloud/object-storage/middleware/slo';
import { dlo } from '../../../reference-cloud/object-storage/middleware/dlo';
import { pyJson } from '../../../reference-cloud/object-storage/middleware/report';
import { parseManifest, ManifestError, sloEtag } from '../../../reference-cloud/object-storage/middleware/slo-manifest';
import type { SwiftHandler } from '../../../reference-cloud/object-storage/context';
import { FakeProxy, header, pipelineOf, request, testContext, text } from './mw-fake-proxy';

const FIXTURES = join(__dirname, '../../fixtures/swift-zed');
const fixture = (name: string): { request: { body?: unknown }; response: { headers: Record<string, string>; bodyText: string } } =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

const A = '/v1/AUTH_p';
const manifest = (segs: unknown[]): string => JSON.stringify(segs);
const SEGS = [
  { path: 'seg/seg0', etag: 'e09c80c42fda55f9d992e59ca6b3307d', size_bytes: 10 },
  { path: '/seg/seg1', etag: '085a8cdaee82caf894e995cd72b220bb', size_bytes: 20 },
  { path: 'seg/seg2', etag: '67c762276bced09ee4df0ed537d164ea', size_bytes: 5 },
];

describe('slo middleware', () => {
  let proxy: FakeProxy;
  let app: SwiftHandler;
  beforeEach(() => {
    proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    proxy.putContainer('AUTH_p', 'seg');
    proxy.putObject('AUTH_p', 'seg', 'seg0', 'a'.repeat(10));
    proxy.putObject('AUTH_p', 'seg', 'seg1', 'b'.repeat(20));
    proxy.putObject('AUTH_p', 'seg', 'seg2', 'c'.repeat(5));
    const ctx = testContext(proxy);
    app = pipelineOf([slo(ctx), dlo(ctx)], proxy.handler);
  });
  const put = (name: string, segs: unknown[] | string, headers: Record<string, string> = {}, query = 'multipart-manifest=put') =>
    app(request('PUT', `${A}/c/${name}?${query}`, headers, typeof segs === 'string' ? segs : manifest(segs)));

  it('stores a manifest whose ETag is the md5 of the segment ETags, quoted (the recorded value)', async () => {
    const res = await put('slo', SEGS, { 'content-type': 'text/plain' });
    assert.equal(res.status, 201);
    assert.equal(header(res, 'etag'), '"a9ec7544624615089baf421254c0de30"');
    assert.equal(header(res, 'etag'), fixture('slo-put').response.headers.Etag);
    const stored = proxy.getObject('AUTH_p', 'c', 'slo')!;
    assert.equal(stored.contentType, 'text/plain;swift_bytes=35');
    assert.equal(stored.headers['x-object-sysmeta-slo-etag'], 'a9ec7544624615089baf421254c0de30');
    assert.equal(stored.headers['x-object-sysmeta-slo-size'], '35');
    assert.equal(stored.headers['x-static-large-object'], 'True');
    const segs = JSON.parse(stored.data.toString()) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(segs[0]!), ['name', 'bytes', 'hash', 'content_type', 'last_modified']);
    assert.equal(segs[1]!.name, '/seg/seg1');
    assert.match(String(segs[0]!.last_modified), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
  });

  it('serialises the stored manifest as Python json.dumps does (the recorded manifest hashes to its X-Manifest-Etag)', () => {
    const f = fixture('slo-get-manifest');
    const again = pyJson(JSON.parse(f.response.bodyText));
    assert.equal(again, f.response.bodyText);
    assert.equal(createHash('md5').update(again).digest('hex'), fixture('slo-get').response.headers['X-Manifest-Etag']);
  });

  it('lists the manifest with its total size and quoted slo_etag', async () => {
    await put('slo', SEGS);
    const res = await app(request('GET', `${A}/c?format=json`));
    const [item] = JSON.parse(await text(res)) as Record<string, unknown>[];
    assert.equal(item!.bytes, 35);
    assert.equal(item!.slo_etag, '"a9ec7544624615089baf421254c0de30"');
    assert.equal(item!.hash, createHash('md5').update(proxy.getObject('AUTH_p', 'c', 'slo')!.data).digest('hex'));
  });

  it('serves GET and HEAD as the concatenation, with the large-object headers', async () => {
    await put('slo', SEGS, { 'content-type': 'text/plain' });
    const res = await app(request('GET', `${A}/c/slo`));
    assert.equal(res.status, 200);
    assert.equal(await text(res), 'a'.repeat(10) + 'b'.repeat(20) + 'c'.repeat(5));
    assert.equal(header(res, 'content-type'), 'text/plain');
    assert.equal(header(res, 'x-static-large-object'), 'True');
    assert.equal(header(res, 'etag'), '"a9ec7544624615089baf421254c0de30"');
    assert.equal(header(res, 'content-length'), '35');
    const manifestMd5 = createHash('md5').update(proxy.getObject('AUTH_p', 'c', 'slo')!.data).digest('hex');
    assert.equal(header(res, 'x-manifest-etag'), manifestMd5);
    assert.equal(header(res, 'x-object-sysmeta-slo-etag'), undefined);
    const head = await app(request('HEAD', `${A}/c/slo`));
    assert.equal(head.status, 200);
    assert.equal(header(head, 'content-length'), '35');
    assert.equal(header(head, 'etag'), '"a9ec7544624615089baf421254c0de30"');
    assert.equal(header(head, 'x-manifest-etag'), manifestMd5);
  });

  it('serves ranges across segment boundaries, single and multiple', async () => {
    await put('slo', SEGS);
    const one = await app(request('GET', `${A}/c/slo`, { range: 'bytes=8-12' }));
    assert.equal(one.status, 206);
    assert.equal(await text(one), 'aabbb');
    assert.equal(header(one, 'content-range'), 'bytes 8-12/35');
    const multi = await app(request('GET', `${A}/c/slo`, { range: 'bytes=0-1,29-31' }));
    assert.equal(multi.status, 206);
    const body = await text(multi);
    assert.match(body, /Content-Range: bytes 0-1\/35\r\n\r\naa\r\n/);
    assert.match(body, /Content-Range: bytes 29-31\/35\r\n\r\nbcc\r\n/);
    const past = await app(request('GET', `${A}/c/slo`, { range: 'bytes=100-200' }));
    assert.equal(past.status, 416);
    const suffix = await app(request('GET', `${A}/c/slo`, { range: 'bytes=-3' }));
    assert.equal(await text(suffix), 'ccc');
  });

  it('evaluates conditionals against the SLO ETag, not the manifest', async () => {
    await put('slo', SEGS);
    const etag = '"a9ec7544624615089baf421254c0de30"';
    assert.equal((await app(request('GET', `${A}/c/slo`, { 'if-match': etag }))).status, 200);
    assert.equal((await app(request('GET', `${A}/c/slo`, { 'if-match': '"nope"' }))).status, 412);
    assert.equal((await app(request('HEAD', `${A}/c/slo`, { 'if-none-match': etag }))).status, 304);
    const manifestMd5 = createHash('md5').update(proxy.getObject('AUTH_p', 'c', 'slo')!.data).digest('hex');
    assert.equal((await app(request('GET', `${A}/c/slo`, { 'if-match': manifestMd5 }))).status, 412);
  });

  it('stores ranged segments with the ranged ETag rule (the recorded slo-put-range)', async () => {
    const res = await put('r', [{ path: 'seg/seg1', range: '5-9' }, { path: 'seg/seg0', range: '-2' }]);
    assert.equal(res.status, 201);
    assert.equal(header(res, 'etag'), fixture('slo-put-range').response.headers.Etag);
    assert.equal(await text(await app(request('GET', `${A}/c/r`))), 'bbbbbaa');
    const stored = JSON.parse(proxy.getObject('AUTH_p', 'c', 'r')!.data.toString()) as { range?: string }[];
    assert.deepEqual(stored.map((s) => s.range), ['5-9', '8-9']);
  });

  it('accepts an empty list as a zero-byte SLO', async () => {
    const res = await put('e', []);
    assert.equal(res.status, 201);
    assert.equal(header(res, 'etag'), '"d41d8cd98f00b204e9800998ecf8427e"');
    const get = await app(request('GET', `${A}/c/e`));
    assert.equal(await text(get), '');
  });

  it('answers validation errors with Swift sentences', async () => {
    const notJson = await put('bad', 'not json');
    assert.equal(notJson.status, 400);
    assert.equal(await text(notJson), 'Manifest must be valid JSON.\n');
    assert.equal(header(notJson, 'content-type'), 'text/html; charset=UTF-8');
    const unknown = await put('bad', [{ ...SEGS[0], bogus: 1 }]);
    assert.equal(await text(unknown), 'Index 0: extraneous keys "bogus"\n');
    assert.equal(header(unknown, 'content-type'), 'text/plain');
    const badEtag = await put('bad', [{ ...SEGS[0], etag: '3ddb068de95c1c3ea2dedeecd0fe5613' }]);
    assert.equal(badEtag.status, 400);
    assert.equal(await text(badEtag), 'Errors:\nseg/seg0, Etag Mismatch\n');
    const badSize = await put('bad', [{ ...SEGS[0], size_bytes: 11 }]);
    assert.equal(await text(badSize), 'Errors:\nseg/seg0, Size Mismatch\n');
    const missing = await put('bad', [{ path: 'seg/nope' }]);
    assert.equal(await text(missing), 'Errors:\nseg/nope, 404 Not Found\n');
    const wrong = await put('bad', SEGS, { etag: '3ddb068de95c1c3ea2dedeecd0fe5613' });
    assert.equal(wrong.status, 422);
    const right = await put('good', SEGS, { etag: 'a9ec7544624615089baf421254c0de30' });
    assert.equal(right.status, 201);
    const json = await put('bad', [{ path: 'seg/nope' }], { accept: 'application/json' });
    assert.deepEqual(JSON.parse(await text(json)), { Errors: [['seg/nope', '404 Not Found']] });
    assert.equal(proxy.getObject('AUTH_p', 'c', 'bad'), undefined);
    const reserved = await app(request('PUT', `${A}/c/x`, { 'x-static-large-object': 'True' }, 'data'));
    assert.equal(reserved.status, 400);
    const noLength = await app({ ...request('PUT', `${A}/c/x?multipart-manifest=put`), headers: {} });
    assert.equal(noLength.status, 411);
  });

  it('validates manifests as parse_and_validate_input does', () => {
    const bad = (body: string, msg: string): void => {
      assert.throws(() => parseManifest(Buffer.from(body), 'AUTH_p', 'v1', '/v1/AUTH_p/c/o'), (e: unknown) => e instanceof ManifestError && e.message === msg);
    };
    bad('{}', 'Manifest must be a list.\n');
    bad('[1]', 'Index 0: not a JSON object\n');
    bad('[{"etag": "x"}]', "Index 0: expected keys to include one of 'data' or 'path'\n");
    bad('[{"path": 5}]', 'Index 0: "path" must be a string\n');
    bad('[{"path": "c"}]', 'Index 0: path does not refer to an object. Path must be of the form /container/object.\n');
    bad('[{"path": "c/o"}]', 'Index 0: manifest must not include itself as a segment\n');
    bad('[{"path": "c/x", "size_bytes": "many"}]', 'Index 0: invalid size_bytes\n');
    bad('[{"path": "c/x", "size_bytes": 0}, {"path": "c/y"}]', 'Index 0: too small; each segment must be at least 1 byte.\n');
    bad('[{"path": "c/x", "range": "5-2"}]', 'Index 0: invalid range\n');
    bad('[{"path": "c/x", "range": "1-2,4-5"}]', 'Index 0: multiple ranges (only one allowed)\n');
    bad('[{"path": "c/x", "range": "10-", "size_bytes": 5}]', 'Index 0: unsatisfiable range\n');
    bad('[{"data": "!!"}]', 'Index 0: data must be valid base64\n');
    bad('[{"data": "YWJj"}]', 'Inline data segments require at least one object-backed segment.\n');
    bad('[{"path": 1}, {"path": "c"}]', 'Index 0: "path" must be a string\nIndex 1: path does not refer to an object. Path must be of the form /container/object.\n');
    assert.equal(sloEtag([{ hash: 'a' }, { hash: 'b', range: '0-1' }]), createHash('md5').update('ab:0-1;').digest('hex'));
  });

  it('inline data segments are served and hashed', async () => {
    const res = await put('d', [{ data: Buffer.from('xy').toString('base64') }, { path: 'seg/seg2' }]);
    assert.equal(res.status, 201);
    const expected = createHash('md5').update(createHash('md5').update('xy').digest('hex') + '67c762276bced09ee4df0ed537d164ea').digest('hex');
    assert.equal(header(res, 'etag'), `"${expected}"`);
    assert.equal(await text(await app(request('GET', `${A}/c/d`))), 'xyccccc');
  });

  it('serves the manifest itself with ?multipart-manifest=get, and the PUT format with format=raw', async () => {
    await put('slo', SEGS);
    const res = await app(request('GET', `${A}/c/slo?multipart-manifest=get`));
    assert.equal(header(res, 'content-type'), 'application/json; charset=utf-8');
    const segs = JSON.parse(await text(res)) as { name: string; bytes: number }[];
    assert.deepEqual(segs.map((s) => [s.name, s.bytes]), [['/seg/seg0', 10], ['/seg/seg1', 20], ['/seg/seg2', 5]]);
    const raw = await app(request('GET', `${A}/c/slo?multipart-manifest=get&format=raw`));
    const rawText = await text(raw);
    assert.equal(rawText.slice(0, 84), '[{"etag": "e09c80c42fda55f9d992e59ca6b3307d", "path": "/seg/seg0", "size_bytes": 10}');
    assert.equal(header(raw, 'etag'), createHash('md5').update(rawText).digest('hex'));
    assert.equal(header(raw, 'content-length'), String(Buffer.byteLength(rawText)));
    // The raw form can be PUT back as a manifest.
    assert.equal((await put('again', rawText)).status, 201);
  });

  it('heartbeat=on answers 202 with the report after a space', async () => {
    const res = await put('hb', SEGS, {}, 'multipart-manifest=put&heartbeat=on');
    assert.equal(res.status, 202);
    const body = await text(res);
    assert.match(body, /^ \r\n\r\nEtag: "a9ec7544624615089baf421254c0de30"\nLast Modified: .+ GMT\nResponse Body: \nResponse Status: 201 Created\nErrors:\n$/);
    const bad = await put('hb2', [{ path: 'seg/nope' }], {}, 'multipart-manifest=put&heartbeat=on');
    assert.equal(bad.status, 202);
    assert.match(await text(bad), /Response Status: 400 Bad Request\nErrors:\nseg\/nope, 404 Not Found\n$/);
  });

  it('a manifest whose first segment is gone answers 409 before any body', async () => {
    await put('slo', SEGS);
    proxy.accounts.get('AUTH_p')!.containers.get('seg')!.objects.delete('seg0');
    const res = await app(request('GET', `${A}/c/slo`));
    assert.equal(res.status, 409);
    assert.equal(await text(res), fixture('slo-get-broken').response.bodyText);
  });

  it('a segment changed mid-way ends the body early', async () => {
    await put('slo', SEGS);
    proxy.putObject('AUTH_p', 'seg', 'seg1', 'X'.repeat(20));
    const res = await app(request('GET', `${A}/c/slo`));
    assert.equal(res.status, 200);
    await assert.rejects(text(res));
  });

  it('nested SLOs are expanded (with ranges)', async () => {
    await put('inner', SEGS);
    const res = await put('outer', [{ path: 'c/inner', range: '30-34' }, { path: 'seg/seg0' }]);
    assert.equal(res.status, 201);
    const stored = JSON.parse(proxy.getObject('AUTH_p', 'c', 'outer')!.data.toString()) as { sub_slo?: boolean; bytes: number; hash: string }[];
    assert.equal(stored[0]!.sub_slo, true);
    assert.equal(stored[0]!.bytes, 35);
    assert.equal(stored[0]!.hash, 'a9ec7544624615089baf421254c0de30');
    const get = await app(request('GET', `${A}/c/outer`));
    assert.equal(await text(get), 'ccccc' + 'a'.repeat(10));
    assert.equal(header(get, 'content-length'), '15');
  });

  it('DELETE ?multipart-manifest=delete removes segments then the manifest, with a report', async () => {
    await put('slo', SEGS);
    const res = await app(request('DELETE', `${A}/c/slo?multipart-manifest=delete`, { accept: 'application/json' }));
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-type'), 'application/json');
    assert.equal(header(res, 'content-length'), undefined);
    assert.equal(await text(res), fixture('slo-delete').response.bodyText);
    assert.equal(proxy.getObject('AUTH_p', 'seg', 'seg0'), undefined);
    assert.equal(proxy.getObject('AUTH_p', 'c', 'slo'), undefined);
  });

  it('a plain-text delete report counts segments already gone as not found', async () => {
    await put('slo', SEGS);
    proxy.accounts.get('AUTH_p')!.containers.get('seg')!.objects.clear();
    const res = await app(request('DELETE', `${A}/c/slo?multipart-manifest=delete`));
    assert.equal(header(res, 'content-type'), 'text/plain');
    assert.equal(await text(res), fixture('slo-delete-plain-accept').response.bodyText);
  });

  it('plain DELETE leaves the segments; deleting a non-SLO with multipart-manifest=delete fails in the report', async () => {
    await put('slo', SEGS);
    assert.equal((await app(request('DELETE', `${A}/c/slo`))).status, 204);
    assert.ok(proxy.getObject('AUTH_p', 'seg', 'seg0'));
    const res = await app(request('DELETE', `${A}/seg/seg0?multipart-manifest=delete`, { accept: 'application/json' }));
    const report = JSON.parse(await text(res)) as Record<string, unknown>;
    assert.equal(report['Response Status'], '400 Bad Request');
    assert.deepEqual(report.Errors, [['/seg/seg0', 'Not an SLO manifest']]);
    assert.ok(proxy.getObject('AUTH_p', 'seg', 'seg0'));
  });
});

describe('slo response headers', () => {
  it('come in the recorded order', async () => {
    const proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    proxy.putObject('AUTH_p', 'c', 's', 'x'.repeat(35));
    const ctx = testContext(proxy);
    const app = pipelineOf([slo(ctx), dlo(ctx)], proxy.handler);
    await app(request('PUT', `${A}/c/slo?multipart-manifest=put`, { 'content-type': 'text/plain' }, JSON.stringify([{ path: 'c/s' }])));
    const res = await app(request('GET', `${A}/c/slo`, { range: 'bytes=8-12' }));
    const recorded = Object.keys(fixture('slo-get-range').response.headers).filter((k) => !['X-Trans-Id', 'X-Openstack-Request-Id', 'Date'].includes(k));
    assert.deepEqual(Object.keys(res.headers), recorded);
  });
});

describe('plain objects through slo and dlo', () => {
  it('keep their own Range and conditional answers', async () => {
    const proxy = new FakeProxy();
    proxy.putContainer('AUTH_p', 'c');
    const o = proxy.putObject('AUTH_p', 'c', 'plain', 'hello swift\n');
    const ctx = testContext(proxy);
    const app = pipelineOf([slo(ctx), dlo(ctx)], proxy.handler);
    const ranged = await app(request('GET', `${A}/c/plain`, { range: 'bytes=0-4' }));
    assert.equal(ranged.status, 206);
    assert.equal(await text(ranged), 'hello');
    assert.equal(header(ranged, 'etag'), o.etag);
    assert.equal((await app(request('GET', `${A}/c/plain`, { 'if-match': 'nope' }))).status, 412);
    assert.equal((await app(request('HEAD', `${A}/c/plain`, { 'if-none-match': o.etag }))).status, 304);
    assert.equal((await app(request('GET', `${A}/c/missing`, { range: 'bytes=0-1' }))).status, 404);
  });
});
