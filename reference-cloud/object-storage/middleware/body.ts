/** Reading request and response bodies in the middlewares, always with a bound. */
import { Readable } from 'node:stream';
import type { SwiftResponse } from '../context';

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

/** Reads a stream whole, refusing more than `limit` bytes (BodyTooLarge). */
export function readAll(stream: Readable | undefined, limit: number): Promise<Buffer> {
  if (!stream) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    stream.on('data', (c: Buffer | string) => {
      if (failed) return;
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > limit) {
        failed = true;
        stream.resume();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(b);
    });
    stream.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    stream.on('error', (e) => !failed && reject(e));
  });
}

/** A response body as a Buffer (responses of subrequests: listings, manifests), bounded. */
export async function responseBytes(res: SwiftResponse, limit: number): Promise<Buffer> {
  const b = res.body;
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'string') return Buffer.from(b);
  if (Buffer.isBuffer(b)) return b;
  return readAll(b, limit);
}

/** Releases a response body this middleware will not forward (closes the file behind it). */
export function discard(res: SwiftResponse): void {
  const b = res.body;
  if (b && typeof b !== 'string' && !Buffer.isBuffer(b)) b.destroy();
}

/** A Readable of one buffer. */
export function bufferBody(b: Buffer | string): Readable {
  return Readable.from([typeof b === 'string' ? Buffer.from(b) : b]);
}
