/**
 * Metadata headers as Swift handles them: `X-<Kind>-Meta-*` (user metadata), `X-Remove-<Kind>-Meta-*`
 * and empty values (removal), `X-<Kind>-Sysmeta-*` (middleware-owned; the gatekeeper keeps clients
 * from sending them), the limits of constraints.check_metadata with its sentences, and header
 * names title-cased on the way out as swob's HeaderKeyDict does.
 */
import type { SwiftResponse } from '../context';
import { sentence } from '../responses';
import type { SwiftSettings } from '../settings';
import type { Meta, MetaChange } from '../store';

export type Kind = 'account' | 'container' | 'object';

/** Python's str.title(): a letter after a non-letter is upper-cased, every other letter lower-cased. */
export function titleCase(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const cased = lower !== upper;
    out += cased ? (prevCased ? lower : upper) : ch;
    prevCased = cased;
  }
  return out;
}

/** UTF-8 length of a header value as received (latin-1 characters stand for bytes). */
const byteLen = (s: string): number => s.length;

/** constraints.check_metadata: the first violation as Swift answers it, or undefined. */
export function checkMetadata(headers: Record<string, string>, kind: Kind, s: SwiftSettings): SwiftResponse | undefined {
  const prefix = `x-${kind}-meta-`;
  let count = 0;
  let size = 0;
  for (const [key, value] of Object.entries(headers)) {
    if (byteLen(value) > s.maxHeaderSize) {
      return sentence(400, `Header value too long: ${titleCase(key).slice(0, s.maxMetaNameLength)}`);
    }
    if (!key.startsWith(prefix)) continue;
    const name = titleCase(key).slice(prefix.length);
    if (!name) return sentence(400, 'Metadata name cannot be empty');
    if (kind !== 'object' && (!isUtf8(name) || (value && !isUtf8(value)))) return sentence(400, 'Metadata must be valid UTF-8');
    count++;
    size += byteLen(name) + byteLen(value);
    if (byteLen(name) > s.maxMetaNameLength) return sentence(400, `Metadata name too long: ${prefix}${name}`);
    if (byteLen(value) > s.maxMetaValueLength) return sentence(400, `Metadata value longer than ${s.maxMetaValueLength}: ${prefix}${name}`);
    if (count > s.maxMetaCount) return sentence(400, `Too many metadata items; max ${s.maxMetaCount}`);
    if (size > s.maxMetaOverallSize) return sentence(400, `Total metadata too large; max ${s.maxMetaOverallSize}`);
  }
  return undefined;
}

/** Whether a latin-1 string of header bytes is valid UTF-8. */
export function isUtf8(latin1: string): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The metadata a write sets and removes: `x-<kind>-meta-k: v` sets (an empty value removes),
 * `x-remove-<kind>-meta-k` removes; sysmeta likewise (`x-<kind>-sysmeta-k`).
 */
export function metaChange(headers: Record<string, string>, kind: Kind): MetaChange {
  const meta: Record<string, string | null> = {};
  const sysmeta: Record<string, string | null> = {};
  const m = `x-${kind}-meta-`;
  const rm = `x-remove-${kind}-meta-`;
  const sm = `x-${kind}-sysmeta-`;
  const rsm = `x-remove-${kind}-sysmeta-`;
  for (const key of Object.keys(headers)) {
    if (key.startsWith(rm)) meta[key.slice(rm.length)] = null;
    else if (key.startsWith(rsm)) sysmeta[key.slice(rsm.length)] = null;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(m) && key.length > m.length) meta[key.slice(m.length)] = value;
    else if (key.startsWith(sm) && key.length > sm.length) sysmeta[key.slice(sm.length)] = value;
  }
  return { meta, sysmeta };
}

/** Stored metadata as response headers: `X-Container-Meta-Color`, `X-Object-Sysmeta-Slo-Etag`. */
export function metaHeaders(kind: Kind, meta: Meta, sysmeta: Meta): Record<string, string> {
  const out: Record<string, string> = {};
  const k = titleCase(kind);
  for (const [name, value] of Object.entries(meta)) out[`X-${k}-Meta-${titleCase(name)}`] = value;
  for (const [name, value] of Object.entries(sysmeta)) out[`X-${k}-Sysmeta-${titleCase(name)}`] = value;
  return out;
}
