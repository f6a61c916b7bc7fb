/**
 * The data of a large object (SLO or DLO): a list of pieces of segment objects, read one after
 * another through GET subrequests to the pipeline below, as Swift's SegmentedIterable does. It is
 * a ByteSource, so ranges.ts serves Range requests across segment boundaries; nothing is held
 * whole in memory. A segment that has gone or changed (other ETag, other length) ends the body
 * early (the client sees a short read), as in Swift; `checkFirst` lets the middleware answer 409
 * before the body when the first segment it would send is already unusable.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { SwiftHandler, SwiftRequest } from '../context';
import { subrequest } from '../path';
import { parseRange, type ByteSource } from '../ranges';
import { discard } from './body';
import { contentLength, getHeader, isSuccess, normalizeEtag } from './headers';

/** A piece of one segment object: `length` bytes from byte `start` of the object at `path`. */
export interface SegmentPiece {
  /** Decoded `/v1/<account>/<container>/<object>`. */
  path: string;
  start: number;
  length: number;
  /** The segment object's ETag as recorded in the manifest or listing (checked when given). */
  etag?: string;
  /** The segment object's whole size (checked on whole reads when given). */
  size?: number;
  /** An SLO's inline data segment: the bytes themselves instead of an object (`path` unused). */
  data?: Buffer;
}

export class SegmentError extends Error {}

/** The pieces covering bytes [from, from+count) of the concatenation of `pieces`. */
export function slicePieces(pieces: SegmentPiece[], from: number, count: number): SegmentPiece[] {
  const out: SegmentPiece[] = [];
  let offset = 0;
  const to = from + count;
  for (const p of pieces) {
    const pEnd = offset + p.length;
    const a = Math.max(from, offset);
    const b = Math.min(to, pEnd);
    if (a < b) out.push({ ...p, start: p.start + (a - offset), length: b - a });
    offset = pEnd;
    if (offset >= to) break;
  }
  return out;
}

export class SegmentedSource implements ByteSource {
  readonly length: number;
  private readonly pieces: SegmentPiece[];
  private readonly next: SwiftHandler;
  private readonly req: SwiftRequest;
  private readonly source: string;

  constructor(pieces: SegmentPiece[], next: SwiftHandler, req: SwiftRequest, source: string) {
    this.pieces = pieces;
    this.next = next;
    this.req = req;
    this.source = source;
    this.length = pieces.reduce((n, p) => n + p.length, 0);
  }

  /** GETs one piece; answers its body or throws SegmentError. */
  private async fetch(p: SegmentPiece, method = 'GET'): Promise<Readable | undefined> {
    if (p.data) {
      const s = new PassThrough();
      s.end(method === 'HEAD' ? Buffer.alloc(0) : p.data.subarray(p.start, p.start + p.length));
      return s;
    }
    const whole = p.start === 0 && p.size !== undefined && p.length === p.size;
    const headers: Record<string, string> = whole ? {} : { range: `bytes=${p.start}-${p.start + p.length - 1}` };
    const res = await this.next(subrequest(this.req, { method, path: p.path, headers, source: this.source }));
    if (!isSuccess(res)) {
      discard(res);
      throw new SegmentError(`While processing manifest ${this.req.path}, got ${res.status} while retrieving ${p.path}`);
    }
    const etag = normalizeEtag(getHeader(res.headers, 'etag'));
    const got = contentLength(res);
    const badEtag = p.etag !== undefined && etag !== p.etag;
    const badLength = whole ? p.size !== undefined && got !== undefined && got !== p.size : got !== undefined && got !== p.length;
    if (badEtag || badLength || (!whole && res.status !== 206 && !(res.status === 200 && got === p.length))) {
      discard(res);
      throw new SegmentError(`Object segment no longer valid: ${p.path}`);
    }
    if (method === 'HEAD') return undefined;
    const body = res.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      const s = new PassThrough();
      s.end(body ?? Buffer.alloc(0));
      return s;
    }
    return body;
  }

  /**
   * Checks the first piece a GET under `rangeHeader` would read (Swift's validate_first_segment):
   * throws SegmentError when it is missing or changed.
   */
  async checkFirst(rangeHeader: string | undefined): Promise<void> {
    const ranges = parseRange(rangeHeader, this.length);
    const first = ranges && ranges.length > 0 ? Math.min(...ranges.map((r) => r.start)) : 0;
    const [p] = slicePieces(this.pieces, first, 1);
    if (p) await this.fetch({ ...p, start: 0, length: p.size ?? p.length, size: p.size }, 'HEAD');
  }

  read(start: number, end: number): Readable {
    const out = new PassThrough();
    const pieces = slicePieces(this.pieces, start, end - start + 1);
    let current: Readable | undefined;
    let closed = false;
    out.on('close', () => {
      closed = true;
      current?.destroy();
    });
    const run = async (): Promise<void> => {
      for (const p of pieces) {
        if (closed) return;
        const body = await this.fetch(p);
        if (!body) continue;
        if (closed) {
          body.destroy();
          return;
        }
        current = body;
        await new Promise<void>((resolve, reject) => {
          body.on('error', reject);
          body.on('end', resolve);
          body.on('close', () => (closed ? resolve() : undefined));
          body.pipe(out, { end: false });
        });
        current = undefined;
      }
      out.end();
    };
    run().catch((e: Error) => {
      this.req.log?.warn?.({ err: e.message, path: this.req.path }, 'large object read ended early');
      out.destroy(e);
    });
    return out;
  }
}
