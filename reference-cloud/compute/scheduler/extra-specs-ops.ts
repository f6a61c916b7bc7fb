/**
 * Nova's extra_specs_ops.match: how a flavor extra spec's requirement ("<in> ssd", ">= 4",
 * "s== fast", "<or> a <or> b", or a plain value) matches an aggregate metadata value.
 */
const num = (x: string): number => {
  const n = Number(x);
  if (x.trim() === '' || Number.isNaN(n)) throw new Error(`could not convert string to float: '${x}'`);
  return n;
};

const OPS: Record<string, (value: string, operand: string) => boolean> = {
  '=': (x, y) => num(x) >= num(y),
  '<in>': (x, y) => x.includes(y),
  '==': (x, y) => num(x) === num(y),
  '!=': (x, y) => num(x) !== num(y),
  '>=': (x, y) => num(x) >= num(y),
  '<=': (x, y) => num(x) <= num(y),
  's==': (x, y) => x === y,
  's!=': (x, y) => x !== y,
  's<': (x, y) => x < y,
  's<=': (x, y) => x <= y,
  's>': (x, y) => x > y,
  's>=': (x, y) => x >= y,
};

/** Whether `value` satisfies `req`; a requirement Nova could not evaluate (a non-number) does not match. */
export function matchExtraSpec(value: string | undefined, req: string): boolean {
  const words = req.split(/\s+/).filter(Boolean);
  const op = words.shift();
  if (op !== '<or>' && op !== '<all-in>' && (op === undefined || !(op in OPS))) return value === req;
  if (value === undefined) return false;
  if (op === '<or>') {
    for (;;) {
      if (words.shift() === value) return true;
      if (!words.length) return false;
      words.shift();
      if (!words.length) return false;
    }
  }
  if (!words.length) return false;
  if (op === '<all-in>') return words.every((w) => value.includes(w));
  try {
    return OPS[op!](value, words[0]);
  } catch {
    return false;
  }
}
