/**
 * JSON as Nova's Python writes it where JavaScript cannot: a float that happens to be whole is
 * `1.0`, not `1` (a flavor's rxtx_factor, usage hours), and exponents as Python's repr writes
 * them (`1e-05`, `1e+16`).
 */
import type { ApiReply } from '../../core/service';

const MARK = '\u0000pyfloat:';

/** A number Nova holds as a Python float. */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }

  toJSON(): string {
    return `${MARK}${pyFloatRepr(this.value)}\u0000`;
  }
}

/** Python's repr() of a float. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : x < 0 ? '-Infinity' : 'NaN';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** A JSON answer whose PyFloat values are written as Python writes floats. */
export function pyJson(status: number, body: unknown): ApiReply {
  const text = JSON.stringify(body).replace(/"\\u0000pyfloat:([^"\\]*)\\u0000"/g, '$1');
  return { status, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(text, 'utf8') };
}
