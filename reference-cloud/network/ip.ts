/**
 * IP address arithmetic for IPAM: addresses as bigints, CIDRs parsed and normalised the way
 * netaddr does it (canonical IPv6 text, host bits cleared).
 */
export interface Ip { version: 4 | 6; value: bigint }
export interface Cidr { version: 4 | 6; network: bigint; prefix: number }

const BITS = { 4: 32, 6: 128 } as const;

export function parseIp(text: unknown): Ip | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { version: 4, value: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp(text.slice(lastColon + 1));
    if (!v4 || v4.version !== 4) return undefined;
    tail4 = v4.value;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return { version: 6, value };
}

export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // Longest run (>= 2) of zero groups becomes '::', as RFC 5952 and netaddr write it.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses "a.b.c.d/n" (or a bare address as a host route); undefined when it is not a CIDR. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = BITS[ip.version];
  const prefix = len === undefined ? bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  return { version: ip.version, network: ip.value & mask(ip.version, prefix), prefix };
}

export const mask = (version: 4 | 6, prefix: number): bigint => {
  const bits = BigInt(BITS[version]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
};

export const formatCidr = (c: Cidr): string => `${formatIp(c.version, c.network)}/${c.prefix}`;
export const size = (c: Cidr): bigint => 1n << BigInt(BITS[c.version] - c.prefix);
export const last = (c: Cidr): bigint => c.network + size(c) - 1n;
export const contains = (c: Cidr, ip: Ip): boolean => ip.version === c.version && ip.value >= c.network && ip.value <= last(c);
export const overlaps = (a: Cidr, b: Cidr): boolean =>
  a.version === b.version && a.network <= last(b) && b.network <= last(a);

export interface Range { start: bigint; end: bigint }

/** Neutron's default allocation pools: the usable range minus the gateway. */
export function defaultPools(c: Cidr, gateway: bigint | undefined): Range[] {
  let start: bigint, end: bigint;
  if (c.version === 4) {
    if (c.prefix >= 31) return [{ start: c.network, end: last(c) }].filter(() => c.prefix === 31);
    start = c.network + 1n;
    end = last(c) - 1n;
  } else {
    start = c.network + 1n;
    end = last(c);
  }
  if (gateway === undefined || gateway < start || gateway > end) return start <= end ? [{ start, end }] : [];
  return [{ start, end: gateway - 1n }, { start: gateway + 1n, end }].filter((r) => r.start <= r.end);
}
