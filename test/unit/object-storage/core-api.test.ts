/**
 * The Swift proxy on the wire (docs/swift-wire-notes.md): accounts, containers, objects,
 * listings, metadata limits, names, ranges and conditionals, info and the special paths.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { NOT_FOUND, page, rawRequest, swift, swiftPath, uniq, useSwiftCloud, type SwiftWorld } from './core-helpers';

const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

describe('swift core: special paths and info', () => {
  let x: SwiftWorld;
  useSwiftCloud((v) => { x = v; });

  it('answers /, /v1, /healthcheck and /info as Swift does', async () => {
    const root = await swift(x.cloud, 'GET', '/');
    assert.equal(root.status, 404);
    assert.equal(root.text, NOT_FOUND);
    assert.match(root.headers['x-trans-id']!, /^tx[0-9a-f]{21}-[0-9a-f]{10}$/);
    assert.equal(root.headers['x-openstack-request-id'], root.headers['x-trans-id']);
    const v1 = await swift(x.cloud, 'GET', '/v1');
    assert.deepEqual([v1.status, v1.text], [412, 'Bad URL']);
    const hc = await swift(x.cloud, 'GET', '/healthcheck');
    assert.deepEqual([hc.status, hc.text, hc.headers['content-type']], [200, 'OK', 'text/plain']);
    const info = await swift(x.cloud, 'GET', '/info');
    assert.equal(info.status, 200);
    assert.equal(info.headers['content-type'], 'application/json; charset=UTF-8');
    assert.ok(info.text.startsWith('{"swift": {"version": "2.30.1", "strict_cors_mode": true, "policies": [{"name": "Policy-0", "aliases": "Policy-0, yellow, orange", "default": true}]'), info.text);
    const body = JSON.parse(info.text);
    assert.equal(body.swift.max_file_size, 5368709122);
    const head = await swift(x.cloud, 'HEAD', '/info');
    assert.deepEqual([head.status, head.headers['content-length'], head.text], [200, String(info.body.length), '']);
    const opt = await swift(x.cloud, 'OPTIONS', '/info');
    assert.equal(opt.headers.allow, 'HEAD, GET, OPTIONS');
    assert.equal((await swift(x.cloud, 'GET', '/info?swiftinfo_sig=x')).status, 403);
  });
});

describe('swift core: auth', () => {
  let x: SwiftWorld;
  useSwiftCloud((v) => { x = v; });

  it('answers an anonymous caller 401 with both challenges and Swift\'s page', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const r = await swift(x.cloud, 'GET', x.acct, { token });
      assert.equal(r.status, 401);
      assert.equal(r.text, page('Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'));
      const challenges = r.raw.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v);
      assert.deepEqual(challenges.sort(), [`Keystone uri="${x.cloud.authUrl.replace(/\/v3$/, '')}"`, `Swift realm="AUTH_${x.projectId}"`].sort());
    }
    const head = await swift(x.cloud, 'HEAD', x.acct);
    assert.deepEqual([head.status, head.headers['content-length'], head.text], [401, '0', '']);
  });

  it('refuses another project and another reseller prefix with 403', async () => {
    const r = await swift(x.cloud, 'GET', x.acct, { token: x.other.token });
    assert.deepEqual([r.status, r.text], [403, page('Forbidden', 'Access was denied to this resource.')]);
    assert.equal((await swift(x.cloud, 'GET', `/v1/XYZ_${x.projectId}`, { token: x.token })).status, 403);
  });

  it('gives a reader-only user nothing (Zed: project_reader_roles is empty)', async () => {
    const reader = await x.w.member('reader', x.projectId);
    assert.equal((await swift(x.cloud, 'GET', x.acct, { token: reader.token })).status, 403);
  });
});

describe('swift core: accounts and containers', () => {
  let x: SwiftWorld;
  useSwiftCloud((v) => { x = v; });

  it('fakes a fresh account, creates it on the first container and counts', async () => {
    const fresh = await swift(x.cloud, 'HEAD', x.acct, { token: x.token });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers['x-account-container-count'], '0');
    assert.ok(fresh.headers['x-put-timestamp']);
    assert.equal((await swift(x.cloud, 'GET', x.acct, { token: x.token })).status, 204);
    const json = await swift(x.cloud, 'GET', `${x.acct}?format=json`, { token: x.token });
    assert.deepEqual([json.status, json.text], [200, '[]']);
    const xml = await swift(x.cloud, 'GET', `${x.acct}?format=xml`, { token: x.token });
    assert.equal(xml.text, `<?xml version="1.0" encoding="UTF-8"?>\n<account name="AUTH_${x.projectId}">\n</account>`);

    const put = await swift(x.cloud, 'PUT', `${x.acct}/box`, { token: x.token, headers: { 'X-Container-Meta-Color': 'blue' } });
    assert.deepEqual([put.status, put.headers['content-length'], put.headers['content-type']], [201, '0', 'text/html; charset=UTF-8']);
    const again = await swift(x.cloud, 'PUT', `${x.acct}/box`, { token: x.token });
    assert.deepEqual([again.status, again.text], [202, page('Accepted', 'The request is accepted for processing.')]);
    await swift(x.cloud, 'PUT', `${x.acct}/box/o`, { token: x.token, body: 'hello' });
    const head = await swift(x.cloud, 'HEAD', x.acct, { token: x.token });
    assert.equal(head.status, 204);
    assert.equal(head.headers['x-account-container-count'], '1');
    assert.equal(head.headers['x-account-object-count'], '1');
    assert.equal(head.headers['x-account-bytes-used'], '5');
    assert.equal(head.headers['x-account-storage-policy-policy-0-bytes-used'], '5');
    assert.equal(head.headers['x-account-project-domain-id'], 'default');
    assert.equal(head.headers.vary, 'Accept');
    assert.equal(head.headers['x-account-sysmeta-project-domain-id'], undefined, 'sysmeta never reaches a client');
    const list = await swift(x.cloud, 'GET', `${x.acct}?format=json`, { token: x.token });
    const [entry] = JSON.parse(list.text);
    assert.deepEqual(Object.keys(entry), ['name', 'count', 'bytes', 'last_modified']);
    assert.match(entry.last_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(list.headers.vary, undefined, 'no Vary when format= chose');
  });

  it('answers 405 with Allow for account PUT/DELETE and unknown verbs', async () => {
    for (const m of ['PUT', 'DELETE']) {
      const r = await swift(x.cloud, m, x.acct, { token: x.token });
      assert.deepEqual([r.status, r.headers.allow], [405, 'OPTIONS, GET, POST, HEAD']);
    }
    const patch = await swift(x.cloud, 'PATCH', `${x.acct}/box/o`, { token: x.token });
    assert.deepEqual([patch.status, patch.headers.allow], [405, 'OPTIONS, GET, PUT, POST, DELETE, HEAD']);
  });

  it('sets and removes account and container metadata', async () => {
    assert.equal((await swift(x.cloud, 'POST', x.acct, { token: x.token, headers: { 'X-Account-Meta-Temp-URL-Key': 'k', 'X-Account-Access-Control': '{bad' } })).status, 204);
    let h = await swift(x.cloud, 'HEAD', x.acct, { token: x.token });
    assert.equal(h.raw.find(([k]) => k.toLowerCase() === 'x-account-meta-temp-url-key')?.[1], 'k');
    assert.equal(h.headers['x-account-access-control'], undefined);
    await swift(x.cloud, 'POST', x.acct, { token: x.token, headers: { 'X-Remove-Account-Meta-Temp-URL-Key': 'x' } });
    h = await swift(x.cloud, 'HEAD', x.acct, { token: x.token });
    assert.equal(h.headers['x-account-meta-temp-url-key'], undefined);

    const c = uniq();
    await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token, headers: { 'X-Container-Meta-A': '1', 'X-Container-Meta-B': '2' } });
    assert.equal((await swift(x.cloud, 'POST', `${x.acct}/${c}`, { token: x.token, headers: { 'X-Remove-Container-Meta-A': 'x', 'X-Container-Meta-B': '' } })).status, 204);
    const ch = await swift(x.cloud, 'HEAD', `${x.acct}/${c}`, { token: x.token });
    assert.equal(ch.status, 204);
    assert.equal(ch.headers['x-container-meta-a'], undefined);
    assert.equal(ch.headers['x-container-meta-b'], undefined);
    assert.equal(ch.headers['x-storage-policy'], 'Policy-0');
    assert.equal((await swift(x.cloud, 'POST', `${x.acct}/${uniq()}`, { token: x.token })).status, 404);
  });

  it('validates container names, policies and metadata with Swift\'s sentences', async () => {
    const long = await swift(x.cloud, 'PUT', `${x.acct}/${'c'.repeat(257)}`, { token: x.token });
    assert.deepEqual([long.status, long.text], [400, 'Container name length of 257 longer than 256']);
    const pol = await swift(x.cloud, 'PUT', `${x.acct}/${uniq()}`, { token: x.token, headers: { 'X-Storage-Policy': 'nope' } });
    assert.deepEqual([pol.status, pol.text], [400, "Invalid X-Storage-Policy 'nope'"]);
    const c = uniq();
    await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token });
    assert.equal((await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token, headers: { 'X-Storage-Policy': 'yellow' } })).status, 202);
    const meta = await swift(x.cloud, 'PUT', `${x.acct}/${uniq()}`, { token: x.token, headers: { 'X-Container-Meta-N': 'v'.repeat(257) } });
    assert.deepEqual([meta.status, meta.text], [400, 'Metadata value longer than 256: x-container-meta-N']);
  });

  it('deletes empty containers only', async () => {
    const c = uniq();
    await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token });
    await swift(x.cloud, 'PUT', `${x.acct}/${c}/o`, { token: x.token, body: 'x' });
    const busy = await swift(x.cloud, 'DELETE', `${x.acct}/${c}`, { token: x.token });
    assert.deepEqual([busy.status, busy.text], [409, page('Conflict', 'There was a conflict when trying to complete your request.')]);
    await swift(x.cloud, 'DELETE', `${x.acct}/${c}/o`, { token: x.token });
    assert.equal((await swift(x.cloud, 'DELETE', `${x.acct}/${c}`, { token: x.token })).status, 204);
    assert.equal((await swift(x.cloud, 'DELETE', `${x.acct}/${c}`, { token: x.token })).status, 404);
  });
});

describe('swift core: listings', () => {
  let x: SwiftWorld;
  let c: string;
  useSwiftCloud((v) => { x = v; });

  it('lists in plain, json and xml with Swift\'s shapes', async () => {
    c = uniq('list');
    await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token });
    for (const n of ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c.txt', 'd/', 'eé.txt', 'f']) {
      const r = await swift(x.cloud, 'PUT', `${x.acct}/${c}/${encodeURIComponent(n).replace(/%2F/g, '/')}`, { token: x.token, body: n, headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 201);
    }
    const plain = await swift(x.cloud, 'GET', `${x.acct}/${c}`, { token: x.token });
    assert.equal(plain.text, 'a.txt\nb/1.txt\nb/2.txt\nb/c/3.txt\nc.txt\nd/\neé.txt\nf\n');
    assert.equal(plain.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(plain.headers.vary, 'Accept');
    assert.equal(plain.headers['x-container-object-count'], '8');
    const json = await swift(x.cloud, 'GET', `${x.acct}/${c}?format=json&delimiter=/`, { token: x.token });
    assert.match(json.text, /^\[\{"bytes": 5, "hash": "[0-9a-f]{32}", "name": "a.txt", "content_type": "text\/plain", "last_modified": "[^"]+"\}, \{"subdir": "b\/"\}/);
    assert.ok(json.text.includes('"name": "e\\u00e9.txt"'), 'non-ASCII escaped as json.dumps does');
    assert.deepEqual(JSON.parse(json.text).map((e: { name?: string; subdir?: string }) => e.name ?? e.subdir), ['a.txt', 'b/', 'c.txt', 'd/', 'eé.txt', 'f']);
    const xml = await swift(x.cloud, 'GET', `${x.acct}/${c}?format=xml&delimiter=/&prefix=b/`, { token: x.token });
    assert.match(xml.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<container name="list-[^"]+"><object><name>b\/1.txt<\/name><hash>[0-9a-f]{32}<\/hash><bytes>7<\/bytes><content_type>text\/plain<\/content_type><last_modified>[^<]+<\/last_modified><\/object>/);
    assert.ok(xml.text.endsWith('<subdir name="b/c/"><name>b/c/</name></subdir></container>'));
  });

  it('negotiates by Accept (406 when nothing fits) and answers empty plain listings 204', async () => {
    const acc = await swift(x.cloud, 'GET', `${x.acct}/${c}`, { token: x.token, headers: { Accept: 'application/json' } });
    assert.equal(acc.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(acc.headers.vary, 'Accept');
    const textXml = await swift(x.cloud, 'GET', `${x.acct}/${c}`, { token: x.token, headers: { Accept: 'text/xml' } });
    assert.equal(textXml.headers['content-type'], 'text/xml; charset=utf-8');
    const no = await swift(x.cloud, 'GET', `${x.acct}/${c}`, { token: x.token, headers: { Accept: 'image/png' } });
    assert.equal(no.status, 406);
    const empty = await swift(x.cloud, 'GET', `${x.acct}/${c}?prefix=zz`, { token: x.token });
    assert.deepEqual([empty.status, empty.headers['content-length']], [204, '0']);
    const emptyXml = await swift(x.cloud, 'GET', `${x.acct}/${c}?prefix=zz&format=xml`, { token: x.token });
    assert.ok(emptyXml.text.endsWith(`<container name="${c}" />`));
    const yaml = await swift(x.cloud, 'GET', `${x.acct}/${c}?format=yaml`, { token: x.token });
    assert.equal(yaml.headers['content-type'], 'text/plain; charset=utf-8');
    const head = await swift(x.cloud, 'HEAD', `${x.acct}/${c}`, { token: x.token, headers: { Accept: 'application/json' } });
    assert.deepEqual([head.status, head.headers['content-type']], [204, 'application/json; charset=utf-8']);
  });

  it('applies limit (412 past the maximum), markers, reverse and path', async () => {
    const get = async (qs: string): Promise<string> => (await swift(x.cloud, 'GET', `${x.acct}/${c}?${qs}`, { token: x.token })).text;
    assert.equal(await get('limit=2'), 'a.txt\nb/1.txt\n');
    assert.equal(await get('limit=x'), (await get('')));
    const big = await swift(x.cloud, 'GET', `${x.acct}/${c}?limit=10001`, { token: x.token });
    assert.deepEqual([big.status, big.text], [412, 'Maximum limit is 10000']);
    assert.equal(await get('marker=b/2.txt&end_marker=c.txt'), 'b/c/3.txt\n');
    assert.equal(await get('reverse=on&marker=c.txt'), 'b/c/3.txt\nb/2.txt\nb/1.txt\na.txt\n');
    assert.equal(await get('path=b'), 'b/1.txt\nb/2.txt\n');
    assert.equal(await get('delimiter=/&reverse=yes'), 'f\neé.txt\nd/\nc.txt\nb/\na.txt\n');
  });
});

describe('swift core: objects', () => {
  let x: SwiftWorld;
  let c: string;
  useSwiftCloud((v) => { x = v; });
  const o = (name: string): string => `${x.acct}/${c}/${name}`;

  it('stores and serves an object with its metadata and Swift\'s headers', async () => {
    c = uniq();
    await swift(x.cloud, 'PUT', `${x.acct}/${c}`, { token: x.token });
    const put = await swift(x.cloud, 'PUT', o('hello.txt'), { token: x.token, body: 'hello swift\n', headers: { 'Content-Type': 'text/plain', 'X-Object-Meta-Kind': 'greeting' } });
    assert.equal(put.status, 201);
    assert.equal(put.headers.etag, '3ddb068de95c1c3ea2dedeecd0fe5613');
    assert.equal(put.headers['x-timestamp'], undefined);
    const get = await swift(x.cloud, 'GET', o('hello.txt'), { token: x.token });
    assert.equal(get.text, 'hello swift\n');
    assert.deepEqual(get.raw.map(([k]) => k.toLowerCase()).filter((k) => !['x-openstack-request-id', 'x-trans-id', 'date', 'connection', 'keep-alive'].includes(k)),
      ['content-type', 'x-object-meta-kind', 'etag', 'last-modified', 'x-timestamp', 'accept-ranges', 'content-length']);
    const ts = Number(get.headers['x-timestamp']);
    assert.match(get.headers['x-timestamp']!, /^\d{10}\.\d{5}$/);
    assert.equal(get.headers['last-modified'], new Date(Math.ceil(ts) * 1000).toUTCString(), 'Last-Modified rounds the timestamp up');
    const head = await swift(x.cloud, 'HEAD', o('hello.txt'), { token: x.token });
    assert.deepEqual([head.status, head.headers['content-length'], head.text], [200, '12', '']);
  });

  it('guesses the Content-Type, honours X-Detect-Content-Type, keeps Content-Encoding', async () => {
    await swift(x.cloud, 'PUT', o('guess.json'), { token: x.token, body: '{}' });
    assert.equal((await swift(x.cloud, 'HEAD', o('guess.json'), { token: x.token })).headers['content-type'], 'application/json');
    await swift(x.cloud, 'PUT', o('x.unknownext'), { token: x.token, body: '{}' });
    assert.equal((await swift(x.cloud, 'HEAD', o('x.unknownext'), { token: x.token })).headers['content-type'], 'application/octet-stream');
    await swift(x.cloud, 'PUT', o('detect.html'), { token: x.token, body: '<p>', headers: { 'Content-Type': 'application/x-foo', 'X-Detect-Content-Type': 'true' } });
    assert.equal((await swift(x.cloud, 'HEAD', o('detect.html'), { token: x.token })).headers['content-type'], 'text/html');
    await swift(x.cloud, 'PUT', o('enc.txt'), { token: x.token, body: 'x', headers: { 'Content-Encoding': 'gzip', 'Content-Disposition': 'attachment; filename="x.txt"' } });
    const h = await swift(x.cloud, 'HEAD', o('enc.txt'), { token: x.token });
    assert.deepEqual([h.headers['content-encoding'], h.headers['content-disposition']], ['gzip', 'attachment; filename="x.txt"']);
  });

  it('checks lengths, ETags and If-None-Match before and after reading', async () => {
    const noLen = await rawRequest(x.cloud, `PUT ${swiftPath(x.cloud)}${o('nolen')} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${x.token}\r\nConnection: close\r\n\r\n`);
    assert.deepEqual([noLen.status, noLen.text], [411, 'Missing Content-Length header.']);
    const huge = await rawRequest(x.cloud, `PUT ${swiftPath(x.cloud)}${o('huge')} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${x.token}\r\nContent-Length: 5368709123\r\nConnection: close\r\n\r\n`);
    assert.deepEqual([huge.status, huge.text], [413, 'Your request is too large.']);
    const bad = await swift(x.cloud, 'PUT', o('bad-etag'), { token: x.token, body: 'hello', headers: { ETag: md5('other') } });
    assert.equal(bad.status, 422);
    assert.equal((await swift(x.cloud, 'HEAD', o('bad-etag'), { token: x.token })).status, 404);
    assert.equal((await swift(x.cloud, 'PUT', o('good-etag'), { token: x.token, body: 'hello', headers: { ETag: `"${md5('hello')}"` } })).status, 201);
    assert.equal((await swift(x.cloud, 'PUT', o('good-etag'), { token: x.token, body: 'x', headers: { 'If-None-Match': '*' } })).status, 412);
    const inm = await swift(x.cloud, 'PUT', o('other'), { token: x.token, body: 'x', headers: { 'If-None-Match': md5('x') } });
    assert.deepEqual([inm.status, inm.text], [400, 'If-None-Match only supports *']);
    const chunked = await swift(x.cloud, 'PUT', o('chunked'), { token: x.token, body: 'chunky', chunked: true, headers: { 'Transfer-Encoding': 'chunked' } });
    assert.deepEqual([chunked.status, chunked.headers.etag], [201, md5('chunky')]);
    assert.equal((await swift(x.cloud, 'PUT', `${x.acct}/${uniq()}/o`, { token: x.token, body: 'x' })).status, 404);
  });

  it('enforces metadata limits with Swift\'s sentences', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ [`X-Object-Meta-${'n'.repeat(129)}`]: 'v' }, `Metadata name too long: x-object-meta-N${'n'.repeat(128)}`],
      [{ 'X-Object-Meta-N': 'v'.repeat(257) }, 'Metadata value longer than 256: x-object-meta-N'],
      [Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`X-Object-Meta-K${i}`, 'v'])), 'Too many metadata items; max 90'],
      [Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-Object-Meta-K${i}`, 'v'.repeat(250)])), 'Total metadata too large; max 4096'],
    ];
    for (const [headers, text] of cases) {
      const r = await swift(x.cloud, 'PUT', o('badmeta'), { token: x.token, body: 'x', headers });
      assert.deepEqual([r.status, r.text, r.headers['content-type']], [400, text, 'text/plain']);
    }
    assert.equal((await swift(x.cloud, 'HEAD', o('badmeta'), { token: x.token })).status, 404, 'a refused PUT stores nothing');
  });

  it('POST replaces user metadata, keeps the data, changes the timestamp', async () => {
    await swift(x.cloud, 'PUT', o('p.txt'), { token: x.token, body: 'data', headers: { 'Content-Type': 'text/plain', 'X-Object-Meta-Kind': 'k' } });
    const before = await swift(x.cloud, 'HEAD', o('p.txt'), { token: x.token });
    const post = await swift(x.cloud, 'POST', o('p.txt'), { token: x.token, headers: { 'X-Object-Meta-Color': 'red', 'Content-Type': 'text/x-changed' } });
    assert.deepEqual([post.status, post.text], [202, page('Accepted', 'The request is accepted for processing.')]);
    const after = await swift(x.cloud, 'HEAD', o('p.txt'), { token: x.token });
    assert.equal(after.headers['x-object-meta-kind'], undefined);
    assert.equal(after.headers['x-object-meta-color'], 'red');
    assert.equal(after.headers['content-type'], 'text/x-changed');
    assert.equal(after.headers.etag, before.headers.etag);
    assert.ok(Number(after.headers['x-timestamp']) > Number(before.headers['x-timestamp']));
    assert.equal((await swift(x.cloud, 'POST', o('missing'), { token: x.token })).status, 404);
  });

  it('expires objects: X-Delete-After, past dates refused, POST can set and clear', async () => {
    const bad = await swift(x.cloud, 'PUT', o('exp'), { token: x.token, body: 'x', headers: { 'X-Delete-After': 'soon' } });
    assert.deepEqual([bad.status, bad.text], [400, 'Non-integer X-Delete-After']);
    const past = await swift(x.cloud, 'PUT', o('exp'), { token: x.token, body: 'x', headers: { 'X-Delete-At': '1000' } });
    assert.deepEqual([past.status, past.text], [400, 'X-Delete-At in past']);
    const neg = await swift(x.cloud, 'PUT', o('exp'), { token: x.token, body: 'x', headers: { 'X-Delete-After': '-1' } });
    assert.deepEqual([neg.status, neg.text], [400, 'X-Delete-After in past']);
    await swift(x.cloud, 'PUT', o('exp'), { token: x.token, body: 'x', headers: { 'X-Delete-After': '5' } });
    const h = await swift(x.cloud, 'HEAD', o('exp'), { token: x.token });
    const at = Number(h.headers['x-delete-at']);
    assert.ok(at >= Math.floor(x.cloud.clock.now().getTime() / 1000) + 4);
    x.cloud.clock.advance(6000);
    assert.equal((await swift(x.cloud, 'GET', o('exp'), { token: x.token })).status, 404);
    assert.equal((await swift(x.cloud, 'POST', o('exp'), { token: x.token })).status, 404);
    await swift(x.cloud, 'PUT', o('exp2'), { token: x.token, body: 'x' });
    await swift(x.cloud, 'POST', o('exp2'), { token: x.token, headers: { 'X-Delete-After': '3600' } });
    assert.ok((await swift(x.cloud, 'HEAD', o('exp2'), { token: x.token })).headers['x-delete-at']);
    await swift(x.cloud, 'POST', o('exp2'), { token: x.token, headers: { 'X-Remove-Delete-At': '1' } });
    assert.equal((await swift(x.cloud, 'HEAD', o('exp2'), { token: x.token })).headers['x-delete-at'], undefined);
  });

  it('serves ranges as swob does', async () => {
    await swift(x.cloud, 'PUT', o('r.txt'), { token: x.token, body: 'hello swift\n', headers: { 'Content-Type': 'text/plain' } });
    const get = (range: string) => swift(x.cloud, 'GET', o('r.txt'), { token: x.token, headers: { Range: range } });
    let r = await get('bytes=0-4');
    assert.deepEqual([r.status, r.text, r.headers['content-range']], [206, 'hello', 'bytes 0-4/12']);
    r = await get('bytes=-6');
    assert.deepEqual([r.status, r.headers['content-range']], [206, 'bytes 6-11/12']);
    r = await get('bytes=0-1,6-8');
    const boundary = /^multipart\/byteranges;boundary=([0-9a-f]{32})$/.exec(r.headers['content-type']!)![1];
    assert.equal(r.text, `--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/12\r\n\r\nhe\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 6-8/12\r\n\r\nswi\r\n--${boundary}--`);
    r = await get('bytes=100-200');
    assert.deepEqual([r.status, r.headers['content-range'], r.headers['content-type']], [416, 'bytes */12', 'text/plain']);
    for (const ignored of ['bytes=z-1', 'bytes=5-2']) {
      r = await get(ignored);
      assert.deepEqual([r.status, r.text], [200, 'hello swift\n']);
    }
    const head = await swift(x.cloud, 'HEAD', o('r.txt'), { token: x.token, headers: { Range: 'bytes=0-4' } });
    assert.deepEqual([head.status, head.headers['content-length']], [200, '12']);
  });

  it('evaluates conditional requests', async () => {
    const etag = md5('hello swift\n');
    const get = (headers: Record<string, string>, method = 'GET') => swift(x.cloud, method, o('r.txt'), { token: x.token, headers });
    assert.equal((await get({ 'If-Match': `"${etag}"` })).status, 200);
    assert.equal((await get({ 'If-Match': etag })).status, 200);
    assert.equal((await get({ 'If-Match': '*' })).status, 200);
    const fail = await get({ 'If-Match': '"nope"' });
    assert.deepEqual([fail.status, fail.headers['content-length'], fail.headers.etag, fail.headers['content-type']], [412, '0', etag, 'text/html; charset=UTF-8']);
    assert.equal((await get({ 'If-Match': '"nope"' }, 'HEAD')).status, 412);
    const nm = await get({ 'If-None-Match': etag });
    assert.deepEqual([nm.status, nm.headers.etag, nm.headers['accept-ranges']], [304, etag, 'bytes']);
    const lm = (await get({})).headers['last-modified']!;
    assert.equal((await get({ 'If-Modified-Since': lm })).status, 304);
    assert.equal((await get({ 'If-Modified-Since': 'yesterday' })).status, 200);
    assert.equal((await get({ 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status, 412);
    assert.equal((await get({ 'If-Unmodified-Since': lm })).status, 200);
    const gone = await swift(x.cloud, 'GET', o('missing'), { token: x.token, headers: { 'If-Match': '*' } });
    assert.deepEqual([gone.status, gone.headers['content-length']], [412, '0']);
  });

  it('stores hostile names verbatim, never as paths', async () => {
    const hostile: [string, string][] = [
      ['../../etc/passwd', '../../etc/passwd'], ['a/../b', 'a/../b'], ['./x', './x'], ['/lead//x', '/lead//x'], ['dir/', 'dir/'],
      ['q%3Fx%3D1%26y%23z', 'q?x=1&y#z'], [encodeURIComponent('日本語/ファイル ☃.txt').replace(/%2F/g, '/'), '日本語/ファイル ☃.txt'],
    ];
    const h = uniq('names');
    await swift(x.cloud, 'PUT', `${x.acct}/${h}`, { token: x.token });
    for (const [wire, name] of hostile) {
      const r = await swift(x.cloud, 'PUT', `${x.acct}/${h}/${wire}`, { token: x.token, body: name });
      assert.equal(r.status, 201, wire);
      const g = await swift(x.cloud, 'GET', `${x.acct}/${h}/${wire}`, { token: x.token });
      assert.equal(g.text, name, wire);
    }
    const list = JSON.parse((await swift(x.cloud, 'GET', `${x.acct}/${h}?format=json`, { token: x.token })).text).map((e: { name: string }) => e.name);
    assert.deepEqual([...list].sort(), hostile.map(([, n]) => n).sort());
    assert.equal((await swift(x.cloud, 'GET', `${x.acct}/${h}/a%2F..%2Fb`, { token: x.token })).text, 'a/../b', '%2F is a plain slash');
    const nul = await swift(x.cloud, 'PUT', `${x.acct}/${h}/a%00b`, { token: x.token, body: 'x' });
    assert.deepEqual([nul.status, nul.text], [412, 'Invalid UTF8 or contains NULL']);
    const badUtf8 = await swift(x.cloud, 'PUT', `${x.acct}/${h}/a%FFb`, { token: x.token, body: 'x' });
    assert.deepEqual([badUtf8.status, badUtf8.text], [412, 'Invalid UTF8 or contains NULL']);
    assert.match(badUtf8.headers['x-trans-id']!, /^tx/);
    const long = await swift(x.cloud, 'PUT', `${x.acct}/${h}/${'n'.repeat(1025)}`, { token: x.token, body: 'x' });
    assert.deepEqual([long.status, long.text], [400, 'Object name length of 1025 longer than 1024']);
    assert.equal((await swift(x.cloud, 'PUT', `${x.acct}/${h}/${'n'.repeat(1024)}`, { token: x.token, body: 'x' })).status, 201);
  });

  it('keeps sysmeta from clients: the gatekeeper strips it both ways', async () => {
    await swift(x.cloud, 'PUT', o('sys'), { token: x.token, body: 'x', headers: { 'X-Object-Sysmeta-Slo-Etag': 'forged', 'X-Backend-Etag-Is-At': 'X-Object-Sysmeta-Slo-Etag' } });
    const h = await swift(x.cloud, 'HEAD', o('sys'), { token: x.token });
    assert.equal(h.headers['x-object-sysmeta-slo-etag'], undefined);
    assert.equal(h.headers.etag, md5('x'));
  });

  it('deletes objects', async () => {
    const d = await swift(x.cloud, 'DELETE', o('p.txt'), { token: x.token });
    assert.deepEqual([d.status, d.headers['content-length']], [204, '0']);
    assert.equal((await swift(x.cloud, 'DELETE', o('p.txt'), { token: x.token })).status, 404);
    const missing = await swift(x.cloud, 'HEAD', o('p.txt'), { token: x.token });
    assert.deepEqual([missing.status, missing.headers['content-length']], [404, '0']);
  });
});
