/**
 * A streaming reader of tar archives (ustar, pax and GNU long names), for bulk's extract-archive:
 * entries come one at a time with their data as a stream of exactly `size` bytes; nothing is held
 * in memory beyond a block. Malformed input ends in TarError (Swift: `Invalid Tar File: ...`).
 */
import { Readable } from 'node:stream';

export class TarError extends Error {}

export interface TarEntry {
  name: string;
  size: number;
  /** '0' (file), '5' (directory), '2' (symlink)...: only files are extracted. */
  type: string;
  /** The pax extended header records of this entry (e.g. SCHILY.xattr.user.meta.*). */
  pax: Record<string, string>;
  /** The entry's data; must be read (or skipped with `skip`) before the next entry. */
  body: Readable;
}

const BLOCK = 512;

/** Exact-size reads over a stream. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Buffer | string>;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  /** Up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = Buffer.concat([this.buf, typeof r.value === 'string' ? Buffer.from(r.value) : r.value]);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** At most `max` bytes that are already here or come next (for streaming entry data). */
  async some(max: number): Promise<Buffer> {
    if (this.buf.length === 0 && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
    const out = this.buf.subarray(0, max);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function numeric(h: Buffer, start: number, len: number): number {
  const raw = h.subarray(start, start + len);
  if (raw[0]! & 0x80) {
    // GNU base-256.
    let n = raw[0]! & 0x7f;
    for (const b of raw.subarray(1)) n = n * 256 + b;
    return n;
  }
  const s = field(h, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError('invalid header');
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.subarray(i, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) throw new TarError('invalid pax header');
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** The entries of a tar stream. The caller reads each entry's body (or skips it) before asking for the next. */
export async function* tarEntries(stream: Readable, maxMetaSize = 1024 * 1024): AsyncGenerator<TarEntry> {
  const r = new ByteReader(stream);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let blocks = 0;
  for (;;) {
    const h = await r.read(BLOCK);
    if (h.length === 0 && blocks === 0) throw new TarError('empty file');
    if (h.length < BLOCK) {
      if (h.length === 0) return;
      throw new TarError('unexpected end of data');
    }
    blocks++;
    if (h.every((b) => b === 0)) return;
    if (!checksumOk(h)) throw new TarError(blocks === 1 ? 'invalid header' : 'bad checksum');
    const size = numeric(h, 124, 12);
    const type = String.fromCharCode(h[156]!) === '\0' ? '0' : String.fromCharCode(h[156]!);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > maxMetaSize) throw new TarError('extended header too large');
      const data = await r.read(padded);
      if (data.length < padded) throw new TarError('unexpected end of data');
      if (type === 'x') pax = { ...pax, ...parsePax(data.subarray(0, size)) };
      if (type === 'L') longName = field(data, 0, size);
      continue;
    }
    const magic = field(h, 257, 6);
    const prefix = magic.startsWith('ustar') ? field(h, 345, 155) : '';
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    const realSize = pax.size !== undefined && /^\d+$/.test(pax.size) ? Number(pax.size) : size;
    const realPadded = Math.ceil(realSize / BLOCK) * BLOCK;
    let remaining = realSize;
    let padding = realPadded - realSize;
    let inflight: Promise<void> | undefined;
    const body = new Readable({
      read() {
        if (remaining <= 0) {
          this.push(null);
          return;
        }
        inflight = r.some(Math.min(remaining, 64 * 1024)).then(
          (chunk) => {
            if (chunk.length === 0) {
              this.destroy(new TarError('unexpected end of data'));
              return;
            }
            remaining -= chunk.length;
            this.push(chunk);
          },
          (e: Error) => {
            this.destroy(e);
          },
        );
      },
    });
    yield { name, size: realSize, type, pax: entryPax(pax), body };
    pax = {};
    longName = undefined;
    // Whatever the consumer left unread, then the padding.
    body.destroy();
    if (inflight) await inflight;
    while (remaining > 0) {
      const chunk = await r.some(Math.min(remaining, 64 * 1024));
      if (chunk.length === 0) throw new TarError('unexpected end of data');
      remaining -= chunk.length;
    }
    while (padding > 0) {
      const chunk = await r.read(padding);
      if (chunk.length === 0) throw new TarError('unexpected end of data');
      padding -= chunk.length;
    }
  }
}

function entryPax(pax: Record<string, string>): Record<string, string> {
  const { path: _p, size: _s, ...rest } = pax;
  return rest;
}
