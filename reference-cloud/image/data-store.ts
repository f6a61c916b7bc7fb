/**
 * Image data on disk: the store (images/<id>) and the staging area (staging/<id>) of the
 * interoperable import. Uploads stream through MD5 and SHA-512 into a temporary file that is
 * fsynced and renamed into place, so a crash never leaves a half-written image behind and no
 * image is ever held whole in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Received {
  size: number;
  md5: string;
  sha512: string;
  /** The first bytes, enough to read a disk image header. */
  head: Buffer;
}

export type Area = 'images' | 'staging';

export class DataStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    for (const d of ['images', 'staging', 'tmp']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
    // Temporary files of uploads a crash interrupted.
    for (const f of readdirSync(join(dir, 'tmp'))) rmSync(join(dir, 'tmp', f), { force: true });
  }

  path(area: Area, id: string): string {
    return join(this.dir, area, id);
  }

  has(area: Area, id: string): boolean {
    return existsSync(this.path(area, id));
  }

  size(area: Area, id: string): number {
    return statSync(this.path(area, id)).size;
  }

  /** Streams `source` into area/id; the file appears only when complete. */
  async receive(source: Readable, area: Area, id: string): Promise<Received> {
    const tmp = join(this.dir, 'tmp', `${id}.${randomBytes(6).toString('hex')}`);
    const md5 = createHash('md5');
    const sha512 = createHash('sha512');
    let size = 0;
    const headParts: Buffer[] = [];
    let headLen = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb: TransformCallback) {
        size += chunk.length;
        md5.update(chunk);
        sha512.update(chunk);
        if (headLen < 512) {
          headParts.push(chunk.subarray(0, 512 - headLen));
          headLen += Math.min(chunk.length, 512 - headLen);
        }
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { mode: 0o600 });
    try {
      await pipeline(source, meter, out);
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      renameSync(tmp, this.path(area, id));
    } catch (e) {
      rmSync(tmp, { force: true });
      source.resume();
      throw e;
    }
    return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex'), head: Buffer.concat(headParts) };
  }

  /** Moves staged data into the store, hashing it on the way (the import's final step). */
  async promote(id: string): Promise<Received> {
    const staged = this.path('staging', id);
    const received = await this.receive(createReadStream(staged), 'images', id);
    rmSync(staged, { force: true });
    return received;
  }

  read(area: Area, id: string, start?: number, end?: number): Readable {
    return createReadStream(this.path(area, id), { start, end, highWaterMark: 1024 * 1024 });
  }

  remove(area: Area, id: string): void {
    rmSync(this.path(area, id), { force: true });
  }
}

/**
 * Glance's virtual_size: the size a disk image unpacks to, read from its header
 * (qcow2 and vhd headers; raw and iso are their own size). Null when unknown.
 */
export function virtualSize(diskFormat: string | null, head: Buffer, size: number): number | null {
  if (diskFormat === 'raw' || diskFormat === 'iso') return size;
  if (diskFormat === 'qcow2' && head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) return Number(head.readBigUInt64BE(24));
  return null;
}
