/**
 * Conditional GET and HEAD as swob evaluates them (docs/swift-wire-notes.md "Conditional
 * requests"): If-Match / If-None-Match against the ETag (quoted or not, or `*`), then
 * If-Modified-Since / If-Unmodified-Since against Last-Modified (unparsable dates ignored).
 * Answers the 304/412 to send, or undefined to go on.
 */
import type { SwiftResponse } from './context';
import { HTML } from './responses';

export interface Validators {
  /** The ETag conditionals compare against, without quotes (an SLO's is its slo etag). */
  etag: string;
  /** The X-Timestamp, from which Last-Modified is derived (rounded up to the second). */
  timestamp: string;
}

const unquote = (s: string): string => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

function matches(header: string, etag: string): boolean {
  return header.split(',').some((t) => t.trim() === '*' || unquote(t) === etag);
}

/** `headers`: the object's headers, which a 304 and a 412 carry as swob sends them. */
export function checkConditions(
  reqHeaders: Record<string, string>, v: Validators, headers: Record<string, string>,
): SwiftResponse | undefined {
  const lastModifiedSec = Math.ceil(Number(v.timestamp));
  const ifMatch = reqHeaders['if-match'];
  if (ifMatch !== undefined && !matches(ifMatch, v.etag)) {
    return { status: 412, headers: { ...headers, 'Content-Type': HTML, 'Content-Length': '0' } };
  }
  const ifNoneMatch = reqHeaders['if-none-match'];
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, v.etag)) {
    return { status: 304, headers: { ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': '0' } };
  }
  const ims = parseHttpDate(reqHeaders['if-modified-since']);
  if (ifNoneMatch === undefined && ims !== undefined && lastModifiedSec <= ims) {
    return { status: 304, headers: { ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': '0' } };
  }
  const ius = parseHttpDate(reqHeaders['if-unmodified-since']);
  if (ifMatch === undefined && ius !== undefined && lastModifiedSec > ius) {
    return { status: 412, headers: { ...headers, 'Content-Type': HTML, 'Content-Length': '0' } };
  }
  return undefined;
}

/** Seconds since the epoch of an HTTP date, or undefined when it does not parse. */
export function parseHttpDate(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
