/** Bulk extract-archive and the streaming tar reader: files, pax attributes, long names, gzip, broken archives. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { bulk } from '../../../reference-cloud/object-storage/middleware/bulk';
import { tarEntries } from '../../../reference-cloud/object-storage/middleware/tar-reader';
import { FakeProxy, fakeAuth, pipelineOf, request, testContext, text } from './mw-fake-proxy';

/** One ustar header block (with checksum) for `name` of `size` bytes and type `type`. */
function header(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
function entry(name: string, data: string | Buffer, type = '0'): Buffer {
  const d = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([header(name, d.length, type), pad(d)]);
}
function paxEntry(records: Record<string, string>): Buffer {
  const body = Buffer.concat(Object.entries(records).map(([k, v]) => {
    const rec = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rec);
    len += String(len + String(len).length).length;
    return Buffer.from(`${len}${rec}`);
  }));
  return entry('PaxHeader', body, 'x');
}
const tar = (...entries: Buffer[]): Buffer => Buffer.concat([...entries, Buffer.alloc(1024)]);

describe('tar reader', () => {
  it('reads files, directories, pax paths and attributes, GNU long names', async () => {
    const long = `c/${'x'.repeat(150)}`;
    const archive = tar(
      entry('c/a.txt', 'hello'),
      entry('c/dir/', '', '5'),
      paxEntry({ path: 'c/日本.txt', 'SCHILY.xattr.user.meta.color': 'blue' }),
      entry('ignored-name', 'utf8'),
      entry('././@LongLink', `${long}\0`, 'L'),
      entry(long.slice(0, 100), 'long'),
    );
    const seen: [string, string, string, Record<string, string>][] = [];
    for await (const e of tarEntries(Readable.from([archive.subarray(0, 700), archive.subarray(700)]))) {
      const chunks: Buffer[] = [];
      for await (const c of e.body) chunks.push(c as Buffer);
      seen.push([e.name, e.type, Buffer.concat(chunks).toString(), e.pax]);
    }
    assert.deepEqual(seen, [
      ['c/a.txt', '0', 'hello', {}],
      ['c/dir/', '5', '', {}],
      ['c/日本.txt', '0', 'utf8', { 'SCHILY.xattr.user.meta.color': 'blue' }],
      [long, '0', 'long', {}],
    ]);
  });

  it('skips what a consumer leaves unread, and fails on garbage and truncation', async () => {
    const archive = tar(entry('a/1', 'x'.repeat(2000)), entry('a/2', 'second'));
    const names: string[] = [];
    for await (const e of tarEntries(Readable.from([archive]))) names.push(e.name);
    assert.deepEqual(names, ['a/1', 'a/2']);
    await assert.rejects(async () => { for await (const _ of tarEntries(Readable.from([Buffer.alloc(512, 7)]))) void _; }, /invalid header/);
    await assert.rejects(async () => {
      for await (const e of tarEntries(Readable.from([archive.subarray(0, 1000)]))) for await (const _ of e.body) void _;
    }, /unexpected end of data/);
  });
});

describe('extract-archive', () => {
  const setup = () => {
    const proxy = new FakeProxy();
    const app = pipelineOf([bulk(testContext(proxy)), fakeAuth()], proxy.handler);
    return { proxy, app };
  };
  const T = { 'x-auth-token': 'p', accept: 'application/json' };

  it('creates containers and objects, with pax type and metadata; top-level files are ignored', async () => {
    const { proxy, app } = setup();
    const archive = tar(entry('./c1/a.txt', 'hello'), entry('top', 'no'), paxEntry({ 'SCHILY.xattr.user.mime_type': 'text/x-m', 'LIBARCHIVE.xattr.user.meta.Color': 'blue' }), entry('c2/m', 'meta'));
    const res = await app(request('PUT', '/v1/AUTH_p?extract-archive=tar', T, archive));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(await text(res)), { 'Response Status': '201 Created', 'Response Body': '', 'Number Files Created': 2, Errors: [] });
    assert.equal(proxy.getObject('AUTH_p', 'c1', 'a.txt')!.data.toString(), 'hello');
    const m = proxy.getObject('AUTH_p', 'c2', 'm')!;
    assert.equal(m.contentType, 'text/x-m');
    assert.equal(m.headers['x-object-meta-color'], 'blue');
  });

  it('extracts under a container and prefix, gzip too', async () => {
    const { proxy, app } = setup();
    proxy.putContainer('AUTH_p', 'base');
    const res = await app(request('PUT', '/v1/AUTH_p/base/pre/?extract-archive=tar.gz', T, gzipSync(tar(entry('x/y', '1')))));
    assert.equal(JSON.parse(await text(res))['Number Files Created'], 1);
    assert.equal(proxy.getObject('AUTH_p', 'base', 'pre/x/y')!.data.toString(), '1');
  });

  it('reports broken archives, empty ones, unknown formats and strangers', async () => {
    const { app } = setup();
    const bad = JSON.parse(await text(await app(request('PUT', '/v1/AUTH_p?extract-archive=tar', T, Buffer.alloc(600, 1)))));
    assert.equal(bad['Response Status'], '400 Bad Request');
    assert.match(bad['Response Body'], /^Invalid Tar File: /);
    const empty = JSON.parse(await text(await app(request('PUT', '/v1/AUTH_p?extract-archive=tar', T, tar(entry('top', 'x'))))));
    assert.equal(empty['Response Body'], 'Invalid Tar File: No Valid Files');
    const gz = JSON.parse(await text(await app(request('PUT', '/v1/AUTH_p?extract-archive=tar.gz', T, tar(entry('a/b', 'x'))))));
    assert.equal(gz['Response Body'], 'Invalid Tar File: not a gzip file');
    const zip = await app(request('PUT', '/v1/AUTH_p?extract-archive=zip', T, 'x'));
    assert.equal(zip.status, 400);
    assert.equal(await text(zip), 'Unsupported archive format');
    const other = JSON.parse(await text(await app(request('PUT', '/v1/AUTH_q?extract-archive=tar', T, tar(entry('a/b', 'x'))))));
    assert.equal(other['Response Status'], '400 Bad Request');
    assert.deepEqual(other.Errors, [['/v1/AUTH_q/a', '403 Forbidden'], ['a/b', '403 Forbidden']]);
  });
});
