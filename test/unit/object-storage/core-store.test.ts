/**
 * The object store below the proxy: listings (prefix, delimiter, markers, reverse, path, paging)
 * in UTF-8 byte order, counters kept exact, data files named by id, orphans swept, expiry, and
 * what an acknowledged write leaves after the store is reopened.
 */
import { describe, it, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { openStore, type ServiceStore } from '../../../reference-cloud/core/store';
import { objectStorageMigrations } from '../../../reference-cloud/object-storage/migrations';
import { defaultSettings } from '../../../reference-cloud/object-storage/settings';
import { ObjectStore, bytesLess, incrementLast, type ListQuery } from '../../../reference-cloud/object-storage/store';
import type { Clock } from '../../../reference-cloud/core/clock';

const log = pino({ level: 'silent' });

function fakeClock(start = Date.UTC(2026, 0, 1)): Clock & { t: number } {
  const c = { t: start, now: () => new Date(c.t), advance: (ms: number) => { c.t += ms; } };
  return c;
}

function open(dir: string, clock: Clock = fakeClock()): { db: ServiceStore; store: ObjectStore } {
  const db = openStore(dir, 'object-storage', objectStorageMigrations, '2025.2');
  return { db, store: new ObjectStore(db, defaultSettings(), clock, log) };
}

async function put(store: ObjectStore, account: string, container: string, name: string, data: string | Buffer, extra: { deleteAt?: number } = {}): Promise<string> {
  const buf = Buffer.from(data);
  const got = await store.receive(Readable.from([buf]), buf.length, 1 << 30);
  assert.ok(!('error' in got), JSON.stringify(got));
  const out = await store.commitObject(account, container, name, got, {
    contentType: 'text/plain', headers: {}, meta: {}, sysmeta: {}, timestamp: store.timestamp(), ...extra,
  }, (_cur, exists) => (exists ? undefined : 'missing'));
  assert.ok('row' in out, JSON.stringify(out));
  return got.fileId;
}

function container(store: ObjectStore, account: string, name: string): void {
  assert.equal(store.putContainer(account, name, store.timestamp(), { change: { meta: {}, sysmeta: {} }, acls: {}, accountSysmeta: {} }), 'created');
}

const names = (entries: unknown[]): string[] => entries.map((e) => (e as { name?: string; subdir?: string }).name ?? `dir:${(e as { subdir: string }).subdir}`);
const q = (o: Partial<ListQuery> = {}): ListQuery => ({ reverse: false, limit: 10000, ...o });

describe('object store: listings', () => {
  let dir: string;
  let db: ServiceStore;
  let store: ObjectStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    ({ db, store } = open(dir));
    container(store, 'AUTH_a', 'list');
    for (const n of ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c.txt', 'd/', 'eé.txt', 'f', '\u{1F600}', '\uFF21']) await put(store, 'AUTH_a', 'list', n, n);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('orders by UTF-8 bytes (an astral character after U+FF21, unlike UTF-16 order)', () => {
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q())),
      ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'c.txt', 'd/', 'eé.txt', 'f', '\uFF21', '\u{1F600}']);
    assert.ok(bytesLess('\uFF21', '\u{1F600}'));
    assert.ok(!('\uFF21' < '\u{1F600}'), 'JavaScript order differs, which is why the store compares bytes');
  });

  it('rolls names up at the delimiter, hiding the object named like its subdir', () => {
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ delimiter: '/' }))),
      ['a.txt', 'dir:b/', 'c.txt', 'dir:d/', 'eé.txt', 'f', '\uFF21', '\u{1F600}']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ delimiter: '/', prefix: 'b/' }))), ['b/1.txt', 'b/2.txt', 'dir:b/c/']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ delimiter: '/c' }))).slice(0, 5), ['a.txt', 'b/1.txt', 'b/2.txt', 'dir:b/c', 'c.txt']);
  });

  it('reverses, with marker counting down and the delimiter mixed in', () => {
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ reverse: true, marker: 'c.txt' }))), ['b/c/3.txt', 'b/2.txt', 'b/1.txt', 'a.txt']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ reverse: true, delimiter: '/', limit: 5 }))),
      ['\u{1F600}', '\uFF21', 'f', 'eé.txt', 'dir:d/']);
  });

  it('applies marker and end_marker exclusively, prefix and path', () => {
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ marker: 'b/2.txt', endMarker: 'c.txt' }))), ['b/c/3.txt']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ prefix: 'b/' }))), ['b/1.txt', 'b/2.txt', 'b/c/3.txt']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ path: 'b' }))), ['b/1.txt', 'b/2.txt']);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ prefix: 'zz' }))), []);
    assert.deepEqual(names(store.listObjects('AUTH_a', 'list', q({ limit: 0 }))), []);
  });

  it('pages with the last name as marker, delimiter included, and sees every entry once', () => {
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = store.listObjects('AUTH_a', 'list', q({ delimiter: '/', limit: 2, ...(marker ? { marker } : {}) }));
      if (page.length === 0) break;
      seen.push(...names(page));
      const last = page[page.length - 1] as { name?: string; subdir?: string };
      marker = last.name ?? last.subdir;
    }
    assert.deepEqual(seen, ['a.txt', 'dir:b/', 'c.txt', 'dir:d/', 'eé.txt', 'f', '\uFF21', '\u{1F600}']);
  });

  it('increments the last code point for range ends', () => {
    assert.equal(incrementLast('b/'), 'b0');
    assert.equal(incrementLast('a\uD7FF'), 'a\uE000');
    assert.equal(incrementLast('x\u{1F600}'), 'x\u{1F601}');
  });

  it('lists containers of an account with counters kept exact', () => {
    container(store, 'AUTH_a', 'other');
    const list = store.listContainers('AUTH_a', q());
    assert.deepEqual(list.map((c) => 'name' in c && [c.name, c.count, c.bytes]), [['list', 10, 50], ['other', 0, 0]]);
    const a = store.account('AUTH_a')!;
    assert.deepEqual([a.containerCount, a.objectCount, a.bytesUsed], [2, 10, 50]);
    assert.deepEqual(names(store.listContainers('AUTH_a', q({ delimiter: 'h', prefix: 'ot' }))), ['dir:oth']);
  });
});

describe('object store: a 100,000-object container pages fast', () => {
  it('serves a page from the middle of the container in milliseconds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    const { db, store } = open(dir);
    try {
      container(store, 'AUTH_big', 'c');
      const ins = db.db.prepare(`INSERT INTO objects (account, container, name, data_timestamp, timestamp, size, etag, content_type, file_id)
        VALUES ('AUTH_big', 'c', ?, '1.00000', '1.00000', 1, 'x', 'text/plain', ?)`);
      db.tx(() => {
        for (let i = 0; i < 100_000; i++) ins.run(`dir${i % 100}/obj-${String(i).padStart(6, '0')}`, i.toString(16).padStart(32, '0'));
      });
      const t0 = performance.now();
      const page = store.listObjects('AUTH_big', 'c', q({ marker: 'dir50/obj-050050', limit: 1000 }));
      const pageMs = performance.now() - t0;
      assert.equal(page.length, 1000);
      const t1 = performance.now();
      const dirs = store.listObjects('AUTH_big', 'c', q({ delimiter: '/' }));
      const dirMs = performance.now() - t1;
      assert.equal(dirs.length, 100, 'one subdir per pseudo-directory, each skipped with one query');
      assert.ok(pageMs < 200, `page took ${pageMs} ms`);
      assert.ok(dirMs < 200, `delimiter listing took ${dirMs} ms`);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('object store: data files, durability and expiry', () => {
  it('names files by id only, even for hostile object names, and replaces them on overwrite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    const outside = join(dir, 'etc');
    mkdirSync(outside);
    const { db, store } = open(join(dir, 'data'));
    try {
      container(store, 'AUTH_a', 'c');
      const f1 = await put(store, 'AUTH_a', 'c', '../../etc/passwd', 'evil');
      await put(store, 'AUTH_a', 'c', '../../../../../../tmp/x', 'evil');
      await put(store, 'AUTH_a', 'c', '/lead//x', 'x');
      assert.deepEqual(readdirSync(outside), [], 'nothing written outside the store');
      assert.ok(existsSync(store.filePath(f1)));
      assert.match(store.filePath(f1), /objects\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
      const f2 = await put(store, 'AUTH_a', 'c', '../../etc/passwd', 'evil again');
      assert.ok(!existsSync(store.filePath(f1)), 'the overwritten data is removed');
      assert.ok(existsSync(store.filePath(f2)));
      assert.equal(store.container('AUTH_a', 'c')!.objectCount, 3);
      assert.equal(store.container('AUTH_a', 'c')!.bytesUsed, 'evil again'.length + 4 + 1);
      assert.ok(store.deleteObject('AUTH_a', 'c', '../../etc/passwd'));
      assert.ok(!existsSync(store.filePath(f2)));
      assert.ok(!store.deleteObject('AUTH_a', 'c', '../../etc/passwd'));
      assert.throws(() => store.filePath('../x'), /not a data file id/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps acknowledged objects across a reopen and sweeps orphans of a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    try {
      let { db, store } = open(dir);
      container(store, 'AUTH_a', 'c');
      const id = await put(store, 'AUTH_a', 'c', 'kept', 'durable bytes');
      store.postAccount('AUTH_a', store.timestamp(), { meta: { color: 'red' }, sysmeta: {} }, {});
      db.close();
      // A crash left a temporary upload and a renamed file no row names.
      writeFileSync(join(dir, 'object-storage', 'objects', 'tmp', 'partial'), 'x');
      mkdirSync(join(dir, 'object-storage', 'objects', 'ab'), { recursive: true });
      const orphan = join(dir, 'object-storage', 'objects', 'ab', 'ab'.padEnd(32, '0'));
      writeFileSync(orphan, 'x');
      ({ db, store } = open(dir));
      const o = store.objectRow('AUTH_a', 'c', 'kept')!;
      assert.equal(o.fileId, id);
      assert.equal(o.etag, createHash('md5').update('durable bytes').digest('hex'));
      const chunks: Buffer[] = [];
      const data = store.openData(o);
      for await (const c of data.read(0, o.size - 1)) chunks.push(c as Buffer);
      data.close();
      assert.equal(Buffer.concat(chunks).toString(), 'durable bytes');
      assert.equal(store.account('AUTH_a')!.meta.color, 'red');
      assert.equal(store.account('AUTH_a')!.objectCount, 1);
      assert.ok(!existsSync(orphan), 'orphaned data file swept');
      assert.deepEqual(readdirSync(join(dir, 'object-storage', 'objects', 'tmp')), []);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hides expired objects at once and sweeps them out of listings and counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    const clock = fakeClock();
    const { db, store } = open(dir, clock);
    try {
      container(store, 'AUTH_a', 'c');
      const at = Math.floor(clock.t / 1000) + 10;
      const id = await put(store, 'AUTH_a', 'c', 'soon', 'bye', { deleteAt: at });
      await put(store, 'AUTH_a', 'c', 'stays', 'hi');
      assert.ok(store.objectRow('AUTH_a', 'c', 'soon'));
      clock.advance(10_000);
      assert.equal(store.objectRow('AUTH_a', 'c', 'soon'), undefined, '404 at once');
      assert.equal(store.listObjects('AUTH_a', 'c', q()).length, 2, 'still listed until the expirer runs, as in Swift');
      assert.equal(store.sweepExpired(), 1);
      assert.deepEqual(names(store.listObjects('AUTH_a', 'c', q())), ['stays']);
      assert.equal(store.container('AUTH_a', 'c')!.objectCount, 1);
      assert.equal(store.account('AUTH_a')!.bytesUsed, 2);
      assert.ok(!existsSync(store.filePath(id)));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses more than the size limit and short bodies without leaving files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    const { db, store } = open(dir);
    try {
      assert.deepEqual(await store.receive(Readable.from([Buffer.alloc(11)]), undefined, 10), { error: 'too-large' });
      assert.deepEqual(await store.receive(Readable.from([Buffer.alloc(5)]), 10, 100), { error: 'short' });
      const files = readdirSync(join(dir, 'object-storage', 'objects'), { recursive: true }).filter((f) => String(f).includes('/'));
      assert.deepEqual(files, []);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a container delete while objects remain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swift-core-'));
    const { db, store } = open(dir);
    try {
      container(store, 'AUTH_a', 'c');
      await put(store, 'AUTH_a', 'c', 'o', 'x');
      assert.equal(store.deleteContainer('AUTH_a', 'c'), 'not-empty');
      store.deleteObject('AUTH_a', 'c', 'o');
      assert.equal(store.deleteContainer('AUTH_a', 'c'), 'deleted');
      assert.equal(store.deleteContainer('AUTH_a', 'c'), 'missing');
      assert.equal(store.account('AUTH_a')!.containerCount, 0);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
