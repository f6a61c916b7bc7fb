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

/** swob's limits: more ranges, overlaps or descending ranges than this are a 416 (RFC 7233 6.1). */
const MAX_RANGES = 50;
const MAX_RANGE_OVERLAPS = 2;
const MAX_NONASCENDING_RANGES = 8;

/**
 * The ranges a Range header asks of a body of `length` bytes, as swob's Range and
 * ranges_for_length decide: undefined when the header is absent or syntactically invalid
 * (Swift then serves everything); [] when none is satisfiable or the set is abusive (416).
 */
export function parseRange(header: string | undefined, length: number): ByteRange[] | undefined {
  if (!header) return undefined;
  const value = header.replace(/ /g, '');
  if (!value.toLowerCase().startsWith('bytes=')) return undefined;
  const asked: [number | undefined, number | undefined][] = [];
  for (const rng of value.slice(6).split(',')) {
    const dash = rng.indexOf('-');
    if (dash < 0) return undefined;
    const a = rng.slice(0, dash);
    const b = rng.slice(dash + 1);
    if (a && !/^\+?\d+$/.test(a)) return undefined;
    if (b && !/^\d+$/.test(b)) return undefined;
    const start = a ? Number(a) : undefined;
    const end = b ? Number(b) : undefined;
    if (end === undefined && start === undefined) return undefined;
    if (start !== undefined && end !== undefined && end < start) return undefined;
    asked.push([start, end]);
  }
  // Half-open [start, stop) as swob computes them.
  const all: [number, number][] = [];
  for (const [begin, end] of asked) {
    if (begin === undefined) {
      if (end === 0) continue;
      all.push(end! > length ? [0, length] : [length - end!, length]);
    } else if (end === undefined) {
      if (begin < length) all.push([begin, length]);
    } else if (begin < length) {
      all.push([begin, Math.min(end + 1, length)]);
    }
  }
  if (all.length > MAX_RANGES) return [];
  let overlaps = 0;
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [s1, e1] = all[i]!;
      const [s2, e2] = all[j]!;
      if ((s1 < s2 && s2 < e1) || (s1 < e2 && e2 < e1) || (s2 < s1 && s1 < e2) || (s2 < e1 && e1 < e2)) {
        if (++overlaps > MAX_RANGE_OVERLAPS) return [];
      }
    }
  }
  const ascending = all.every((r, i) => i === 0 || !tupleGreater(all[i - 1]!, r));
  if (!ascending && all.length >= MAX_NONASCENDING_RANGES) return [];
  return all.filter(([s0, e0]) => e0 > s0).map(([s0, e0]) => ({ start: s0, end: e0 - 1 }));
}

/** Python's tuple comparison a > b. */
function tupleGreater(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
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
    // swob keeps the object's Content-Type on its 416 page.
    const page = swobPage(416);
    const body = Buffer.from(page.body as string);
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${source.length}`, 'Content-Length': String(body.length) }, body };
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
