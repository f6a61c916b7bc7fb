/**
 * The object store: metadata in SQLite (accounts, containers, objects with their counters, see
 * migrations.ts) and object data in files named by a random id (`objects/<2 hex>/<32 hex>`),
 * never by the object's name. An upload streams through MD5 into `objects/tmp/`, is fsynced and
 * renamed into place, then committed in one transaction (row and counters together); the file
 * it replaces is removed after the commit. Files no row names (a crash between rename and
 * commit, or between commit and removal) are swept when the store opens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { ServiceStore } from '../core/store';
import type { AccountInfo, ContainerAcls, ContainerInfo, InfoSource } from './context';
import type { ByteSource } from './ranges';
import type { SwiftSettings } from './settings';

export type Meta = Record<string, string>;

export interface AccountRow {
  name: string;
  createdAt: string;
  putTimestamp: string;
  meta: Meta;
  sysmeta: Meta;
  containerCount: number;
  objectCount: number;
  bytesUsed: number;
}

export interface ContainerRow {
  account: string;
  name: string;
  createdAt: string;
  putTimestamp: string;
  storagePolicy: string;
  acls: ContainerAcls;
  meta: Meta;
  sysmeta: Meta;
  objectCount: number;
  bytesUsed: number;
}

export interface ObjectRow {
  account: string;
  container: string;
  name: string;
  dataTimestamp: string;
  timestamp: string;
  size: number;
  etag: string;
  contentType: string;
  /** Stored headers other than metadata, by their Swift names (Content-Encoding...). */
  headers: Record<string, string>;
  meta: Meta;
  sysmeta: Meta;
  deleteAt?: number;
  fileId: string;
}

/** What a container listing shows of an object (the middleware overrides applied). */
export interface ObjectListing {
  name: string;
  bytes: number;
  hash: string;
  contentType: string;
  dataTimestamp: string;
}

export interface ContainerListing {
  name: string;
  count: number;
  bytes: number;
  putTimestamp: string;
}

export type Listed<T> = T | { subdir: string };

export interface ListQuery {
  prefix?: string;
  delimiter?: string;
  marker?: string;
  endMarker?: string;
  /** Container listings only: direct children of this pseudo-directory. */
  path?: string;
  reverse: boolean;
  limit: number;
}

/** What a PUT stores besides the data. */
export interface NewObject {
  contentType: string;
  headers: Record<string, string>;
  meta: Meta;
  sysmeta: Meta;
  deleteAt?: number;
  timestamp: string;
  listing?: { etag?: string; contentType?: string; size?: number };
}

export interface ReceivedData {
  fileId: string;
  size: number;
  md5: string;
}

export type ReceiveResult = ReceivedData | { error: 'too-large' | 'short' | 'disconnected' };

const parse = (s: string): Meta => JSON.parse(s) as Meta;

export class ObjectStore implements InfoSource {
  readonly db: ServiceStore;
  readonly settings: SwiftSettings;
  readonly clock: Clock;
  readonly log: Logger;
  readonly dataDir: string;
  private lastTs = 0;
  private pending: { run: () => () => void; fail: (e: unknown) => void }[] = [];

  constructor(db: ServiceStore, settings: SwiftSettings, clock: Clock, log: Logger) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
    this.log = log;
    this.dataDir = join(db.dir, 'objects');
    mkdirSync(join(this.dataDir, 'tmp'), { recursive: true, mode: 0o700 });
    this.sweepOrphans();
  }

  /**
   * A fresh X-Timestamp (10 µs resolution, strictly increasing within this process), from the
   * request's arrival time: Swift's Timestamp(time.time()).internal.
   */
  timestamp(at: Date = this.clock.now()): string {
    const ticks = Math.max(at.getTime() * 100, this.lastTs + 1);
    this.lastTs = ticks;
    return (ticks / 100000).toFixed(5);
  }

  // ---- accounts ----

  accountRow(name: string): AccountRow | undefined {
    const r = this.db.db.prepare('SELECT * FROM accounts WHERE name = ?').get(name) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      name: r.name as string, createdAt: r.created_at as string, putTimestamp: r.put_timestamp as string,
      meta: parse(r.meta as string), sysmeta: parse(r.sysmeta as string),
      containerCount: r.container_count as number, objectCount: r.object_count as number, bytesUsed: r.bytes_used as number,
    };
  }

  account(name: string): AccountInfo | undefined {
    const a = this.accountRow(name);
    if (!a) return undefined;
    return {
      account: a.name, containerCount: a.containerCount, objectCount: a.objectCount, bytesUsed: a.bytesUsed,
      meta: a.meta, sysmeta: a.sysmeta, createdAt: a.createdAt,
    };
  }

  /** Per storage policy: containers, objects and bytes of an account. */
  policyStats(account: string): { policy: string; containers: number; objects: number; bytes: number }[] {
    return this.db.db.prepare(`SELECT storage_policy AS policy, COUNT(*) AS containers, SUM(object_count) AS objects,
      SUM(bytes_used) AS bytes FROM containers WHERE account = ? GROUP BY storage_policy ORDER BY storage_policy`).all(account) as never;
  }

  /** Creates the account if it does not exist (account_autocreate); call inside a transaction. */
  private ensureAccount(name: string, ts: string, sysmeta: Meta): void {
    this.db.db.prepare(`INSERT INTO accounts (name, created_at, put_timestamp, sysmeta) VALUES (?, ?, ?, ?)
      ON CONFLICT(name) DO NOTHING`).run(name, ts, ts, JSON.stringify(sysmeta));
  }

  /** Account POST: sets and removes metadata (creating the account if needed). */
  postAccount(name: string, ts: string, change: MetaChange, sysmetaOnCreate: Meta): void {
    this.db.tx(() => {
      this.ensureAccount(name, ts, sysmetaOnCreate);
      const a = this.accountRow(name)!;
      this.db.db.prepare('UPDATE accounts SET meta = ?, sysmeta = ? WHERE name = ?')
        .run(JSON.stringify(applyChange(a.meta, change.meta)), JSON.stringify(applyChange(a.sysmeta, change.sysmeta)), name);
    });
  }

  listContainers(account: string, q: ListQuery): Listed<ContainerListing>[] {
    return this.list('containers', 'account = ?', [account], 'name, object_count, bytes_used, put_timestamp', q, (r) => ({
      name: r.name as string, count: r.object_count as number, bytes: r.bytes_used as number, putTimestamp: r.put_timestamp as string,
    }));
  }

  // ---- containers ----

  containerRow(account: string, name: string): ContainerRow | undefined {
    const r = this.db.db.prepare('SELECT * FROM containers WHERE account = ? AND name = ?').get(account, name) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    const acls: ContainerAcls = {};
    if (r.read_acl != null) acls.read = r.read_acl as string;
    if (r.write_acl != null) acls.write = r.write_acl as string;
    return {
      account: r.account as string, name: r.name as string, createdAt: r.created_at as string, putTimestamp: r.put_timestamp as string,
      storagePolicy: r.storage_policy as string, acls, meta: parse(r.meta as string), sysmeta: parse(r.sysmeta as string),
      objectCount: r.object_count as number, bytesUsed: r.bytes_used as number,
    };
  }

  container(account: string, name: string): ContainerInfo | undefined {
    const c = this.containerRow(account, name);
    if (!c) return undefined;
    return {
      account: c.account, container: c.name, objectCount: c.objectCount, bytesUsed: c.bytesUsed, storagePolicy: c.storagePolicy,
      acls: c.acls, meta: c.meta, sysmeta: c.sysmeta, createdAt: c.createdAt,
    };
  }

  /**
   * Container PUT: creates it (`created`), or updates metadata and ACLs of an existing one
   * (`accepted`); `conflict` when it exists under another storage policy.
   */
  putContainer(account: string, name: string, ts: string, opts: { policy?: string; change: MetaChange; acls: AclChange; accountSysmeta: Meta }): 'created' | 'accepted' | 'conflict' {
    return this.db.tx(() => {
      const existing = this.containerRow(account, name);
      if (existing) {
        if (opts.policy !== undefined && opts.policy !== existing.storagePolicy) return 'conflict';
        this.updateContainer(existing, opts.change, opts.acls, ts);
        return 'accepted';
      }
      this.ensureAccount(account, ts, opts.accountSysmeta);
      this.db.db.prepare(`INSERT INTO containers (account, name, created_at, put_timestamp, storage_policy, read_acl, write_acl, meta, sysmeta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        account, name, ts, ts, opts.policy ?? this.settings.policies[0]!.name, opts.acls.read || null, opts.acls.write || null,
        JSON.stringify(applyChange({}, opts.change.meta)), JSON.stringify(applyChange({}, opts.change.sysmeta)),
      );
      this.db.db.prepare('UPDATE accounts SET container_count = container_count + 1 WHERE name = ?').run(account);
      return 'created';
    });
  }

  /** Container POST; false when the container does not exist. */
  postContainer(account: string, name: string, change: MetaChange, acls: AclChange): boolean {
    return this.db.tx(() => {
      const existing = this.containerRow(account, name);
      if (!existing) return false;
      this.updateContainer(existing, change, acls);
      return true;
    });
  }

  private updateContainer(c: ContainerRow, change: MetaChange, acls: AclChange, putTs?: string): void {
    const read = acls.read === undefined ? c.acls.read : acls.read || undefined;
    const write = acls.write === undefined ? c.acls.write : acls.write || undefined;
    this.db.db.prepare(`UPDATE containers SET meta = ?, sysmeta = ?, read_acl = ?, write_acl = ?, put_timestamp = COALESCE(?, put_timestamp)
      WHERE account = ? AND name = ?`).run(
      JSON.stringify(applyChange(c.meta, change.meta)), JSON.stringify(applyChange(c.sysmeta, change.sysmeta)),
      read ?? null, write ?? null, putTs ?? null, c.account, c.name,
    );
  }

  /** Container DELETE: `not-empty` while it holds objects (expired ones not yet swept count, as in Swift). */
  deleteContainer(account: string, name: string): 'deleted' | 'missing' | 'not-empty' {
    return this.db.tx(() => {
      const c = this.containerRow(account, name);
      if (!c) return 'missing';
      if (c.objectCount > 0) return 'not-empty';
      this.db.db.prepare('DELETE FROM containers WHERE account = ? AND name = ?').run(account, name);
      this.db.db.prepare('UPDATE accounts SET container_count = container_count - 1 WHERE name = ?').run(account);
      return 'deleted';
    });
  }

  listObjects(account: string, container: string, q: ListQuery): Listed<ObjectListing>[] {
    return this.list('objects', 'account = ? AND container = ?', [account, container],
      'name, size, etag, content_type, listing_etag, listing_content_type, listing_size, data_timestamp', q, (r) => ({
        name: r.name as string,
        bytes: (r.listing_size as number | null) ?? (r.size as number),
        hash: (r.listing_etag as string | null) ?? (r.etag as string),
        contentType: (r.listing_content_type as string | null) ?? (r.content_type as string),
        dataTimestamp: r.data_timestamp as string,
      }));
  }

  // ---- objects ----

  private objectFromRow(r: Record<string, unknown>): ObjectRow {
    const o: ObjectRow = {
      account: r.account as string, container: r.container as string, name: r.name as string,
      dataTimestamp: r.data_timestamp as string, timestamp: r.timestamp as string, size: r.size as number, etag: r.etag as string,
      contentType: r.content_type as string, headers: parse(r.headers as string), meta: parse(r.meta as string),
      sysmeta: parse(r.sysmeta as string), fileId: r.file_id as string,
    };
    if (r.delete_at != null) o.deleteAt = r.delete_at as number;
    return o;
  }

  /** The object, or undefined when it does not exist or has expired (X-Delete-At passed). */
  objectRow(account: string, container: string, name: string): ObjectRow | undefined {
    const r = this.db.db.prepare('SELECT * FROM objects WHERE account = ? AND container = ? AND name = ?').get(account, container, name) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    const o = this.objectFromRow(r);
    return this.expired(o) ? undefined : o;
  }

  private expired(o: { deleteAt?: number }): boolean {
    return o.deleteAt !== undefined && o.deleteAt * 1000 <= this.clock.now().getTime();
  }

  /**
   * Streams an upload into a temporary file through MD5, fsyncs it and moves it under its id.
   * `length`: the declared Content-Length (undefined: chunked); more than `maxSize` bytes is
   * `too-large`, fewer than declared `short`.
   */
  async receive(body: Readable | undefined, length: number | undefined, maxSize: number): Promise<ReceiveResult> {
    const fileId = randomBytes(16).toString('hex');
    const tmp = join(this.dataDir, 'tmp', fileId);
    const md5 = createHash('md5');
    let size = 0;
    let tooLarge = false;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb: TransformCallback) {
        size += chunk.length;
        if (size > maxSize) {
          tooLarge = true;
          cb(new Error('too large'));
          return;
        }
        md5.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      const source = body ?? emptyStream();
      await pipeline(source, meter, createWriteStream(tmp, { mode: 0o600 }));
      if (length !== undefined && size < length) throw new Error('short');
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const dir = join(this.dataDir, fileId.slice(0, 2));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      renameSync(tmp, this.filePath(fileId));
      // The rename itself must reach the disk before the commit names the file.
      const dh = await open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch (e) {
      rmSync(tmp, { force: true });
      body?.resume();
      if (tooLarge) return { error: 'too-large' };
      if ((e as Error).message === 'short') return { error: 'short' };
      return { error: 'disconnected' };
    }
    return { fileId, size, md5: md5.digest('hex') };
  }

  /**
   * Commits received data as the object (replacing any previous version, counters adjusted in
   * the same transaction). `check` runs inside the transaction against the current object and
   * may refuse (the container vanished, If-None-Match: *); the data file is then removed.
   */
  commitObject(
    account: string, container: string, name: string, data: ReceivedData, obj: NewObject,
    check: (current: ObjectRow | undefined, containerExists: boolean) => string | undefined,
  ): Promise<{ refused: string } | { row: ObjectRow }> {
    let old: string | undefined;
    return this.groupCommit((): { refused: string } | { row: ObjectRow } => {
      const exists = !!this.db.db.prepare('SELECT 1 FROM containers WHERE account = ? AND name = ?').get(account, container);
      const currentRaw = this.db.db.prepare('SELECT * FROM objects WHERE account = ? AND container = ? AND name = ?').get(account, container, name) as Record<string, unknown> | undefined;
      const current = currentRaw ? this.objectFromRow(currentRaw) : undefined;
      const refused = check(current && !this.expired(current) ? current : undefined, exists);
      if (refused) return { refused };
      if (current) {
        this.removeRow(current);
        old = current.fileId;
      }
      const row: ObjectRow = {
        account, container, name, dataTimestamp: obj.timestamp, timestamp: obj.timestamp, size: data.size, etag: data.md5,
        contentType: obj.contentType, headers: obj.headers, meta: obj.meta, sysmeta: obj.sysmeta, fileId: data.fileId,
      };
      if (obj.deleteAt !== undefined) row.deleteAt = obj.deleteAt;
      this.db.db.prepare(`INSERT INTO objects (account, container, name, data_timestamp, timestamp, size, etag, content_type,
        listing_etag, listing_content_type, listing_size, headers, meta, sysmeta, delete_at, file_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        account, container, name, obj.timestamp, obj.timestamp, data.size, data.md5, obj.contentType,
        obj.listing?.etag ?? null, obj.listing?.contentType ?? null, obj.listing?.size ?? null,
        JSON.stringify(obj.headers), JSON.stringify(obj.meta), JSON.stringify(obj.sysmeta), obj.deleteAt ?? null, data.fileId,
      );
      this.count(account, container, 1, data.size);
      return { row };
    }, (out) => {
      if ('refused' in out) this.removeFile(data.fileId);
      else if (old) this.removeFile(old);
    });
  }

  /**
   * Group commit: writes arriving in the same turn of the event loop share one transaction, so
   * one WAL fsync acknowledges them all (an upload's commit is the main thread's largest cost).
   * Each write runs in its own savepoint (a failing one does not undo the others) and is
   * answered, and `after` run, only once the shared transaction is durable.
   */
  private groupCommit<T>(fn: () => T, after: (result: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        run: () => {
          try {
            const result = this.db.db.transaction(fn)();
            return () => {
              after(result);
              resolve(result);
            };
          } catch (e) {
            return () => reject(e);
          }
        },
        fail: reject,
      });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.pending;
    this.pending = [];
    let settles: (() => void)[];
    try {
      settles = this.db.tx(() => jobs.map((job) => job.run()));
    } catch (e) {
      // The shared commit failed: nothing of this group was stored.
      for (const job of jobs) job.fail(e);
      return;
    }
    for (const settle of settles) settle();
  }

  /** Object POST: replaces user metadata, content type, delete-at; false when missing. */
  postObject(account: string, container: string, name: string, update: (o: ObjectRow) => ObjectRow): ObjectRow | undefined {
    return this.db.tx(() => {
      const o = this.objectRow(account, container, name);
      if (!o) return undefined;
      const n = update(o);
      this.db.db.prepare(`UPDATE objects SET timestamp = ?, content_type = ?, headers = ?, meta = ?, sysmeta = ?, delete_at = ?
        WHERE account = ? AND container = ? AND name = ?`).run(
        n.timestamp, n.contentType, JSON.stringify(n.headers), JSON.stringify(n.meta), JSON.stringify(n.sysmeta), n.deleteAt ?? null,
        account, container, name,
      );
      return n;
    });
  }

  /** Object DELETE; false when there was nothing (or only an expired object) to delete. */
  deleteObject(account: string, container: string, name: string): boolean {
    let file: string | undefined;
    const found = this.db.tx(() => {
      const r = this.db.db.prepare('SELECT * FROM objects WHERE account = ? AND container = ? AND name = ?').get(account, container, name) as Record<string, unknown> | undefined;
      if (!r) return false;
      const o = this.objectFromRow(r);
      this.removeRow(o);
      file = o.fileId;
      return !this.expired(o);
    });
    if (file) this.removeFile(file);
    return found;
  }

  /** Removes objects whose X-Delete-At has passed (the object expirer); answers how many. */
  sweepExpired(batch = 1000): number {
    let total = 0;
    for (;;) {
      const nowSec = Math.floor(this.clock.now().getTime() / 1000);
      const files: string[] = [];
      const n = this.db.tx(() => {
        const rows = this.db.db.prepare('SELECT * FROM objects WHERE delete_at IS NOT NULL AND delete_at <= ? LIMIT ?').all(nowSec, batch) as Record<string, unknown>[];
        for (const r of rows) {
          const o = this.objectFromRow(r);
          this.removeRow(o);
          files.push(o.fileId);
        }
        return rows.length;
      });
      for (const f of files) this.removeFile(f);
      total += n;
      if (n < batch) return total;
    }
  }

  private removeRow(o: ObjectRow): void {
    this.db.db.prepare('DELETE FROM objects WHERE account = ? AND container = ? AND name = ?').run(o.account, o.container, o.name);
    this.count(o.account, o.container, -1, -o.size);
  }

  private count(account: string, container: string, objects: number, bytes: number): void {
    this.db.db.prepare('UPDATE containers SET object_count = object_count + ?, bytes_used = bytes_used + ? WHERE account = ? AND name = ?')
      .run(objects, bytes, account, container);
    this.db.db.prepare('UPDATE accounts SET object_count = object_count + ?, bytes_used = bytes_used + ? WHERE name = ?')
      .run(objects, bytes, account);
  }

  // ---- data files ----

  filePath(fileId: string): string {
    if (!/^[0-9a-f]{32}$/.test(fileId)) throw new Error(`not a data file id: ${fileId}`);
    return join(this.dataDir, fileId.slice(0, 2), fileId);
  }

  /**
   * The object's bytes, opened now (a concurrent overwrite or delete then cannot take them
   * away); `close` releases the file once the answer is sent.
   */
  openData(o: ObjectRow): ByteSource & { close(): void } {
    const fd = openSync(this.filePath(o.fileId), 'r');
    let closed = false;
    return {
      length: o.size,
      read: (start, end) => createReadStream('', { fd, start, end, autoClose: false, highWaterMark: 256 * 1024 }),
      close: () => {
        if (closed) return;
        closed = true;
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      },
    };
  }

  /** Removes received data that will not be committed (an ETag mismatch). */
  discard(fileId: string): void {
    this.removeFile(fileId);
  }

  private removeFile(fileId: string): void {
    try {
      rmSync(this.filePath(fileId), { force: true });
    } catch (e) {
      this.log.warn({ err: e, fileId }, 'could not remove an object data file');
    }
  }

  /** Removes temporary files and data files no object names (left by a crash). */
  private sweepOrphans(): void {
    for (const f of readdirSync(join(this.dataDir, 'tmp'))) rmSync(join(this.dataDir, 'tmp', f), { force: true });
    const known = new Set((this.db.db.prepare('SELECT file_id FROM objects').pluck().all() as string[]));
    let removed = 0;
    for (const d of readdirSync(this.dataDir)) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const f of readdirSync(join(this.dataDir, d))) {
        if (known.has(f)) continue;
        rmSync(join(this.dataDir, d, f), { force: true });
        removed++;
      }
    }
    if (removed) this.log.info({ removed }, 'removed orphaned object data files');
  }

  // ---- listings ----

  /**
   * Swift's list_objects_iter (container/backend.py) over one scope of a table: prefix, marker,
   * end_marker, reverse, limit in SQL; a delimiter rolls names up into `subdir` entries and
   * skips past each rolled-up range with one more query, so a page costs O(limit) index seeks.
   */
  private list<T>(
    table: 'containers' | 'objects', scopeSql: string, scopeArgs: unknown[], columns: string, q: ListQuery,
    map: (r: Record<string, unknown>) => T,
  ): Listed<T>[] {
    let { prefix, delimiter, marker, endMarker } = q;
    const { reverse, limit } = q;
    let path = q.path;
    if (reverse) [marker, endMarker] = [endMarker, marker];
    if (path !== undefined) {
      prefix = path;
      if (path) prefix = path = `${path.replace(/\/+$/, '')}/`;
      delimiter = '/';
    } else if (delimiter && !prefix) {
      prefix = '';
    }
    const endPrefix = prefix ? incrementLast(prefix) : undefined;
    const origMarker = marker;
    let forceGte = false;
    const results: Listed<T>[] = [];
    while (results.length < limit) {
      const cond: string[] = [scopeSql];
      const args: unknown[] = [...scopeArgs];
      if (endMarker && (!prefix || bytesLess(endMarker, endPrefix!))) {
        cond.push('name < ?');
        args.push(endMarker);
      } else if (prefix) {
        cond.push('name < ?');
        args.push(endPrefix);
      }
      if (forceGte) {
        cond.push('name >= ?');
        args.push(marker);
        forceGte = false;
      } else if (marker && (!prefix || !bytesLess(marker, prefix))) {
        cond.push('name > ?');
        args.push(marker);
      } else if (prefix) {
        cond.push('name >= ?');
        args.push(prefix);
      }
      const sql = `SELECT ${columns} FROM ${table} WHERE ${cond.join(' AND ')} ORDER BY name ${reverse ? 'DESC' : ''} LIMIT ?`;
      const want = limit - results.length;
      args.push(want);
      const stmt = this.db.db.prepare(sql);
      if (prefix === undefined || !delimiter) return (stmt.all(...args) as Record<string, unknown>[]).map(map);
      // A cursor, as Swift's: a roll-up stops reading at its first row.
      let broke = false;
      let rowCount = 0;
      for (const row of stmt.iterate(...args) as IterableIterator<Record<string, unknown>>) {
        rowCount++;
        const name = row.name as string;
        if (reverse) endMarker = name;
        else marker = name;
        const end = name.indexOf(delimiter, prefix.length);
        if (path !== undefined) {
          if (name === path) continue;
          if (end >= 0 && name.length > end + delimiter.length) {
            if (reverse) endMarker = name.slice(0, end + delimiter.length);
            else marker = name.slice(0, end) + incrementLast(delimiter);
            broke = true;
            break;
          }
        } else if (end >= 0) {
          if (reverse) {
            endMarker = name.slice(0, end + delimiter.length);
          } else {
            marker = name.slice(0, end) + incrementLast(delimiter);
            forceGte = true;
          }
          const dir = name.slice(0, end + delimiter.length);
          if (dir !== origMarker) results.push({ subdir: dir });
          broke = true;
          break;
        }
        results.push(map(row));
      }
      if (!broke && rowCount < want) break;
    }
    return results;
  }

  close(): void {}
}

/** Metadata changes of a write: values to set, names to remove (lower-case, without prefix). */
export interface MetaChange {
  meta: Record<string, string | null>;
  sysmeta: Record<string, string | null>;
}

/** ACL headers of a write: undefined leaves the ACL, '' removes it. */
export interface AclChange {
  read?: string;
  write?: string;
}

export function applyChange(current: Meta, change: Record<string, string | null>): Meta {
  const out = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === null || v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The string with its last code point incremented (Swift's `s[:-1] + chr(ord(s[-1]) + 1)`). */
export function incrementLast(s: string): string {
  const chars = Array.from(s);
  const last = chars.pop()!;
  let cp = last.codePointAt(0)! + 1;
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
  return chars.join('') + String.fromCodePoint(Math.min(cp, 0x10ffff));
}

/** a < b in UTF-8 byte order (SQLite's BINARY collation), not JavaScript's UTF-16 order. */
export function bytesLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

function emptyStream(): Readable {
  const t = new Transform();
  t.end();
  return t;
}
