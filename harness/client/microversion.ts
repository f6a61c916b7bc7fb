/** Microversions ('2.47', '3.71'): parse, compare, range checks. */

export interface Microversion {
  major: number;
  minor: number;
}

const FORM = /^(\d+)\.(\d+)$/;

/** Parses 'X.Y' (an optional leading 'v' is accepted). Throws on anything else. */
export function parseMicroversion(text: string): Microversion {
  const m = FORM.exec(text.trim().replace(/^v/i, ''));
  if (!m) throw new Error(`'${text}' is not a microversion (expected X.Y, e.g. 2.47).`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function isMicroversion(text: string): boolean {
  return FORM.test(text.trim().replace(/^v/i, ''));
}

export function formatMicroversion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

function asVersion(v: string | Microversion): Microversion {
  return typeof v === 'string' ? parseMicroversion(v) : v;
}

/** -1, 0 or 1, numerically per part: 2.9 < 2.10. */
export function compareMicroversions(a: string | Microversion, b: string | Microversion): -1 | 0 | 1 {
  const x = asVersion(a);
  const y = asVersion(b);
  if (x.major !== y.major) return x.major < y.major ? -1 : 1;
  if (x.minor !== y.minor) return x.minor < y.minor ? -1 : 1;
  return 0;
}

/** min <= v <= max; an absent bound does not limit. */
export function microversionInRange(
  v: string | Microversion,
  min?: string | Microversion,
  max?: string | Microversion,
): boolean {
  if (min !== undefined && compareMicroversions(v, min) < 0) return false;
  if (max !== undefined && compareMicroversions(v, max) > 0) return false;
  return true;
}
