/**
 * Range requests as swob answers them (docs/swift-wire-notes.md "Ranges"): one range → 206 with
 * Content-Range; several → multipart/byteranges; none satisfiable → 416 with `bytes * /<len>`;
 * a malformed or reversed header is ignored (200, the whole body). Everything that serves bytes
 * (plain objects, SLO and DLO concatenations) describes them as a ByteSource, so every kind of
 * object gets the same Range behaviour.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { SwiftResponse } from './context';
import { swobPage } from './responses';

/** Bytes that can be read in pieces: a file, or segments read one after another. */
export interface ByteSource {
  length: number;
  /** A stream of bytes start..end inclusive (0 <= start <= end < length). */
  read(start: number, end: number): Readable;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** Swift answers at most this many ranges (swob: more is a 416... we follow its limit of 100). */
const MAX_RANGES = 100;

/**
 * The ranges a Range header asks of a body of `length` bytes: undefined when the header is
 * absent, malformed or has a reversed range (Swift then serves everything); [] when none is
 * satisfiable (416).
 */
export function parseRange(header: string | undefined, length: number): ByteRange[] | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return undefined;
  const specs = m[1]!.split(',').map((s) => s.trim());
  if (specs.length > MAX_RANGES) return undefined;
  const asked: [number | undefined, number | undefined][] = [];
  for (const spec of specs) {
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return undefined;
    const a = r[1] === '' ? undefined : Number(r[1]);
    const b = r[2] === '' ? undefined : Number(r[2]);
    if (a !== undefined && b !== undefined && b < a) return undefined;
    asked.push([a, b]);
  }
  const out: ByteRange[] = [];
  for (const [a, b] of asked) {
    if (a === undefined) {
      // Suffix: the last b bytes.
      if (!b || length === 0) continue;
      out.push({ start: Math.max(0, length - b), end: length - 1 });
    } else {
      if (a >= length) continue;
      out.push({ start: a, end: b === undefined ? length - 1 : Math.min(b, length - 1) });
    }
  }
  return out;
}

/**
 * The GET answer for a ByteSource under an optional Range header. `headers` are the object's
 * (Content-Type, Etag, metadata...); Content-Length and Content-Range are set here.
 */
export function serveRanges(source: ByteSource, rangeHeader: string | undefined, headers: Record<string, string>): SwiftResponse {
  const ranges = parseRange(rangeHeader, source.length);
  const base = { ...headers, 'Accept-Ranges': 'bytes' };
  if (ranges === undefined) {
    return {
      status: 200,
      headers: { ...base, 'Content-Length': String(source.length) },
      body: source.length === 0 ? Buffer.alloc(0) : source.read(0, source.length - 1),
    };
  }
  if (ranges.length === 0) {
    const page = swobPage(416);
    return { ...page, headers: { ...base, 'Content-Type': page.headers['Content-Type']!, 'Content-Range': `bytes */${source.length}` } };
  }
  if (ranges.length === 1) {
    const [r] = ranges as [ByteRange];
    return {
      status: 206,
      headers: { ...base, 'Content-Length': String(r.end - r.start + 1), 'Content-Range': `bytes ${r.start}-${r.end}/${source.length}` },
      body: source.read(r.start, r.end),
    };
  }
  const boundary = randomBytes(16).toString('hex');
  const type = headers['Content-Type'] ?? 'application/octet-stream';
  const parts = ranges.map((r, i) => ({
    head: Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${r.start}-${r.end}/${source.length}\r\n\r\n`),
    r,
  }));
  const tail = Buffer.from(`\r\n--${boundary}--`);
  const length = parts.reduce((n, p) => n + p.head.length + (p.r.end - p.r.start + 1), 0) + tail.length;
  return {
    status: 206,
    headers: { ...base, 'Content-Type': `multipart/byteranges;boundary=${boundary}`, 'Content-Length': String(length) },
    body: concatStreams(parts.flatMap((p) => [() => bufferStream(p.head), () => source.read(p.r.start, p.r.end)]).concat([() => bufferStream(tail)])),
  };
}

function bufferStream(b: Buffer): Readable {
  const s = new PassThrough();
  s.end(b);
  return s;
}

/** One stream that reads the given streams one after another, opening each only when needed. */
export function concatStreams(makers: (() => Readable)[]): Readable {
  const out = new PassThrough();
  let i = 0;
  const next = (): void => {
    if (i >= makers.length) {
      out.end();
      return;
    }
    let src: Readable;
    try {
      src = makers[i++]!();
    } catch (e) {
      out.destroy(e as Error);
      return;
    }
    src.on('error', (e) => out.destroy(e));
    src.on('end', next);
    src.pipe(out, { end: false });
  };
  out.on('close', () => { i = makers.length; });
  next();
  return out;
}
