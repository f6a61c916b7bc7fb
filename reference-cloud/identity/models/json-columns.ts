/** Small helpers for rows that keep open-ended attributes as JSON text columns. */
export const parseObj = (s: string | null | undefined): Record<string, unknown> => (s ? JSON.parse(s) : {});
export const parseArr = (s: string | null | undefined): string[] => (s ? JSON.parse(s) : []);
export const bool = (n: number | null | undefined): boolean => n === 1;

/** Splits a request object into known columns and the rest (Keystone keeps the rest in `extra`). */
export function splitExtra<K extends string>(input: Record<string, unknown>, known: readonly K[]) {
  const known_: Partial<Record<K, unknown>> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if ((known as readonly string[]).includes(k)) known_[k as K] = v;
    else extra[k] = v;
  }
  return { known: known_, extra };
}
