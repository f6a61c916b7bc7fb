/**
 * The pure parts of temp URLs (swift/common/digest.py and tempurl.py): the HMAC of
 * `[ip=<range>\n]<METHOD>\n<expires>\n<path>`, the client's signature as hex or
 * `<digest>:<base64>`, `temp_url_expires` as Unix seconds or ISO 8601, and the
 * Content-Disposition a download gets.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_DIGESTS: Record<number, string> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** extract_digest_and_algorithm: [algorithm, hex digest], or undefined when it does not parse. */
export function extractDigest(value: string): [string, string] | undefined {
  const i = value.indexOf(':');
  if (i >= 0) {
    const algo = value.slice(0, i);
    let b64 = value.slice(i + 1);
    if (/[-_]/.test(b64) && !/[+/]/.test(b64)) b64 = b64.replace(/-/g, '+').replace(/_/g, '/');
    const stripped = b64.replace(/=+$/, '');
    if (!/^[A-Za-z0-9+/]*$/.test(stripped) || stripped.length % 4 === 1) return undefined;
    return [algo, Buffer.from(stripped, 'base64').toString('hex')];
  }
  if (value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) return undefined;
  const algo = HEX_DIGESTS[value.length];
  return algo ? [algo, value] : undefined;
}

/** get_hmac: the hex HMAC a temp URL for this method, expiry and path carries. */
export function tempUrlHmac(method: string, path: string, expires: number, key: string, digest: string, ipRange?: string): string {
  const parts = [method, String(expires), path];
  if (ipRange) parts.unshift(`ip=${ipRange}`);
  return createHmac(digest, Buffer.from(key, 'utf8')).update(Buffer.from(parts.join('\n'), 'utf8')).digest('hex');
}

/** Constant-time comparison of two signatures. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * temp_url_expires as tempurl reads it: an integer, else `%Y-%m-%dT%H:%M:%SZ`; 0 when it parses
 * as neither or has passed (`nowSeconds`).
 */
export function parseExpires(value: string, nowSeconds: number): number {
  let n: number;
  if (/^\s*[+-]?\d+\s*$/.test(value)) n = Number(value);
  else {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(value);
    if (!m) return 0;
    const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
    const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const back = new Date(ms);
    if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 61) return 0;
    n = Math.floor(ms / 1000);
  }
  return n < nowSeconds ? 0 : n;
}

/** Python's urllib quote with these extra safe characters (letters, digits and `_.-~` always are). */
export function pyQuote(s: string, safe = '/'): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_.\-~]/.test(c) || (b < 0x80 && safe.includes(c)) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** tempurl.disposition_format. */
export function dispositionFormat(type: string, filename: string): string {
  return `${type}; filename="${pyQuote(filename, ' /')}"; filename*=UTF-8''${pyQuote(filename)}`;
}
